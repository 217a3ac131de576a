package io.raftkv.server;

import static io.raftkv.server.LocalCluster.bytes;
import static io.raftkv.server.LocalCluster.freshHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.GetResponse;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.api.v1.ReadConsistency;
import io.raftkv.api.v1.RequestHeader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leader left without a majority acknowledges nothing: it fails its pending write with a
 * retryable UNAVAILABLE "outcome unknown" when CheckQuorum makes it step down (and a
 * linearizable read with UNAVAILABLE), and once a majority is back the client's retry with the
 * same op id is applied exactly once.
 */
class StepDownTest {
  /**
   * CheckQuorum after 2-4 s without a majority: long enough for the write to reach the lone
   * leader first; the request timeout is longer still, so it is the step-down that answers.
   */
  private static final String OPTIONS = "\"tickMillis\": 50, \"electionTicks\": 40,"
      + " \"heartbeatTicks\": 2, \"requestTimeoutMillis\": 60000";

  @Test
  @Timeout(120)
  void a_leader_that_loses_leadership_fails_its_pending_write_and_the_retry_applies_once(
      @TempDir Path dir) throws Exception {
    try (LocalCluster c = LocalCluster.start(dir, 3, OPTIONS)) {
      int leader = c.awaitLeader(Duration.ofSeconds(60));
      RequestHeader h1 = freshHeader();
      c.kv(leader).put(put(h1, "k", "v0"));
      List<Integer> followers = c.others(leader);
      followers.forEach(c::stop);
      assertTrue(c.server(leader).runtime().view().isLeader(),
          "the leader stepped down before the write was sent; lengthen electionTicks");

      // The write reaches the leader, which can no longer commit it: it waits, then the leader
      // notices it lost its majority (CheckQuorum) and steps down.
      RequestHeader h2 = h1.toBuilder().setOpId(2).build();
      ListenableFuture<PutResponse> pending = c.kvAsync(leader).put(put(h2, "k", "v1"));
      // Nor can it confirm a linearizable read: that fails too, retryably.
      ListenableFuture<GetResponse> read = c.kvAsync(leader).get(get("k"));
      ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(
          ExecutionException.class, () -> pending.get(30, TimeUnit.SECONDS));
      Status s = Status.fromThrowable(failed.getCause());
      assertEquals(Status.Code.UNAVAILABLE, s.getCode(), s.toString());
      assertTrue(s.getDescription().startsWith("outcome unknown: "), s.getDescription());
      assertTrue(s.getDescription().contains("retry it with the same op id"), s.getDescription());
      assertFalse(c.server(leader).runtime().view().isLeader());
      ExecutionException unread = org.junit.jupiter.api.Assertions.assertThrows(
          ExecutionException.class, () -> read.get(30, TimeUnit.SECONDS));
      assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(unread.getCause()).getCode(),
          unread.getCause().toString());
      // Its own applied state it serves, when asked for that.
      assertEquals("v0", c.kv(leader).get(get("k").toBuilder()
          .setConsistency(ReadConsistency.SERIALIZABLE).build()).getValue().toStringUtf8());

      // One follower returns: a majority again. Whoever leads now, the retry (same client, same
      // op id) is applied once: its answer is the first application's (the value before it was
      // "v0"), and every further retry, after another client's write, gets that same answer.
      int back = followers.get(0);
      c.start(back);
      int newLeader = c.awaitLeader(Duration.ofSeconds(60));
      PutResponse retried = c.kv(back).put(put(h2, "k", "v1"));
      assertTrue(retried.getHadPrevious(), retried.toString());
      assertEquals("v0", retried.getPrevious().toStringUtf8(),
          "applied twice, the retry would report 'v1' as the previous value");
      c.kv(newLeader).put(put(freshHeader(), "k", "v2"));
      for (int id : List.of(leader, back)) {
        PutResponse again = c.kv(id).put(put(h2, "k", "v1"));
        assertEquals("v0", again.getPrevious().toStringUtf8(), "applied again at " + id);
      }
      assertEquals("v2", c.kv(newLeader).get(get("k")).getValue().toStringUtf8());
    }
  }

  private static GetRequest get(String key) {
    return GetRequest.newBuilder().setHeader(freshHeader()).setKey(bytes(key)).build();
  }

  private static PutRequest put(RequestHeader h, String key, String value) {
    return PutRequest.newBuilder().setHeader(h).setKey(bytes(key)).setValue(bytes(value)).build();
  }
}
