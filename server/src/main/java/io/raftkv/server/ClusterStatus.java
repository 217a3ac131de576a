package io.raftkv.server;

import io.grpc.ManagedChannel;
import io.raftkv.api.MemberRoles;
import io.raftkv.api.peer.v1.RaftPeerGrpc;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.ResponseHeader;
import io.raftkv.api.v1.Role;
import io.raftkv.api.v1.StatusRequest;
import io.raftkv.api.v1.StatusResponse;
import io.raftkv.raft.NodeStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * Builds the cluster Status: this server's own state, and each other member's as it reports it
 * (asked with a short deadline; a member that does not answer shows as UNREACHABLE).
 *
 * <p>A member that did not answer the last time it was asked is not waited for: the Status says
 * UNREACHABLE at once while a new question goes out in the background, and the next Status
 * shows the member again once it answers. Without that, every Status waited the whole deadline
 * for a paused (SIGSTOPped) member, and a monitor polling with a shorter deadline saw nothing at
 * all. At most one question per member is in flight, however often Status is asked.
 */
final class ClusterStatus {
  private static final long PEER_DEADLINE_MILLIS = 500;

  /** The member answered the last question (else it is not waited for). */
  private final Map<Integer, Boolean> answeredLast = new ConcurrentHashMap<>();
  /** The question in flight to each member, if any. */
  private final Map<Integer, CompletableFuture<MemberStatus>> inFlight =
      new ConcurrentHashMap<>();

  private final ClusterConfig config;
  private final NodeRuntime runtime;
  private final IntFunction<ManagedChannel> peerChannel;
  private final LongSupplier forwardedRequests;

  ClusterStatus(ClusterConfig config, NodeRuntime runtime,
      IntFunction<ManagedChannel> peerChannel, LongSupplier forwardedRequests) {
    this.config = config;
    this.runtime = runtime;
    this.peerChannel = peerChannel;
    this.forwardedRequests = forwardedRequests;
  }

  MemberStatus self() {
    NodeView v = runtime.view();
    NodeStatus s = v.status();
    ClusterConfig.Member me = config.member(runtime.id()).orElseThrow();
    return MemberRoles.set(MemberStatus.newBuilder(), role(s.role())).setId(s.id())
        .setClientAddress(me.clientAddress().target()).setPeerAddress(me.peerAddress().target())
        .setTerm(s.term()).setCommitIndex(s.commitIndex())
        .setAppliedIndex(v.appliedIndex()).setMatchIndex(v.isLeader() ? s.lastIndex() : 0)
        .setStateHash(v.stateHash()).setHealthy(true)
        .setForwardedRequests(forwardedRequests.getAsLong()).build();
  }

  /** The wire role of the core's {@code r}. */
  static Role role(io.raftkv.raft.Role r) {
    return switch (r) {
      case FOLLOWER -> Role.FOLLOWER;
      case PRE_CANDIDATE -> Role.PRE_CANDIDATE;
      case CANDIDATE -> Role.CANDIDATE;
      case LEADER -> Role.LEADER;
    };
  }

  CompletableFuture<StatusResponse> gather() {
    NodeView v = runtime.view();
    List<CompletableFuture<MemberStatus>> parts = new ArrayList<>();
    for (ClusterConfig.Member m : config.members()) {
      if (m.id() == runtime.id()) {
        parts.add(CompletableFuture.completedFuture(self()));
      } else {
        long match = v.matchIndex().getOrDefault(m.id(), 0L);
        CompletableFuture<MemberStatus> answer = ask(m);
        if (!answeredLast.getOrDefault(m.id(), true)) {
          answer = CompletableFuture.completedFuture(unreachable(m));
        }
        parts.add(answer.thenApply(ms -> ms.toBuilder().setMatchIndex(match).build()));
      }
    }
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).thenApply(x -> {
      StatusResponse.Builder b = StatusResponse.newBuilder().setClusterId(config.clusterId())
          .setLeaderId(v.status().leader()).setTerm(v.status().term())
          .setHeader(ResponseHeader.newBuilder().setServerId(runtime.id())
              .setLeaderId(v.status().leader()).setIndex(v.appliedIndex())
              .setTerm(v.status().term()));
      parts.forEach(p -> b.addMembers(p.join()));
      return b.build();
    });
  }

  /** Member {@code m}'s answer to the question in flight, asking one if none is. */
  private CompletableFuture<MemberStatus> ask(ClusterConfig.Member m) {
    CompletableFuture<MemberStatus> answer = new CompletableFuture<>();
    CompletableFuture<MemberStatus> pending = inFlight.putIfAbsent(m.id(), answer);
    if (pending != null) {
      return pending;
    }
    CompletableFuture<MemberStatus> call = new CompletableFuture<>();
    RaftPeerGrpc.newStub(peerChannel.apply(m.id()))
        .withDeadlineAfter(PEER_DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
        .localStatus(StatusRequest.getDefaultInstance(), Unary.into(call));
    call.whenComplete((ms, t) -> {
      answeredLast.put(m.id(), t == null);
      inFlight.remove(m.id(), answer);
      answer.complete(t == null ? ms : unreachable(m));
    });
    return answer;
  }

  private static MemberStatus unreachable(ClusterConfig.Member m) {
    return MemberRoles.set(MemberStatus.newBuilder(), Role.UNREACHABLE)
        .setId(m.id()).setClientAddress(m.clientAddress().target())
        .setPeerAddress(m.peerAddress().target()).setHealthy(false).build();
  }
}
