package io.raftkv.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftkv.node.NodeStoppedException;
import io.raftkv.node.NotLeaderException;
import io.raftkv.node.OutcomeUnknownException;
import io.raftkv.node.OverloadedException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Maps what went wrong to the gRPC status the client API documents (see kv.proto): retryable
 * conditions to UNAVAILABLE or RESOURCE_EXHAUSTED with the reason, bad requests to
 * INVALID_ARGUMENT, session problems to FAILED_PRECONDITION.
 */
final class Errors {
  private Errors() {}

  static StatusRuntimeException toStatus(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (c instanceof StatusRuntimeException s) {
      return s;
    }
    if (c instanceof NotLeaderException e) {
      return Status.UNAVAILABLE.withDescription(e.getMessage() + "; retry (on any server)")
          .asRuntimeException();
    }
    if (c instanceof OutcomeUnknownException || c instanceof NodeStoppedException) {
      return Status.UNAVAILABLE.withDescription(c.getMessage()).asRuntimeException();
    }
    if (c instanceof OverloadedException e) {
      return Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException();
    }
    if (c instanceof IllegalArgumentException e) {
      return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
    if (c instanceof TimeoutException) {
      return Status.UNAVAILABLE.withDescription("not completed in time; a write may still be "
          + "applied, so retry it with the same op id").asRuntimeException();
    }
    return Status.INTERNAL.withDescription(c.toString()).withCause(c).asRuntimeException();
  }
}
