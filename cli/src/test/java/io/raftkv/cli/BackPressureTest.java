package io.raftkv.cli;

import static io.raftkv.cli.RealCluster.bytes;
import static io.raftkv.cli.RealCluster.freshHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.KVGrpc;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.api.v1.ReadConsistency;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server holds at most {@code maxPendingRequests} client requests; beyond that it answers
 * RESOURCE_EXHAUSTED at once instead of queueing without bound, and it serves again as soon as
 * the held requests are answered.
 */
class BackPressureTest {
  @TempDir
  Path tmp;

  RealCluster c;

  @AfterEach
  void down() {
    if (c != null) {
      c.close();
    }
  }

  @Test
  void when_more_requests_arrive_than_a_server_may_hold_then_the_rest_are_refused_at_once()
      throws Exception {
    c = RealCluster.start(tmp, "BackPressureTest", 3, "{\"tickMillis\": 20, \"electionTicks\": "
        + "25, \"heartbeatTicks\": 5, \"requestTimeoutMillis\": 3000, \"maxPendingRequests\": 4}");
    int leader = c.awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
    // With both followers gone nothing commits, so the leader holds every write it takes.
    for (int f : List.of(1, 2, 3)) {
      if (f != leader) {
        c.kill(f);
      }
    }
    ManagedChannel ch = NettyChannelBuilder.forTarget(c.address(leader)).usePlaintext().build();
    try {
      KVGrpc.KVFutureStub stub = KVGrpc.newFutureStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS);
      List<ListenableFuture<PutResponse>> calls = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        calls.add(stub.put(PutRequest.newBuilder().setHeader(freshHeader())
            .setKey(bytes("k" + i)).setValue(bytes("v")).build()));
      }
      int exhausted = 0;
      int held = 0;
      for (ListenableFuture<PutResponse> f : calls) {
        try {
          f.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          Status s = Status.fromThrowable(e.getCause());
          if (s.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
            exhausted++;
            assertTrue(s.getDescription().contains("4 requests"), s.toString());
          } else {
            held++; // held, then released unanswered: not committed in time
            assertEquals(Status.Code.UNAVAILABLE, s.getCode(), s.toString());
          }
        }
      }
      assertEquals(12, exhausted + held);
      assertTrue(exhausted >= 8, exhausted + " of 12 refused; at most 4 may be held");
      // The held requests are answered; the server takes requests again.
      assertTrue(KVGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
          .get(GetRequest.newBuilder().setHeader(freshHeader()).setKey(bytes("k0"))
              .setConsistency(ReadConsistency.SERIALIZABLE).build()) != null);
    } finally {
      ch.shutdownNow();
    }
  }
}
