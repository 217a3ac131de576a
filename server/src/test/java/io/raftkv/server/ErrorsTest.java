package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftkv.node.MalformedPeerInputException;
import io.raftkv.node.NodeStoppedException;
import io.raftkv.node.NotLeaderException;
import io.raftkv.node.OutcomeUnknownException;
import io.raftkv.node.OverloadedException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Each error case maps to the gRPC status kv.proto documents for it. */
class ErrorsTest {
  private static Status status(Throwable t) {
    return Errors.toStatus(t).getStatus();
  }

  @Test
  void retryableCasesAreUnavailableAndSayHowToRetry() {
    Status unknown = status(new OutcomeUnknownException(2, "node 1 is no longer the leader; the"
        + " write may or may not be applied: retry it with the same op id"));
    assertEquals(Status.Code.UNAVAILABLE, unknown.getCode());
    assertTrue(unknown.getDescription().startsWith("outcome unknown: node 1"),
        unknown.getDescription());
    assertTrue(unknown.getDescription().contains("same op id"), unknown.getDescription());

    Status stopped = status(new NodeStoppedException("node 1 is stopping"));
    assertEquals(Status.Code.UNAVAILABLE, stopped.getCode());
    assertTrue(stopped.getDescription().startsWith("node 1 is stopping;"),
        stopped.getDescription());
    assertTrue(stopped.getDescription().contains("same op id on another server"),
        stopped.getDescription());

    Status notLeader = status(new NotLeaderException(0, "no leader is known"));
    assertEquals(Status.Code.UNAVAILABLE, notLeader.getCode());
    assertTrue(notLeader.getDescription().contains("retry"), notLeader.getDescription());

    Status late = status(new TimeoutException());
    assertEquals(Status.Code.UNAVAILABLE, late.getCode());
    assertTrue(late.getDescription().contains("same op id"), late.getDescription());
  }

  @Test
  void overloadIsResourceExhausted() {
    assertEquals(Status.Code.RESOURCE_EXHAUSTED,
        status(new OverloadedException("server 1 holds 4 requests already")).getCode());
  }

  @Test
  void badRequestsAndMalformedPeerInputAreInvalidArguments() {
    Status limit = status(new InvalidRequestException(new IllegalArgumentException("key is 5000"
        + " bytes; the maximum key size is 4096 bytes")));
    assertEquals(Status.Code.INVALID_ARGUMENT, limit.getCode());
    assertEquals("key is 5000 bytes; the maximum key size is 4096 bytes", limit.getDescription());
    Status malformed = status(new MalformedPeerInputException("a request forwarded from server 2"
        + " carries no operation"));
    assertEquals(Status.Code.INVALID_ARGUMENT, malformed.getCode());
  }

  @Test
  void anyOtherIllegalArgumentIsAnInternalErrorNotTheClientsFault() {
    Status s = status(new IllegalArgumentException("a coding error"));
    assertEquals(Status.Code.INTERNAL, s.getCode());
    assertTrue(s.getDescription().contains("a coding error"), s.getDescription());
  }

  @Test
  void completionExceptionsAreUnwrappedAndStatusesPassThrough() {
    assertEquals(Status.Code.RESOURCE_EXHAUSTED,
        status(new CompletionException(new OverloadedException("full"))).getCode());
    StatusRuntimeException relayed = Status.FAILED_PRECONDITION.withDescription("stale")
        .asRuntimeException();
    assertSame(relayed, Errors.toStatus(new CompletionException(relayed)));
  }
}
