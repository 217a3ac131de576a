package io.raftkv.lincheck;

import static io.raftkv.lincheck.Operation.cas;
import static io.raftkv.lincheck.Operation.delete;
import static io.raftkv.lincheck.Operation.get;
import static io.raftkv.lincheck.Operation.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Small hand-written histories whose verdict is known. */
class KnownHistoriesTest {

  static CheckResult check(Operation... ops) {
    return LinearizabilityChecker.check(List.of(ops), Duration.ofSeconds(5));
  }

  static void assertLinearizable(Operation... ops) {
    CheckResult r = check(ops);
    assertEquals(CheckResult.Verdict.LINEARIZABLE, r.verdict(), r::report);
  }

  static Violation assertViolation(Operation... ops) {
    CheckResult r = check(ops);
    assertEquals(CheckResult.Verdict.NOT_LINEARIZABLE, r.verdict(), r::report);
    return r.violation().orElseThrow();
  }

  @Test
  void when_history_is_empty_then_linearizable() {
    assertLinearizable();
  }

  @Test
  void when_history_is_sequential_then_linearizable() {
    assertLinearizable(
        get(1, "x", null, 0, 1),
        put(1, "x", "a", 2, 3),
        get(2, "x", "a", 4, 5),
        delete(2, "x", 6, 7),
        get(1, "x", null, 8, 9),
        put(2, "x", "b", 10, 11),
        get(1, "x", "b", 12, 13));
  }

  @Test
  void when_puts_overlap_then_reads_may_see_either_order() {
    // put a and put b overlap: reads after both may see a (b then a) or b (a then b).
    assertLinearizable(
        put(1, "x", "a", 0, 10),
        put(2, "x", "b", 1, 9),
        get(3, "x", "a", 11, 12),
        get(3, "x", "a", 13, 14));
    assertLinearizable(
        put(1, "x", "a", 0, 10),
        put(2, "x", "b", 1, 9),
        get(3, "x", "b", 11, 12));
  }

  @Test
  void when_read_overlaps_put_then_it_may_see_old_or_new() {
    assertLinearizable(
        put(1, "x", "a", 0, 1),
        put(1, "x", "b", 2, 10),
        get(2, "x", "a", 3, 4),
        get(3, "x", "b", 5, 6),
        get(2, "x", "b", 11, 12));
  }

  @Test
  void when_read_is_stale_after_completed_put_then_not_linearizable() {
    Violation v = assertViolation(
        put(1, "x", "a", 0, 1),
        put(1, "x", "b", 2, 3),
        get(2, "x", "a", 4, 5));
    assertEquals("x", v.key());
  }

  @Test
  void when_old_value_read_after_two_sequential_puts_then_lost_write_detected() {
    // The second put is acknowledged but a later read still sees the first: the write is lost.
    assertViolation(
        put(1, "x", "1", 0, 10),
        put(2, "x", "2", 20, 30),
        get(3, "x", "2", 35, 40),
        get(3, "x", "1", 45, 50));
  }

  @Test
  void when_value_never_written_is_read_then_not_linearizable() {
    Violation v = assertViolation(
        put(1, "x", "a", 0, 5),
        get(2, "x", "zzz", 1, 6));
    assertEquals("get(x)->zzz", v.stuckAt().label());
  }

  @Test
  void when_two_reads_are_out_of_real_time_order_then_not_linearizable() {
    // Both reads overlap the put, but the later read sees the older value.
    assertViolation(
        put(1, "x", "a", 0, 100),
        get(2, "x", "a", 10, 20),
        get(3, "x", null, 30, 40));
  }

  @Test
  void when_read_sees_deleted_value_after_delete_then_not_linearizable() {
    assertViolation(
        put(1, "x", "a", 0, 1),
        delete(1, "x", 2, 3),
        get(2, "x", "a", 4, 5));
  }

  @Test
  void when_intervals_only_touch_then_they_count_as_concurrent() {
    // Equal timestamps are read as overlapping, so no false alarm on coarse clocks.
    assertLinearizable(
        put(1, "x", "a", 0, 5),
        get(2, "x", null, 5, 6));
  }

  @Test
  void when_cas_follows_the_model_then_linearizable() {
    assertLinearizable(
        cas(1, "x", null, "a", true, null, 0, 1),
        cas(2, "x", null, "b", false, "a", 2, 3),
        cas(1, "x", "a", "b", true, "a", 4, 5),
        get(2, "x", "b", 6, 7));
  }

  @Test
  void when_two_cas_from_same_value_both_succeed_then_not_linearizable() {
    assertViolation(
        put(1, "x", "a", 0, 1),
        cas(2, "x", "a", "b", true, "a", 2, 10),
        cas(3, "x", "a", "c", true, "a", 3, 9));
  }

  @Test
  void when_cas_fails_although_value_matched_then_not_linearizable() {
    assertViolation(
        put(1, "x", "a", 0, 1),
        cas(2, "x", "a", "b", false, "a", 2, 3));
  }

  @Test
  void when_cas_succeeds_on_wrong_value_then_not_linearizable() {
    assertViolation(
        put(1, "x", "a", 0, 1),
        cas(2, "x", "z", "b", true, "z", 2, 3));
  }

  @Test
  void when_cas_effect_is_not_seen_then_not_linearizable() {
    assertViolation(
        cas(1, "x", null, "a", true, null, 0, 1),
        get(2, "x", null, 2, 3));
  }

  @Test
  void when_one_key_fails_among_many_then_that_key_is_reported() {
    CheckResult r = check(
        put(1, "a", "1", 0, 1), get(2, "a", "1", 2, 3),
        put(1, "b", "1", 0, 1), get(2, "b", "2", 2, 3),
        put(1, "c", "1", 0, 1), get(2, "c", "1", 2, 3));
    assertEquals(CheckResult.Verdict.NOT_LINEARIZABLE, r.verdict());
    assertEquals(List.of("b"), r.failingKeys());
    assertEquals("b", r.violation().orElseThrow().key());
    assertTrue(r.report().contains("get(b)->2"), r::report);
  }

  @Test
  void when_keys_interleave_then_each_is_checked_on_its_own() {
    // Per-key checking is exact: linearizability is local (Herlihy and Wing).
    assertLinearizable(
        put(1, "a", "1", 0, 10), get(2, "b", null, 1, 2),
        put(3, "b", "1", 3, 10), get(2, "a", "1", 11, 14), get(4, "b", "1", 11, 12));
  }

  @Test
  void when_violation_found_then_linearization_prefix_is_consistent_with_model() {
    Violation v = assertViolation(
        put(1, "x", "a", 0, 1),
        put(1, "x", "b", 2, 3),
        get(2, "x", "a", 4, 5));
    assertEquals(List.of("put(x,a)", "put(x,b)"),
        v.linearization().stream().map(Operation::label).collect(
            java.util.stream.Collectors.toList()));
    assertEquals("get(x)->a", v.stuckAt().label());
  }
}
