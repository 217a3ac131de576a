package io.raftkv.lincheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HistoryRecorderTest {

  @Test
  void when_calls_complete_then_times_come_from_the_injected_clock() {
    AtomicLong clock = new AtomicLong();
    HistoryRecorder rec = new HistoryRecorder(clock::incrementAndGet);
    long put = rec.invokePut(1, "k", "v");
    long get = rec.invokeGet(2, "k");
    rec.ok(put, null);
    rec.ok(get, "v");
    long cas = rec.invokeCas(1, "k", "v", "w");
    rec.okCas(cas, true, "v");
    assertEquals(List.of(
        Operation.put(1, "k", "v", 1, 3),
        Operation.get(2, "k", "v", 2, 4),
        Operation.cas(1, "k", "v", "w", true, "v", 5, 6)), rec.history());
  }

  @Test
  void when_call_never_completes_then_it_is_ambiguous() {
    HistoryRecorder rec = new HistoryRecorder(() -> 7);
    rec.invokeDelete(1, "k");
    long put = rec.invokePut(2, "k", "v");
    rec.ambiguous(put);
    List<Operation> h = rec.history();
    assertEquals(2, h.size());
    h.forEach(op -> {
      assertEquals(Operation.Outcome.AMBIGUOUS, op.outcome());
      assertEquals(Long.MAX_VALUE, op.returnNanos());
    });
  }

  @Test
  void when_call_failed_definitely_then_recorded_as_such() {
    HistoryRecorder rec = new HistoryRecorder(() -> 7);
    long put = rec.invokePut(2, "k", "v");
    rec.failed(put);
    assertEquals(Operation.Outcome.FAILED_DEFINITELY, rec.history().get(0).outcome());
  }

  @Test
  void when_call_completed_twice_then_rejected() {
    HistoryRecorder rec = new HistoryRecorder();
    long get = rec.invokeGet(1, "k");
    rec.ok(get, null);
    assertThrows(IllegalStateException.class, () -> rec.ok(get, null));
  }
}
