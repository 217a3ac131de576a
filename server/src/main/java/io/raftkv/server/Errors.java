package io.raftkv.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftkv.node.MalformedPeerInputException;
import io.raftkv.node.NodeStoppedException;
import io.raftkv.node.NotLeaderException;
import io.raftkv.node.OutcomeUnknownException;
import io.raftkv.node.OverloadedException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Maps what went wrong to the gRPC status the client API documents (see kv.proto), one type per
 * case:
 *
 * <table>
 *   <caption>causes and statuses</caption>
 *   <tr><td>{@link NotLeaderException}</td><td>UNAVAILABLE, retry on any server</td></tr>
 *   <tr><td>{@link OutcomeUnknownException} (the leadership was lost with the write pending)
 *       </td><td>UNAVAILABLE "outcome unknown", retry with the same op id</td></tr>
 *   <tr><td>{@link NodeStoppedException}</td><td>UNAVAILABLE, retry with the same op id on
 *       another server</td></tr>
 *   <tr><td>{@link TimeoutException} (the request timeout)</td><td>UNAVAILABLE, retry with the
 *       same op id</td></tr>
 *   <tr><td>{@link OverloadedException}</td><td>RESOURCE_EXHAUSTED, retry later</td></tr>
 *   <tr><td>{@link InvalidRequestException} (a limit)</td><td>INVALID_ARGUMENT</td></tr>
 *   <tr><td>{@link MalformedPeerInputException} (a forwarded request no correct peer sends)
 *       </td><td>INVALID_ARGUMENT</td></tr>
 *   <tr><td>a {@link StatusRuntimeException} (the sessions' FAILED_PRECONDITION, a relayed
 *       leader's answer)</td><td>itself</td></tr>
 *   <tr><td>anything else, {@link IllegalArgumentException} included</td><td>INTERNAL: a
 *       coding error is not passed off as the client's fault</td></tr>
 * </table>
 */
final class Errors {
  private Errors() {}

  /**
   * The refusal of a removed node (UNAVAILABLE, so clients fail over to a member), with the reason
   * in one line.
   */
  static StatusRuntimeException removed(NodeView v) {
    return Status.UNAVAILABLE.withDescription(v.removedReason()).asRuntimeException();
  }

  static StatusRuntimeException toStatus(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (c instanceof StatusRuntimeException s) {
      return s;
    }
    if (c instanceof NotLeaderException e) {
      return Status.UNAVAILABLE.withDescription(e.getMessage() + "; retry (on any server)")
          .asRuntimeException();
    }
    if (c instanceof OutcomeUnknownException e) {
      return Status.UNAVAILABLE.withDescription("outcome unknown: " + e.getMessage())
          .asRuntimeException();
    }
    if (c instanceof NodeStoppedException e) {
      return Status.UNAVAILABLE.withDescription(e.getMessage() + "; a write may or may not have"
          + " been applied: retry it with the same op id on another server").asRuntimeException();
    }
    if (c instanceof OverloadedException e) {
      return Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException();
    }
    if (c instanceof InvalidRequestException e) {
      return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
    if (c instanceof MalformedPeerInputException e) {
      return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
    if (c instanceof TimeoutException) {
      return Status.UNAVAILABLE.withDescription("not completed in time; a write may still be "
          + "applied, so retry it with the same op id").asRuntimeException();
    }
    return Status.INTERNAL.withDescription(c.toString()).withCause(c).asRuntimeException();
  }
}
