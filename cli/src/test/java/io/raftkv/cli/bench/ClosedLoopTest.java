package io.raftkv.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.RaftKvException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The closed loop against a fake asynchronous operation (no servers). */
class ClosedLoopTest {
  @Test
  void keepsConcurrencyInFlightCountsErrorsAndFindsTheGap() throws Exception {
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    AtomicLong started = new AtomicLong();
    AtomicBoolean paused = new AtomicBoolean();
    try {
      ClosedLoop loop = new ClosedLoop(() -> {
        long n = started.incrementAndGet();
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        CompletableFuture<Object> f = new CompletableFuture<>();
        long delayMs = paused.get() ? 300 : 2;
        timer.schedule(() -> {
          inFlight.decrementAndGet();
          if (n % 10 == 0) {
            f.completeExceptionally(new RaftKvException(RaftKvException.Kind.DEADLINE_EXCEEDED,
                "late", true, null));
          } else {
            f.complete(null);
          }
        }, delayMs, TimeUnit.MILLISECONDS);
        return f;
      }, 4);
      ClosedLoop.Run run = new ClosedLoop.Run();
      run.label = "put";
      run.warmupSeconds = 0.3;
      run.seconds = 1.2;
      run.faultAfterSeconds = 0.5;
      run.fault = () -> paused.set(true);
      run.drainMillis = 5_000;
      // After the "fault" every operation takes 300 ms: the gap must show it.
      BenchResult r = loop.run(run);
      assertEquals(4, maxInFlight.get(), "never more than the concurrency in flight");
      assertTrue(r.ops > 50, "ops " + r.ops);
      assertTrue(r.errorsByKind.getOrDefault("DEADLINE_EXCEEDED", 0L) > 0, r.line());
      assertEquals(r.errors(), r.errorsByKind.get("DEADLINE_EXCEEDED"));
      assertTrue(r.maxGapMillis >= 250, r.line());
      assertTrue(r.maxGapStartSeconds >= 0.4 && r.maxGapStartSeconds < 1.2,
          "gap from " + r.maxGapStartSeconds + " s");
      assertTrue(r.percentileMillis(50) >= 1.5 && r.percentileMillis(50) < 250, r.line());
      assertTrue(r.clientCpuMicrosPerOp >= 0, r.line());
      assertEquals(0, loop.inFlight(), "every user stopped after the run");
    } finally {
      timer.shutdownNow();
    }
  }

  @Test
  void anOperationThatFailsAtOnceDoesNotOverflowTheStack() throws Exception {
    ClosedLoop loop = new ClosedLoop(() -> {
      throw new IllegalStateException("client closed");
    }, 2);
    ClosedLoop.Run run = new ClosedLoop.Run();
    run.seconds = 0.2;
    BenchResult r = loop.run(run);
    assertEquals(0, r.ops);
    assertTrue(r.errorsByKind.get("IllegalStateException") > 0, r.line());
  }
}
