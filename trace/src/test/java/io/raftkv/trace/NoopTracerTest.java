package io.raftkv.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.trace.TraceAction.ServerStart;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class NoopTracerTest {
  /** Where results go so the JIT cannot drop an allocation as unused. */
  static volatile Object sink;

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  @Test
  void noop_calls_allocate_nothing() {
    Tracer t = Tracer.noop();
    ServerStart action = new ServerStart(1);
    TraceToken token = t.createTrace().generateToken();
    Runnable calls = () -> {
      for (int i = 0; i < 1_000_000; i++) {
        Trace tr = t.createTrace();
        tr.recordAction(action);
        sink = tr.generateToken();
        sink = t.receiveToken(token);
        sink = t.traceOf("x");
        sink = tr;
      }
    };
    calls.run(); // warm up
    long before = allocatedBytes();
    calls.run();
    long bytes = allocatedBytes() - before;
    // A single allocation per call would be at least 16 MB; allow for the measurement itself.
    assertTrue(bytes < 64 * 1024, bytes + " bytes allocated by 1M rounds of noop calls");
    assertEquals(false, t.enabled());
  }
}
