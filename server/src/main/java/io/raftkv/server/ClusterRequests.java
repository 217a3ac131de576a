package io.raftkv.server;

import io.raftkv.api.peer.v1.ForwardRequest;
import io.raftkv.api.peer.v1.ForwardResponse;
import io.raftkv.api.v1.LeaderTransferRequest;
import io.raftkv.api.v1.LeaderTransferResponse;
import io.raftkv.api.v1.MemberAddRequest;
import io.raftkv.api.v1.MemberChangeResponse;
import io.raftkv.api.v1.MemberDemoteRequest;
import io.raftkv.api.v1.MemberListRequest;
import io.raftkv.api.v1.MemberListResponse;
import io.raftkv.api.v1.MemberPromoteRequest;
import io.raftkv.api.v1.MemberRemoveRequest;
import io.raftkv.node.NotLeaderException;
import io.raftkv.raft.ConfChange;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The entry point of a client's membership call ({@link ClusterService}): served here if this
 * node leads, otherwise forwarded to the leader it knows, exactly as writes are ({@link
 * ClientRequests}): once more to the leader the node names if the view was stale, never more
 * than one hop between servers. A removed node refuses every call (UNAVAILABLE, so the client
 * tries another server).
 */
final class ClusterRequests {
  private final NodeRuntime runtime;
  private final LocalMembership local;
  private final Forwarder forwarder;

  ClusterRequests(NodeRuntime runtime, LocalMembership local, Forwarder forwarder) {
    this.runtime = runtime;
    this.local = local;
    this.forwarder = forwarder;
  }

  CompletableFuture<MemberListResponse> list(MemberListRequest req) {
    return leaderOrForward(local::list, () -> ForwardRequest.newBuilder().setMemberList(req),
        ForwardResponse::getMemberList);
  }

  CompletableFuture<MemberChangeResponse> add(MemberAddRequest req) {
    return change(() -> LocalMembership.addition(req),
        () -> ForwardRequest.newBuilder().setMemberAdd(req));
  }

  CompletableFuture<MemberChangeResponse> promote(MemberPromoteRequest req) {
    return change(() -> promotion(req),
        () -> ForwardRequest.newBuilder().setMemberPromote(req));
  }

  CompletableFuture<MemberChangeResponse> demote(MemberDemoteRequest req) {
    return change(() -> demotion(req),
        () -> ForwardRequest.newBuilder().setMemberDemote(req));
  }

  CompletableFuture<MemberChangeResponse> remove(MemberRemoveRequest req) {
    return change(() -> removal(req),
        () -> ForwardRequest.newBuilder().setMemberRemove(req));
  }

  CompletableFuture<LeaderTransferResponse> transfer(LeaderTransferRequest req) {
    return leaderOrForward(() -> local.transfer(req),
        () -> ForwardRequest.newBuilder().setLeaderTransfer(req),
        ForwardResponse::getLeaderTransfer);
  }

  /** The change {@code req} asks for; throws {@link InvalidRequestException} if malformed. */
  static ConfChange promotion(MemberPromoteRequest req) {
    return ConfChange.promote(LocalMembership.requireId(req.getId(), "id"),
        expected(req.hasExpectedConfigIndex(), req.getExpectedConfigIndex()));
  }

  /** As {@link #promotion}. */
  static ConfChange demotion(MemberDemoteRequest req) {
    return ConfChange.demote(LocalMembership.requireId(req.getId(), "id"),
        expected(req.hasExpectedConfigIndex(), req.getExpectedConfigIndex()));
  }

  /** As {@link #promotion}. */
  static ConfChange removal(MemberRemoveRequest req) {
    return ConfChange.remove(LocalMembership.requireId(req.getId(), "id"),
        expected(req.hasExpectedConfigIndex(), req.getExpectedConfigIndex()));
  }

  /** The change a request's fields give (the request is checked first, also on a follower). */
  private CompletableFuture<MemberChangeResponse> change(Supplier<ConfChange> change,
      Supplier<ForwardRequest.Builder> fwd) {
    ConfChange c;
    try {
      c = change.get();
    } catch (InvalidRequestException e) {
      return CompletableFuture.failedFuture(e);
    }
    return leaderOrForward(() -> local.change(c), fwd, ForwardResponse::getMemberChange);
  }

  /**
   * A request's expected configuration index; cluster.proto's field is a uint64, so a value past
   * the signed range is refused (no configuration could have that index).
   */
  static long expected(boolean present, long index) {
    if (!present) {
      return ConfChange.ANY_INDEX;
    }
    if (index < 0) {
      throw new InvalidRequestException("INVALID_CHANGE: expected_config_index "
          + Long.toUnsignedString(index) + " is out of range");
    }
    return index;
  }

  private <T> CompletableFuture<T> leaderOrForward(Supplier<CompletableFuture<T>> here,
      Supplier<ForwardRequest.Builder> fwd, Function<ForwardResponse, T> unwrap) {
    NodeView v = runtime.view();
    if (v.removed()) {
      return CompletableFuture.failedFuture(Errors.removed(v));
    }
    if (!v.isLeader()) {
      return forwarder.forward(v.status().leader(), fwd.get().build(), unwrap, null);
    }
    return here.get().exceptionallyCompose(t -> {
      Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
      int hint = c instanceof NotLeaderException nl ? nl.leaderHint() : 0;
      if (hint != 0 && hint != runtime.id()) {
        return forwarder.forward(hint, fwd.get().build(), unwrap, null);
      }
      return CompletableFuture.failedFuture(c);
    });
  }
}
