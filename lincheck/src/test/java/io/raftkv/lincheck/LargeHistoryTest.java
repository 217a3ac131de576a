package io.raftkv.lincheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Thousands of operations per key with many concurrent clients must be decided well within the
 * bound, both when linearizable and with one injected stale read.
 */
class LargeHistoryTest {

  private static final Duration BOUND = Duration.ofSeconds(10);

  private static CheckResult timed(String what, List<Operation> history) {
    CheckResult r = LinearizabilityChecker.check(history, BOUND);
    double seconds = r.elapsedNanos() / 1e9;
    System.out.printf("%s: %d ops, %s in %.3f s (%.0f ops/s)%n", what, history.size(),
        r.verdict(), seconds, history.size() / seconds);
    assertTrue(r.elapsedNanos() < BOUND.toNanos(), "took " + seconds + " s");
    return r;
  }

  @Test
  void when_one_key_has_thousands_of_concurrent_ops_then_linearizable_within_bound() {
    List<Operation> h = new HistoryGenerator(1, 20, 1, 100, 50, false).generate(5000);
    CheckResult r = timed("1 key, 20 clients", h);
    assertEquals(CheckResult.Verdict.LINEARIZABLE, r.verdict(), r::report);
  }

  @Test
  void when_fifty_clients_hit_one_key_then_linearizable_within_bound() {
    List<Operation> h = new HistoryGenerator(2, 50, 1, 100, 400, true).generate(4000);
    CheckResult r = timed("1 key, 50 clients, cas", h);
    assertEquals(CheckResult.Verdict.LINEARIZABLE, r.verdict(), r::report);
  }

  @Test
  void when_many_keys_then_they_are_checked_in_parallel_within_bound() {
    List<Operation> h = new HistoryGenerator(3, 30, 8, 100, 20, true).generate(24000);
    CheckResult r = timed("8 keys, 30 clients, cas", h);
    assertEquals(CheckResult.Verdict.LINEARIZABLE, r.verdict(), r::report);
  }

  @Test
  void when_a_stale_read_is_injected_into_a_big_history_then_not_linearizable_within_bound() {
    List<Operation> h = HistoryGenerator.injectStaleRead(
        new HistoryGenerator(4, 10, 1, 100, 100, false).generate(3000));
    CheckResult r = timed("1 key, 10 clients, stale read", h);
    assertEquals(CheckResult.Verdict.NOT_LINEARIZABLE, r.verdict(), r::report);
    Violation v = r.violation().orElseThrow();
    assertTrue(v.minimalHistory().size() < 20,
        "shrunk to " + v.minimalHistory().size() + " ops:\n" + v.describe());
  }

  @Test
  void when_the_search_alone_meets_a_stale_read_in_a_big_history_then_it_proves_the_violation() {
    // Bypasses the quick patterns: the search must exhaust every order of the calls before the
    // anomaly, which it manages for 10 clients (with 20 or more it may need the timeout).
    List<Operation> h = HistoryGenerator.injectStaleRead(
        new HistoryGenerator(4, 10, 1, 100, 100, false).generate(3000));
    long start = System.nanoTime();
    PartitionResult r = PartitionSearch.check(h, System::nanoTime, start + BOUND.toNanos());
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("search only, 1 key, 10 clients, stale read: 3000 ops in %.3f s%n",
        seconds);
    assertTrue(r.failed(), "decided: " + r.decided());
  }

  @Test
  void when_a_stale_read_is_injected_among_fifty_clients_then_not_linearizable_within_bound() {
    List<Operation> h = HistoryGenerator.injectStaleRead(
        new HistoryGenerator(2, 50, 1, 100, 200, true).generate(4000));
    CheckResult r = timed("1 key, 50 clients, cas, stale read", h);
    assertEquals(CheckResult.Verdict.NOT_LINEARIZABLE, r.verdict(), r::report);
    assertEquals(3, r.violation().orElseThrow().minimalHistory().size(), r::report);
  }

  @Test
  void when_a_stale_read_is_injected_among_many_keys_then_only_its_key_fails() {
    List<Operation> h = HistoryGenerator.injectStaleRead(
        new HistoryGenerator(5, 20, 8, 100, 50, false).generate(16000));
    CheckResult r = timed("8 keys, 20 clients, stale read", h);
    assertEquals(CheckResult.Verdict.NOT_LINEARIZABLE, r.verdict(), r::report);
    assertEquals(1, r.failingKeys().size(), r::report);
  }
}
