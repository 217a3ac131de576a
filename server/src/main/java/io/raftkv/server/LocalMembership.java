package io.raftkv.server;

import io.grpc.Status;
import io.raftkv.api.v1.LeaderTransferRequest;
import io.raftkv.api.v1.LeaderTransferResponse;
import io.raftkv.api.v1.MemberAddRequest;
import io.raftkv.api.v1.MemberChangeResponse;
import io.raftkv.api.v1.MemberListResponse;
import io.raftkv.api.v1.MemberProgress;
import io.raftkv.api.v1.ResponseHeader;
import io.raftkv.node.MembershipChangeRefusedException;
import io.raftkv.node.NotLeaderException;
import io.raftkv.node.OutcomeUnknownException;
import io.raftkv.raft.ConfChange;
import io.raftkv.raft.Member;
import io.raftkv.raft.Membership;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Carries out membership calls (cluster.proto) on this node, never elsewhere: the leader lists
 * the configuration in force, proposes single-server changes (thesis §4.1) and hands leadership
 * over (§3.10). A node that is not the leader fails with {@link NotLeaderException}; forwarding
 * is for the entry points ({@link ClusterRequests}, {@link ForwardedRequests}). The other
 * failures are already the gRPC statuses cluster.proto documents, each description starting with
 * the reason's name.
 */
final class LocalMembership {
  private static final long POLL_MILLIS = 20;

  private final NodeRuntime runtime;
  private final long changeTimeoutMillis;
  private final long transferTimeoutMillis;

  /**
   * @param changeTimeoutMillis   how long a change may take to commit before its outcome is
   *                              reported unknown
   * @param transferTimeoutMillis how long a leadership transfer may take
   */
  LocalMembership(NodeRuntime runtime, long changeTimeoutMillis, long transferTimeoutMillis) {
    this.runtime = runtime;
    this.changeTimeoutMillis = changeTimeoutMillis;
    this.transferTimeoutMillis = transferTimeoutMillis;
  }

  /** The configuration in force on this leader, with its followers' progress. */
  CompletableFuture<MemberListResponse> list() {
    NodeView v = runtime.view();
    if (!v.isLeader()) {
      return notLeader(v);
    }
    Membership m = v.membership();
    MemberListResponse.Builder b = MemberListResponse.newBuilder().setHeader(header(v))
        .setConfigIndex(m.index()).setConfigCommitted(m.index() <= v.status().commitIndex())
        .setLeaderLastIndex(v.status().lastIndex());
    m.members().forEach(member -> b.addMembers(toProto(member)));
    v.matchIndex().forEach((id, match) -> {
      if (m.contains(id)) {
        b.addProgress(MemberProgress.newBuilder().setId(id).setMatchIndex(match));
      }
    });
    return CompletableFuture.completedFuture(b.build());
  }

  /**
   * The change {@code req} asks for.
   *
   * @throws InvalidRequestException if the member's id or addresses are missing or malformed
   */
  static ConfChange addition(MemberAddRequest req) {
    io.raftkv.api.v1.Member m = req.getMember();
    requireId(m.getId(), "member.id");
    MemberAddresses a;
    try {
      a = new MemberAddresses(HostPort.parse(m.getPeerAddress()),
          HostPort.parse(m.getClientAddress()));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("INVALID_CHANGE: member " + m.getId() + "'s addresses: "
          + e.getMessage());
    }
    return ConfChange.addLearner(m.getId(), a.encode(), m.getAutoPromote(),
        req.hasExpectedConfigIndex() ? req.getExpectedConfigIndex() : ConfChange.ANY_INDEX);
  }

  /** Checks a member id from a request; {@code field} names it in the error. */
  static int requireId(int id, String field) {
    if (id <= 0) {
      throw new InvalidRequestException("INVALID_CHANGE: " + field + " must be a positive node"
          + " id, got " + Integer.toUnsignedString(id));
    }
    return id;
  }

  /** Proposes {@code change}; answers once it is committed. */
  CompletableFuture<MemberChangeResponse> change(ConfChange change) {
    NodeView v = runtime.view();
    if (!v.isLeader()) {
      return notLeader(v);
    }
    return runtime.proposeConfChange(change)
        .orTimeout(changeTimeoutMillis, TimeUnit.MILLISECONDS)
        .handle((c, t) -> {
          if (t != null) {
            throw new CompletionException(refusal(t));
          }
          MemberChangeResponse.Builder b = MemberChangeResponse.newBuilder()
              .setHeader(header(runtime.view()).setIndex(c.index())).setConfigIndex(c.index());
          c.membership().members().forEach(m -> b.addMembers(toProto(m)));
          return b.build();
        });
  }

