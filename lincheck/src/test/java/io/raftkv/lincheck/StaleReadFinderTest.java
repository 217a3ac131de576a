package io.raftkv.lincheck;

import static io.raftkv.lincheck.Operation.cas;
import static io.raftkv.lincheck.Operation.delete;
import static io.raftkv.lincheck.Operation.get;
import static io.raftkv.lincheck.Operation.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The quick patterns: what each one must and must not claim. */
class StaleReadFinderTest {

  @Test
  void when_read_is_stale_then_witness_is_writer_overwriter_and_read() {
    Operation a = put(1, "x", "a", 0, 1);
    Operation b = put(1, "x", "b", 2, 3);
    Operation r = get(2, "x", "a", 4, 5);
    assertEquals(List.of(a, b, r), StaleReadFinder.find(List.of(a, b, r)));
  }

  @Test
  void when_absent_is_read_after_a_completed_put_then_stale() {
    Operation p = put(1, "x", "a", 0, 1);
    Operation r = get(2, "x", null, 4, 5);
    assertEquals(List.of(p, r), StaleReadFinder.find(List.of(p, r)));
  }

  @Test
  void when_value_was_never_written_then_witness_is_the_read() {
    Operation r = get(2, "x", "ghost", 4, 5);
    assertEquals(List.of(r), StaleReadFinder.find(List.of(put(1, "x", "a", 0, 1), r)));
  }

  @Test
  void when_read_returns_before_its_only_writer_starts_then_witness_is_both() {
    Operation r = get(2, "x", "a", 0, 1);
    Operation p = put(1, "x", "a", 2, 3);
    assertEquals(List.of(p, r), StaleReadFinder.find(List.of(r, p)));
  }

  @Test
  void when_reads_are_out_of_order_then_witness_includes_the_newer_read_and_its_writer() {
    Operation p = put(1, "x", "a", 0, 100);
    Operation newer = get(2, "x", "a", 10, 20);
    Operation older = get(3, "x", null, 30, 40);
    assertEquals(List.of(p, newer, older), StaleReadFinder.find(List.of(p, newer, older)));
  }

  @Test
  void when_reads_flip_flop_between_concurrent_puts_then_no_claim_and_search_decides() {
    List<Operation> h = List.of(put(1, "x", "a", 0, 10), put(2, "x", "b", 1, 11),
        get(3, "x", "a", 12, 13), get(3, "x", "b", 14, 15), get(3, "x", "a", 16, 17));
    assertNull(StaleReadFinder.find(h));
    KnownHistoriesTest.assertViolation(h.toArray(new Operation[0]));
  }

  @Test
  void when_overwrite_is_ambiguous_then_no_claim() {
    assertNull(StaleReadFinder.find(List.of(
        put(1, "x", "a", 0, 1), put(1, "x", "b", 2, 3).ambiguous(), get(2, "x", "a", 4, 5))));
  }

  @Test
  void when_value_is_written_again_later_then_no_claim() {
    assertNull(StaleReadFinder.find(List.of(
        put(1, "x", "a", 0, 1), put(1, "x", "b", 2, 3), put(3, "x", "a", 3, 10),
        get(2, "x", "a", 4, 5))));
  }

  @Test
  void when_overwrite_is_a_failed_cas_then_no_claim() {
    assertNull(StaleReadFinder.find(List.of(
        put(1, "x", "a", 0, 1), cas(1, "x", "z", "b", false, "a", 2, 3),
        get(2, "x", "a", 4, 5))));
  }

  @Test
  void when_delete_overlaps_the_read_then_no_claim() {
    assertNull(StaleReadFinder.find(List.of(
        put(1, "x", "a", 0, 1), delete(1, "x", 2, 5), get(2, "x", "a", 4, 6))));
  }

  @Test
  void when_history_is_linearizable_then_no_claim() {
    assertNull(StaleReadFinder.find(new HistoryGenerator(11, 20, 1, 100, 50, true)
        .generate(3000)));
  }
}
