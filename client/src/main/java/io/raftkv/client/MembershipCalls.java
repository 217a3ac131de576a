package io.raftkv.client;

import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftkv.api.v1.ClusterGrpc;
import io.raftkv.api.v1.KVGrpc;
import io.raftkv.api.v1.LeaderTransferRequest;
import io.raftkv.api.v1.LeaderTransferResponse;
import io.raftkv.api.v1.Member;
import io.raftkv.api.v1.MemberAddRequest;
import io.raftkv.api.v1.MemberChangeResponse;
import io.raftkv.api.v1.MemberDemoteRequest;
import io.raftkv.api.v1.MemberListRequest;
import io.raftkv.api.v1.MemberListResponse;
import io.raftkv.api.v1.MemberProgress;
import io.raftkv.api.v1.MemberPromoteRequest;
import io.raftkv.api.v1.MemberRemoveRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The Cluster API calls behind {@link RaftKvClient}'s membership methods: each is one unkeyed
 * operation with the client's retries (to the leader when routing knows it), its answer turned
 * into the public result type, its refusal into a {@link MembershipException} when the cluster
 * names a reason, and its member list handed to the client's server ring.
 */
final class MembershipCalls {
  private final ClientCore core;

  MembershipCalls(ClientCore core) {
    this.core = core;
  }

  CompletableFuture<MemberList> list(Duration deadline) {
    return call("MemberList", false, deadline,
        (stub, answer) -> stub.memberList(MemberListRequest.getDefaultInstance(), answer),
        (MemberListResponse r) -> {
          learn(r.getConfigIndex(), r.getMembersList());
          Map<Integer, Long> match = new HashMap<>();
          for (MemberProgress p : r.getProgressList()) {
            match.put(p.getId(), p.getMatchIndex());
          }
          return new MemberList(r.getConfigIndex(), r.getConfigCommitted(),
              ClusterMember.of(r.getMembersList()), match, r.getLeaderLastIndex(),
              r.getHeader().getLeaderId());
        });
  }

  CompletableFuture<MemberChange> add(ClusterMember m, OptionalLong expected, Duration deadline) {
    MemberAddRequest.Builder b = MemberAddRequest.newBuilder().setMember(Member.newBuilder()
        .setId(m.id()).setPeerAddress(m.peerAddress()).setClientAddress(m.clientAddress())
        .setLearner(true).setAutoPromote(m.autoPromote()));
    expected.ifPresent(b::setExpectedConfigIndex);
    MemberAddRequest request = b.build();
    return change("MemberAdd of member " + m.id(), deadline,
        (stub, answer) -> stub.memberAdd(request, answer));
  }

  CompletableFuture<MemberChange> promote(int id, OptionalLong expected, Duration deadline) {
    MemberPromoteRequest.Builder b = MemberPromoteRequest.newBuilder().setId(checkId(id));
    expected.ifPresent(b::setExpectedConfigIndex);
    MemberPromoteRequest request = b.build();
    return change("MemberPromote of member " + id, deadline,
        (stub, answer) -> stub.memberPromote(request, answer));
  }

  CompletableFuture<MemberChange> demote(int id, OptionalLong expected, Duration deadline) {
    MemberDemoteRequest.Builder b = MemberDemoteRequest.newBuilder().setId(checkId(id));
    expected.ifPresent(b::setExpectedConfigIndex);
    MemberDemoteRequest request = b.build();
    return change("MemberDemote of member " + id, deadline,
        (stub, answer) -> stub.memberDemote(request, answer));
  }

  CompletableFuture<MemberChange> remove(int id, OptionalLong expected, Duration deadline) {
    MemberRemoveRequest.Builder b = MemberRemoveRequest.newBuilder().setId(checkId(id));
    expected.ifPresent(b::setExpectedConfigIndex);
    MemberRemoveRequest request = b.build();
    return change("MemberRemove of member " + id, deadline,
        (stub, answer) -> stub.memberRemove(request, answer));
  }

  CompletableFuture<Integer> transfer(int target, Duration deadline) {
    LeaderTransferRequest request = LeaderTransferRequest.newBuilder().setTargetId(checkId(target))
        .build();
    return call("LeaderTransfer to member " + target, true, deadline,
        (stub, answer) -> stub.leaderTransfer(request, answer),
        (LeaderTransferResponse r) -> r.getHeader().getLeaderId() != 0
            ? r.getHeader().getLeaderId() : target);
  }