  /** The status cluster.proto documents for a failed change; NotLeaderException is kept. */
  private static Throwable refusal(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (c instanceof MembershipChangeRefusedException r) {
      Status s = switch (r.status()) {
        case CONFIG_INDEX_MISMATCH, LEARNER_NOT_READY -> Status.FAILED_PRECONDITION;
        case INVALID_CHANGE -> Status.INVALID_ARGUMENT;
        default -> Status.UNAVAILABLE; // CHANGE_IN_PROGRESS and any later transient one
      };
      return s.withDescription(r.getMessage()).asRuntimeException();
    }
    if (c instanceof OutcomeUnknownException || c instanceof TimeoutException) {
      return Status.DEADLINE_EXCEEDED.withDescription("OUTCOME_UNKNOWN: the change was proposed"
          + " but its outcome is unknown (" + (c instanceof TimeoutException ? "not committed"
          + " within " + c.getMessage() : c.getMessage()) + "); read MemberList")
          .asRuntimeException();
    }
    return c;
  }

  /** Hands leadership to {@code req}'s target; answers once it leads. */
  CompletableFuture<LeaderTransferResponse> transfer(LeaderTransferRequest req) {
    int target = requireId(req.getTargetId(), "target_id");
    NodeView v = runtime.view();
    if (!v.isLeader()) {
      return notLeader(v);
    }
    if (target == runtime.id()) {
      return CompletableFuture.completedFuture(LeaderTransferResponse.newBuilder()
          .setHeader(header(v)).build());
    }
    if (!v.membership().isVoter(target)) {
      return CompletableFuture.failedFuture(Status.INVALID_ARGUMENT.withDescription(
          "INVALID_CHANGE: node " + target + " is not a voter of the configuration in force ("
              + v.membership() + "); only a voter can lead").asRuntimeException());
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(transferTimeoutMillis);
    return runtime.transferLeadership(target).thenCompose(started -> {
      if (!started) {
        return CompletableFuture.failedFuture(Status.UNAVAILABLE.withDescription(
            "TRANSFER_REFUSED: node " + runtime.id() + " could not start handing leadership to "
                + target + " (it stopped leading, or " + target + " is rejoining); retry")
            .asRuntimeException());
      }
      CompletableFuture<LeaderTransferResponse> done = new CompletableFuture<>();
      awaitLeader(target, deadline, done);
      return done;
    });
  }

  private void awaitLeader(int target, long deadline, CompletableFuture<LeaderTransferResponse> f) {
    NodeView v = runtime.view();
    if (v.status().leader() == target) {
      f.complete(LeaderTransferResponse.newBuilder().setHeader(header(v)).build());
    } else if (System.nanoTime() - deadline > 0) {
      f.completeExceptionally(Status.DEADLINE_EXCEEDED.withDescription("TRANSFER_TIMEOUT: node "
          + target + " did not take over leadership within " + transferTimeoutMillis + " ms (leader"
          + " now: " + (v.status().leader() == 0 ? "none known" : v.status().leader())
          + "); read Status").asRuntimeException());
    } else {
      Executor later = CompletableFuture.delayedExecutor(POLL_MILLIS, TimeUnit.MILLISECONDS);
      later.execute(() -> awaitLeader(target, deadline, f));
    }
  }

  private <T> CompletableFuture<T> notLeader(NodeView v) {
    return CompletableFuture.failedFuture(new NotLeaderException(v.status().leader(),
        "node " + runtime.id() + " is not the leader"));
  }

  private ResponseHeader.Builder header(NodeView v) {
    return ResponseHeader.newBuilder().setServerId(runtime.id())
        .setLeaderId(v.status().leader()).setTerm(v.status().term())
        .setIndex(v.appliedIndex());
  }

  /** The wire form of a configuration's member. */
  static io.raftkv.api.v1.Member toProto(Member m) {
    io.raftkv.api.v1.Member.Builder b = io.raftkv.api.v1.Member.newBuilder().setId(m.id())
        .setLearner(!m.isVoter()).setAutoPromote(m.autoPromote());
    MemberAddresses a = MemberAddresses.of(m);
    if (a != null) {
      b.setPeerAddress(a.peer().target()).setClientAddress(a.client().target());
    }
    return b.build();
  }
}
