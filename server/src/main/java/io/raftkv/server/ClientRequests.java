package io.raftkv.server;

import io.raftkv.api.peer.v1.ForwardRequest;
import io.raftkv.api.peer.v1.ForwardResponse;
import io.raftkv.api.v1.DeleteRequest;
import io.raftkv.api.v1.DeleteResponse;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.GetResponse;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.kv.Command;
import io.raftkv.node.NotLeaderException;
import io.raftkv.node.OutcomeUnknownException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The entry point of a client's request ({@link KvService}): served on this node if it leads,
 * otherwise forwarded to the leader it knows (the seed's design) and the leader's answer
 * relayed. If the node refuses a request this server's view said it could serve (the view was
 * stale, or the node lost the leadership while the write was pending: {@link NotLeaderException},
 * {@link OutcomeUnknownException}), the request is forwarded once more, to the leader the node
 * names, with the same op id, so the sessions apply it at most once. The leader serves what it
 * is forwarded through {@link ForwardedRequests}, which cannot forward: a request travels at most
 * one hop between servers, and a target that is not the leader answers UNAVAILABLE, which the
 * client retries. A removed node refuses every request (UNAVAILABLE, saying it was removed), so
 * clients fail over to a member; a learner serves and forwards like a follower.
 */
final class ClientRequests {
  private final Admission admission;
  private final LocalRequests local;
  private final Forwarder forwarder;

  ClientRequests(Admission admission, LocalRequests local, Forwarder forwarder) {
    this.admission = admission;
    this.local = local;
    this.forwarder = forwarder;
  }

  /** A Put; {@code rt} is its trace at this server, or null. */
  CompletableFuture<PutResponse> put(PutRequest req, RequestTrace rt) {
    if (local.view().removed()) {
      return CompletableFuture.failedFuture(Errors.removed(local.view()));
    }
    return admission.admit(req.getSerializedSize(), () -> {
      TracedOp<PutResponse> traced = TracedOp.put(rt, req);
      Command.Put cmd = LocalRequests.command(req);
      return leaderOrForward(() -> local.put(cmd, traced),
          () -> ForwardRequest.newBuilder().setPut(req).build(), ForwardResponse::getPut, traced);
    });
  }

  CompletableFuture<DeleteResponse> delete(DeleteRequest req) {
    if (local.view().removed()) {
      return CompletableFuture.failedFuture(Errors.removed(local.view()));
    }
    return admission.admit(req.getSerializedSize(), () -> {
      Command.Delete cmd = LocalRequests.command(req);
      return leaderOrForward(() -> local.delete(cmd),
          () -> ForwardRequest.newBuilder().setDelete(req).build(), ForwardResponse::getDelete,
          null);
    });
  }

  /**
   * A Get; {@code rt} is its trace at this server, or null. A serializable one is always served
   * here, from this node's applied state.
   */
  CompletableFuture<GetResponse> get(GetRequest req, RequestTrace rt) {
    if (local.view().removed()) {
      return CompletableFuture.failedFuture(Errors.removed(local.view()));
    }
    return admission.admit(req.getSerializedSize(), () -> {
      TracedOp<GetResponse> traced = TracedOp.get(rt, req);
      byte[] key = LocalRequests.key(req);
      if (!LocalRequests.linearizable(req.getConsistency())) {
        return local.readLocal(key, traced);
      }
      return leaderOrForward(() -> local.readLinearizable(key, traced),
          () -> ForwardRequest.newBuilder().setGet(req).build(), ForwardResponse::getGet, traced);
    });
  }

  /**
   * Serves {@code here} if this server's view says it leads, else forwards; {@code fwd} builds the
   * request to forward, only on the paths that forward.
   */
  private <T> CompletableFuture<T> leaderOrForward(Supplier<CompletableFuture<T>> here,
      Supplier<ForwardRequest> fwd, Function<ForwardResponse, T> unwrap, TracedOp<T> traced) {
    NodeView v = local.view();
    if (!v.isLeader()) {
      return forwarder.forward(v.status().leader(), fwd.get(), unwrap, traced);
    }
    return here.get().exceptionallyCompose(t -> {
      Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
      int hint = c instanceof NotLeaderException nl ? nl.leaderHint()
          : c instanceof OutcomeUnknownException ou ? ou.leaderHint() : 0;
      if (hint != 0 && hint != local.id()) {
        return forwarder.forward(hint, fwd.get(), unwrap, traced);
      }
      return CompletableFuture.failedFuture(c);
    });
  }
}
