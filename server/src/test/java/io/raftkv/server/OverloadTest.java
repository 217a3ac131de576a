package io.raftkv.server;

import static io.raftkv.server.LocalCluster.bytes;
import static io.raftkv.server.LocalCluster.freshHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.api.v1.ReadConsistency;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server holds at most {@code maxPendingRequests} requests and {@code maxPendingRequestBytes}
 * bytes of them; beyond that it answers RESOURCE_EXHAUSTED at once, and it takes requests again
 * once the held ones are answered.
 */
class OverloadTest {
  /** CheckQuorum after 3-6 s without a majority: the leader holds its writes that long. */
  private static final String OPTIONS = "\"tickMillis\": 50, \"electionTicks\": 60,"
      + " \"heartbeatTicks\": 2, \"requestTimeoutMillis\": 60000, \"maxPendingRequests\": 4,"
      + " \"maxPendingRequestBytes\": 2101312"; // the least allowed: 2 MiB and a bit

  @Test
  @Timeout(120)
  void requests_beyond_the_count_or_bytes_held_are_refused_at_once(@TempDir Path dir)
      throws Exception {
    try (LocalCluster c = LocalCluster.start(dir, 3, OPTIONS)) {
      int leader = c.awaitLeader(Duration.ofSeconds(60));
      List<Integer> followers = c.others(leader);
      // With both followers gone nothing commits, so the leader holds every write it takes.
      followers.forEach(c::stop);

      // Bytes: two writes of 1,000,000 bytes are held; a third would pass 2,101,312 bytes. (Big
      // messages share the connection's flow-control window, so which of them arrives last
      // is not fixed: exactly one is refused.)
      ByteString big = ByteString.copyFrom(new byte[1_000_000]);
      List<ListenableFuture<PutResponse>> bigs = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        bigs.add(c.kvAsync(leader).put(put("big" + i, big)));
      }
      List<ListenableFuture<PutResponse>> held = new ArrayList<>(refuseAllBut(2, bigs,
          "maxPendingRequestBytes"));
      // Count: 2 more are held (4 in all), the other 9 refused.
      List<ListenableFuture<PutResponse>> small = new ArrayList<>();
      for (int i = 0; i < 11; i++) {
        small.add(c.kvAsync(leader).put(put("k" + i, ByteString.copyFromUtf8("v"))));
      }
      held.addAll(refuseAllBut(2, small, "4 requests"));
      // Reads count too.
      Status read = refusal(c.kvAsync(leader).get(GetRequest.newBuilder()
          .setHeader(freshHeader()).setKey(bytes("k0"))
          .setConsistency(ReadConsistency.SERIALIZABLE).build()));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, read.getCode(), read.toString());
      for (ListenableFuture<PutResponse> f : held) {
        assertTrue(!f.isDone(), "a held request was answered while nothing could commit");
      }

      // The followers return: each held write is answered (applied, or UNAVAILABLE if the
      // leader stepped down meanwhile), and the server takes requests again.
      for (int f : followers) {
        c.start(f);
      }
      for (ListenableFuture<PutResponse> f : held) {
        try {
          f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          Status s = Status.fromThrowable(e.getCause());
          assertEquals(Status.Code.UNAVAILABLE, s.getCode(), s.toString());
        }
      }
      c.awaitLeader(Duration.ofSeconds(60));
      c.kv(leader).put(put("after", ByteString.copyFromUtf8("v")));
      c.kv(leader).put(put("big3", big));
      c.kv(leader).put(put("big4", big));
    }
  }

  private static PutRequest put(String key, ByteString value) {
    return PutRequest.newBuilder().setHeader(freshHeader()).setKey(bytes(key)).setValue(value)
        .build();
  }

  /**
   * Waits until all but {@code keep} of {@code calls} are answered (a refusal is immediate), checks
   * that each of those was refused with RESOURCE_EXHAUSTED saying {@code says}, and returns the
   * {@code keep} still held.
   */
  private static List<ListenableFuture<PutResponse>> refuseAllBut(int keep,
      List<ListenableFuture<PutResponse>> calls, String says) throws InterruptedException {
    LocalCluster.await(Duration.ofSeconds(10), calls.size() - keep + " refusals",
        () -> calls.stream().filter(f -> f.isDone()).count() >= calls.size() - keep ? true
            : null);
    List<ListenableFuture<PutResponse>> held = new ArrayList<>();
    for (ListenableFuture<PutResponse> f : calls) {
      if (!f.isDone()) {
        held.add(f);
        continue;
      }
      Status s = refusal(f);
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getCode(), s.toString());
      assertTrue(s.getDescription().contains(says), s.toString());
    }
    assertEquals(keep, held.size(), "held");
    return held;
  }

  /** The status {@code f} failed with, within 10 s (a refusal is immediate). */
  private static Status refusal(ListenableFuture<?> f) throws InterruptedException {
    try {
      f.get(10, TimeUnit.SECONDS);
      throw new AssertionError("answered, not refused");
    } catch (ExecutionException e) {
      return Status.fromThrowable(e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("held, not refused at once");
    }
  }
}