  /** Checks a node id: ids are positive. */
  static int checkId(int id) {
    if (id < 1) {
      throw new IllegalArgumentException("member id must be positive, got " + id);
    }
    return id;
  }

  private CompletableFuture<MemberChange> change(String what, Duration deadline,
      BiConsumer<ClusterGrpc.ClusterStub, StreamObserver<MemberChangeResponse>> send) {
    return call(what, true, deadline, send, (MemberChangeResponse r) -> {
      learn(r.getConfigIndex(), r.getMembersList());
      return new MemberChange(r.getConfigIndex(), ClusterMember.of(r.getMembersList()),
          r.getHeader().getLeaderId());
    });
  }

  private void learn(long configIndex, List<Member> members) {
    List<String> addresses = members.stream().map(m -> m.getClientAddress().trim())
        .filter(Addresses::isHostPort).toList();
    core.membership(configIndex, addresses);
  }

  /**
   * Submits one call; {@code write}: it changes the cluster, so an attempt that timed out may
   * have made the change, which a later refusal must not hide.
   */
  private <R, T> CompletableFuture<T> call(String what, boolean write, Duration deadline,
      BiConsumer<ClusterGrpc.ClusterStub, StreamObserver<R>> send, Function<R, T> convert) {
    CompletableFuture<T> future = new CompletableFuture<>();
    AtomicBoolean uncertain = new AtomicBoolean(); // an attempt ended without an answer
    core.<R>submitUnkeyed(what, write, true, deadline,
        (kvStub, answer) -> send.accept(clusterStub(kvStub), new StreamObserver<R>() {
          @Override
          public void onNext(R value) {
            answer.onNext(value);
          }

          @Override
          public void onError(Throwable t) {
            if (write && outcomeUnknown(Status.fromThrowable(t).getCode())) {
              uncertain.set(true);
            }
            answer.onError(t);
          }

          @Override
          public void onCompleted() {
            answer.onCompleted();
          }
        }),
        (response, failure) -> {
          if (failure != null) {
            future.completeExceptionally(classify(failure, uncertain.get()));
            return;
          }
          try {
            future.complete(convert.apply(response));
          } catch (RuntimeException e) {
            future.completeExceptionally(e);
          }
        });
    return future;
  }

  private static ClusterGrpc.ClusterStub clusterStub(KVGrpc.KVStub kv) {
    ClusterGrpc.ClusterStub stub = ClusterGrpc.newStub(kv.getChannel());
    Deadline deadline = kv.getCallOptions().getDeadline();
    return deadline == null ? stub : stub.withDeadline(deadline);
  }

  /**
   * Whether an attempt that failed with {@code code} may have made the change: it timed out or
   * broke off. UNAVAILABLE is the server saying it cannot serve (no leader, a change in progress,
   * a server down), so it is taken as not applied.
   */
  static boolean outcomeUnknown(Status.Code code) {
    return switch (code) {
      case DEADLINE_EXCEEDED, CANCELLED, UNKNOWN, INTERNAL, ABORTED -> true;
      default -> false;
    };
  }

  /**
   * The failure the caller sees: a {@link MembershipException} if the last error names a reason;
   * a definite refusal after an attempt with an unknown outcome says the change may have been
   * made.
   */
  static RaftKvException classify(RaftKvException e, boolean uncertain) {
    boolean definite = e.kind() == RaftKvException.Kind.INVALID_ARGUMENT
        || e.kind() == RaftKvException.Kind.FAILED_PRECONDITION;
    boolean may = definite ? uncertain : e.mayHaveBeenApplied();
    String message = e.getMessage() + (definite && may
        ? "; an earlier attempt timed out and may have made the change: read the member list"
        : "");
    Status last = e.getCause() == null ? null : Status.fromThrowable(e.getCause());
    var reason = last == null ? java.util.Optional.<MembershipException.Reason>empty()
        : ClusterReasons.of(last);
    if (reason.isPresent()) {
      return new MembershipException(reason.get(), e.kind(), message, may, e.getCause());
    }
    if (may == e.mayHaveBeenApplied()) {
      return e;
    }
    return new RaftKvException(e.kind(), message, may, e.getCause());
  }
}
