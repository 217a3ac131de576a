package io.raftkv.server;

import io.grpc.ManagedChannel;
import io.raftkv.api.MemberRoles;
import io.raftkv.api.peer.v1.RaftPeerGrpc;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.ResponseHeader;
import io.raftkv.api.v1.Role;
import io.raftkv.api.v1.StatusRequest;
import io.raftkv.api.v1.StatusResponse;
import io.raftkv.raft.Member;
import io.raftkv.raft.Membership;
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
 * Builds the cluster Status: this server's own state, and that of each other member of the
 * configuration in force here (thesis §4.1; learners flagged) as it reports it (asked with a
 * short deadline; a member that does not answer shows as UNREACHABLE). This server is listed even
 * when the configuration does not hold it (joining, or removed: then it says so).
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

  private final String clusterId;
  private final NodeRuntime runtime;
  private final PeerDirectory directory;
  private final IntFunction<ManagedChannel> peerChannel;
  private final LongSupplier forwardedRequests;

  ClusterStatus(String clusterId, NodeRuntime runtime, PeerDirectory directory,
      IntFunction<ManagedChannel> peerChannel, LongSupplier forwardedRequests) {
    this.clusterId = clusterId;
    this.runtime = runtime;
    this.directory = directory;
    this.peerChannel = peerChannel;
    this.forwardedRequests = forwardedRequests;
  }

  MemberStatus self() {
    NodeView v = runtime.view();
    NodeStatus s = v.status();
    MemberAddresses me = directory.self();
    return MemberRoles.set(MemberStatus.newBuilder(), role(s.role())).setId(s.id())
        .setClientAddress(me.client().target()).setPeerAddress(me.peer().target())
        .setTerm(s.term()).setCommitIndex(s.commitIndex())
        .setAppliedIndex(v.appliedIndex()).setMatchIndex(v.isLeader() ? s.lastIndex() : 0)
        .setStateHash(v.stateHash()).setHealthy(!v.removed()).setRemoved(v.removed())
        .setLearner(s.membership().isLearner(s.id()))
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
    Membership config = v.membership();
    List<CompletableFuture<MemberStatus>> parts = new ArrayList<>();
    if (!config.contains(runtime.id())) {
      parts.add(CompletableFuture.completedFuture(self()));
    }
    for (Member m : config.members()) {
      if (m.id() == runtime.id()) {
        parts.add(CompletableFuture.completedFuture(self()));
      } else {
        long match = v.matchIndex().getOrDefault(m.id(), 0L);
        CompletableFuture<MemberStatus> answer = ask(m.id());
        if (!answeredLast.getOrDefault(m.id(), true)) {
          answer = CompletableFuture.completedFuture(unreachable(m.id()));
        }
        boolean learner = !m.isVoter();
        parts.add(answer.thenApply(ms -> ms.toBuilder().setMatchIndex(match).setLearner(learner)
            .build()));
      }
    }
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).thenApply(x -> {
      StatusResponse.Builder b = StatusResponse.newBuilder().setClusterId(clusterId)
          .setLeaderId(v.status().leader()).setTerm(v.status().term())
          .setConfigIndex(config.index())
          .setHeader(ResponseHeader.newBuilder().setServerId(runtime.id())
              .setLeaderId(v.status().leader()).setIndex(v.appliedIndex())
              .setTerm(v.status().term()));
      parts.forEach(p -> b.addMembers(p.join()));
      return b.build();
    });
  }

  /** Member {@code m}'s answer to the question in flight, asking one if none is. */
  private CompletableFuture<MemberStatus> ask(int id) {
    ManagedChannel channel = peerChannel.apply(id);
    if (channel == null) { // no address known for it (see PeerDirectory)
      return CompletableFuture.completedFuture(unreachable(id));
    }
    CompletableFuture<MemberStatus> answer = new CompletableFuture<>();
    CompletableFuture<MemberStatus> pending = inFlight.putIfAbsent(id, answer);
    if (pending != null) {
      return pending;
    }
    CompletableFuture<MemberStatus> call = new CompletableFuture<>();
    RaftPeerGrpc.newStub(channel)
        .withDeadlineAfter(PEER_DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
        .localStatus(StatusRequest.getDefaultInstance(), Unary.into(call));
    call.whenComplete((ms, t) -> {
      answeredLast.put(id, t == null);
      inFlight.remove(id, answer);
      answer.complete(t == null ? ms : unreachable(id));
    });
    return answer;
  }

  private MemberStatus unreachable(int id) {
    MemberStatus.Builder b = MemberRoles.set(MemberStatus.newBuilder(), Role.UNREACHABLE)
        .setId(id).setHealthy(false);
    MemberAddresses a = directory.addresses(id);
    if (a != null) {
      b.setClientAddress(a.client().target()).setPeerAddress(a.peer().target());
    }
    return b.build();
  }
}
