package io.raftkv.lincheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker answers UNKNOWN on time instead of hanging on a hopeless search. */
class TimeoutTest {

  /**
   * 40 mutually concurrent puts, each read back by a concurrent read: every subset of puts is a
   * distinct configuration and reads constrain little, so the search space is exponential. Three
   * final reads seeing v3, v5, v3 again make it fail, but only after all of it is explored (no
   * write is invoked after v3's, so the quick stale-read patterns do not apply).
   */
  static List<Operation> hopeless() {
    List<Operation> h = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      h.add(Operation.put(i, "x", "v" + i, i, 1000 + i));
      h.add(Operation.get(100 + i, "x", "v" + ((i * 7) % 40), 10 + i, 1100 + i));
    }
    h.add(Operation.get(501, "x", "v3", 1400, 1500));
    h.add(Operation.get(501, "x", "v5", 1510, 1520));
    h.add(Operation.get(501, "x", "v3", 1530, 1540));
    return h;
  }

  @Test
  void when_search_exceeds_timeout_then_unknown_and_returns_promptly() {
    long start = System.nanoTime();
    CheckResult r = LinearizabilityChecker.check(hopeless(), Duration.ofMillis(300));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(CheckResult.Verdict.UNKNOWN, r.verdict(), r::report);
    assertEquals(List.of("x"), r.undecidedKeys());
    assertTrue(tookMs < 3000, "took " + tookMs + " ms");
  }

  @Test
  void when_one_key_fails_and_another_times_out_then_not_linearizable() {
    List<Operation> h = new ArrayList<>(hopeless());
    h.add(Operation.put(1, "y", "a", 0, 1));
    h.add(Operation.get(2, "y", "b", 2, 3));
    CheckResult r = LinearizabilityChecker.check(h, Duration.ofMillis(300), Duration.ZERO);
    assertEquals(CheckResult.Verdict.NOT_LINEARIZABLE, r.verdict(), r::report);
    assertEquals(List.of("y"), r.failingKeys());
    assertEquals(List.of("x"), r.undecidedKeys());
  }
}
