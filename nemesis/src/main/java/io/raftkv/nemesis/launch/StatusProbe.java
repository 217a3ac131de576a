package io.raftkv.nemesis.launch;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.api.MemberRoles;
import io.raftkv.api.v1.KVGrpc;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.StatusRequest;
import io.raftkv.api.v1.StatusResponse;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Asks a launched cluster's nodes for their Status over their client ports: who answers, who
 * leads. One plaintext channel per node, kept until {@link ServerLauncher} kills the node.
 */
public final class StatusProbe implements AutoCloseable {
  /** The leader every asked server names, in one term. */
  public record Leader(int id, long term) {}

  private final IntFunction<String> clientAddress;
  private final Map<Integer, ManagedChannel> channels = new ConcurrentHashMap<>();

  StatusProbe(IntFunction<String> clientAddress) {
    this.clientAddress = clientAddress;
  }

  /** A plaintext channel to node {@code id}'s client address, kept until the node is killed. */
  public ManagedChannel channel(int id) {
    return channels.computeIfAbsent(id, i -> NettyChannelBuilder.forTarget(clientAddress.apply(i))
        .usePlaintext().maxInboundMessageSize(8 << 20).build());
  }

  /** Closes node {@code id}'s channel (it was killed: a restart gets a fresh one). */
  void drop(int id) {
    ManagedChannel ch = channels.remove(id);
    if (ch != null) {
      ch.shutdownNow();
    }
  }

  /** Node {@code id}'s Status, or empty if it does not answer within {@code millis}. */
  public Optional<StatusResponse> status(int id, long millis) {
    try {
      return Optional.of(KVGrpc.newBlockingStub(channel(id))
          .withDeadlineAfter(millis, TimeUnit.MILLISECONDS)
          .status(StatusRequest.getDefaultInstance()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Member {@code id}'s entry in a Status answer. */
  public static Optional<MemberStatus> member(StatusResponse s, int id) {
    return s.getMembersList().stream().filter(m -> m.getId() == id).findFirst();
  }

  /** Node {@code id}'s own entry in its Status. */
  public Optional<MemberStatus> self(int id, long millis) {
    return status(id, millis).flatMap(s -> member(s, id));
  }

  /**
   * The leader if every node of {@code ids} answers Status within {@code millis} naming the same
   * leader in the same term, that leader is one of {@code ids}, and it calls itself leader.
   */
  public Optional<Leader> agreedLeader(Collection<Integer> ids, long millis) {
    int leader = 0;
    long term = -1;
    for (int id : ids) {
      Optional<StatusResponse> s = status(id, millis);
      if (s.isEmpty() || s.get().getLeaderId() == 0
          || leader != 0 && (s.get().getLeaderId() != leader || s.get().getTerm() != term)) {
        return Optional.empty();
      }
      leader = (int) s.get().getLeaderId();
      term = s.get().getTerm();
    }
    int l = leader;
    if (!ids.contains(l)) {
      return Optional.empty();
    }
    boolean leads = self(l, millis).map(MemberRoles::isLeader).orElse(false);
    return leads ? Optional.of(new Leader(l, term)) : Optional.empty();
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
