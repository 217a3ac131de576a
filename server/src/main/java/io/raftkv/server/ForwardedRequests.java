package io.raftkv.server;

import io.raftkv.api.peer.v1.ForwardRequest;
import io.raftkv.api.peer.v1.ForwardResponse;
import io.raftkv.api.v1.DeleteRequest;
import io.raftkv.api.v1.DeleteResponse;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.GetResponse;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.node.MalformedPeerInputException;
import java.util.concurrent.CompletableFuture;

/**
 * The entry point of a request another member forwarded here ({@code RaftPeer.Forward}): served
 * on this node only. It holds no {@link Forwarder}, so a forwarded request is never forwarded
 * again: if this node is not the leader (any more), the forwarding member gets the refusal
 * (UNAVAILABLE, or UNAVAILABLE "outcome unknown" for a write pending when the leadership was
 * lost) and relays it, and the client retries with the same op id. Forwarded requests count
 * toward this server's limits like its own clients' ({@link Admission}).
 */
final class ForwardedRequests {
  private final Admission admission;
  private final LocalRequests local;
  private final LocalMembership membership;

  ForwardedRequests(Admission admission, LocalRequests local, LocalMembership membership) {
    this.admission = admission;
    this.local = local;
    this.membership = membership;
  }

  /**
   * Serves {@code req}; {@code rt} is its trace at this server, or null. Fails with {@link
   * MalformedPeerInputException} if it carries no operation.
   */
  CompletableFuture<ForwardResponse> serve(ForwardRequest req, RequestTrace rt) {
    return switch (req.getRequestCase()) {
      case PUT -> put(req.getPut(), rt).thenApply(r -> ForwardResponse.newBuilder().setPut(r)
          .build());
      case GET -> get(req.getGet(), rt).thenApply(r -> ForwardResponse.newBuilder().setGet(r)
          .build());
      case DELETE -> delete(req.getDelete()).thenApply(r -> ForwardResponse.newBuilder()
          .setDelete(r).build());
      case MEMBER_LIST -> membership.list().thenApply(r -> ForwardResponse.newBuilder()
          .setMemberList(r).build());
      case MEMBER_ADD -> change(() -> LocalMembership.addition(req.getMemberAdd()));
      case MEMBER_PROMOTE -> change(() -> ClusterRequests.promotion(req.getMemberPromote()));
      case MEMBER_DEMOTE -> change(() -> ClusterRequests.demotion(req.getMemberDemote()));
      case MEMBER_REMOVE -> change(() -> ClusterRequests.removal(req.getMemberRemove()));
      case LEADER_TRANSFER -> membership.transfer(req.getLeaderTransfer()).thenApply(r ->
          ForwardResponse.newBuilder().setLeaderTransfer(r).build());
      default -> CompletableFuture.failedFuture(new MalformedPeerInputException(
          "a request forwarded from server " + Integer.toUnsignedString(req.getFrom())
          + " carries no operation"));
    };
  }

  /** A membership change another member forwarded (it checked the fields; so does this one). */
  private CompletableFuture<ForwardResponse> change(
      java.util.function.Supplier<io.raftkv.raft.ConfChange> change) {
    io.raftkv.raft.ConfChange c;
    try {
      c = change.get();
    } catch (InvalidRequestException e) {
      return CompletableFuture.failedFuture(e);
    }
    return membership.change(c).thenApply(r -> ForwardResponse.newBuilder().setMemberChange(r)
        .build());
  }

  private CompletableFuture<PutResponse> put(PutRequest req, RequestTrace rt) {
    return admission.admit(req.getSerializedSize(), () -> {
      TracedOp<PutResponse> traced = TracedOp.put(rt, req);
      return local.put(LocalRequests.command(req), traced);
    });
  }

  private CompletableFuture<DeleteResponse> delete(DeleteRequest req) {
    return admission.admit(req.getSerializedSize(),
        () -> local.delete(LocalRequests.command(req)));
  }

  private CompletableFuture<GetResponse> get(GetRequest req, RequestTrace rt) {
    return admission.admit(req.getSerializedSize(), () -> {
      TracedOp<GetResponse> traced = TracedOp.get(rt, req);
      byte[] key = LocalRequests.key(req);
      return LocalRequests.linearizable(req.getConsistency()) ? local.readLinearizable(key, traced)
          : local.readLocal(key, traced);
    });
  }
}
