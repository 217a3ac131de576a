package io.raftkv.lincheck;

import static io.raftkv.lincheck.KnownHistoriesTest.assertLinearizable;
import static io.raftkv.lincheck.KnownHistoriesTest.assertViolation;
import static io.raftkv.lincheck.Operation.cas;
import static io.raftkv.lincheck.Operation.delete;
import static io.raftkv.lincheck.Operation.get;
import static io.raftkv.lincheck.Operation.put;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Calls that timed out or failed: "may or may not have happened", or "never happened". */
class AmbiguityTest {

  @Test
  void when_ambiguous_put_is_seen_later_then_linearizable() {
    assertLinearizable(
        put(1, "x", "a", 0, 1),
        put(2, "x", "b", 2, 3).ambiguous(),
        get(3, "x", "a", 4, 5),
        get(3, "x", "b", 100, 101));
  }

  @Test
  void when_ambiguous_put_is_never_seen_then_linearizable() {
    assertLinearizable(
        put(1, "x", "a", 0, 1),
        put(2, "x", "b", 2, 3).ambiguous(),
        get(3, "x", "a", 4, 5),
        get(3, "x", "a", 100, 101));
  }

  @Test
  void when_ambiguous_put_was_seen_then_it_cannot_be_unseen() {
    // Once a read saw b, b took effect; a later read of the older value is stale.
    assertViolation(
        put(1, "x", "a", 0, 1),
        put(2, "x", "b", 2, 3).ambiguous(),
        get(3, "x", "b", 4, 5),
        get(3, "x", "a", 6, 7));
  }

  @Test
  void when_ambiguous_put_is_seen_before_it_was_invoked_then_not_linearizable() {
    assertViolation(
        get(3, "x", "b", 0, 1),
        put(2, "x", "b", 2, 3).ambiguous());
  }

  @Test
  void when_ambiguous_delete_takes_effect_late_then_linearizable() {
    assertLinearizable(
        put(1, "x", "a", 0, 1),
        delete(2, "x", 2, 3).ambiguous(),
        get(3, "x", "a", 4, 5),
        get(3, "x", null, 50, 51));
  }

  @Test
  void when_ambiguous_cas_may_have_applied_then_both_outcomes_are_accepted() {
    Operation amb = cas(2, "x", "a", "b", true, "a", 2, 3).ambiguous();
    assertLinearizable(put(1, "x", "a", 0, 1), amb, get(3, "x", "b", 10, 11));
    assertLinearizable(put(1, "x", "a", 0, 1), amb, get(3, "x", "a", 10, 11));
  }

  @Test
  void when_ambiguous_get_then_it_is_dropped() {
    CheckResult r = LinearizabilityChecker.check(List.of(
        put(1, "x", "a", 0, 1),
        get(2, "x", "never-written", 2, 3).ambiguous()), Duration.ofSeconds(1));
    assertEquals(CheckResult.Verdict.LINEARIZABLE, r.verdict());
    assertEquals(1, r.operations());
  }

  @Test
  void when_failed_put_value_is_read_then_not_linearizable() {
    // A definite failure never happened, so its value was never written.
    assertViolation(
        put(1, "x", "a", 0, 1).failedDefinitely(),
        get(2, "x", "a", 2, 3));
  }

  @Test
  void when_ambiguous_op_has_a_finite_return_then_it_still_counts_as_open_ended() {
    Operation recorded = new Operation(2, Operation.Kind.PUT, "x", null, "b", null, false, 2, 3,
        Operation.Outcome.AMBIGUOUS);
    assertLinearizable(
        put(1, "x", "a", 0, 1),
        recorded,
        get(3, "x", "a", 4, 5),
        get(3, "x", "b", 9, 10));
  }
}
