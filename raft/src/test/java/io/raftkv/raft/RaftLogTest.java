package io.raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaftLogTest {
  static RaftLog newLog(RestoredState restored) {
    return new RaftLog(restored, Membership.ofVoters(java.util.List.of(1, 2, 3)));
  }


  static Entry e(long index, long term) {
    return Entry.normal(index, term, ("v" + index).getBytes(StandardCharsets.UTF_8));
  }

  /** A log restored with the given terms at indexes 1.., commit as given. */
  static RaftLog log(long commit, long... terms) {
    List<Entry> es = new ArrayList<>();
    for (int i = 0; i < terms.length; i++) {
      es.add(e(i + 1, terms[i]));
    }
    long last = terms.length == 0 ? 0 : terms[terms.length - 1];
    return newLog(new RestoredState(new HardState(last, 0, commit), null, es, 0));
  }

  static Snapshot snap(long index, long term) {
    return new Snapshot(new SnapshotMeta(index, term, List.of(1, 2, 3)), new byte[] {1});
  }

  @Test
  void when_restored_then_everything_is_stable_and_commit_is_kept() {
    RaftLog l = log(2, 1, 1, 2);
    assertEquals(1, l.firstIndex());
    assertEquals(3, l.lastIndex());
    assertEquals(2, l.lastTerm());
    assertEquals(3, l.stabled());
    assertEquals(2, l.committed());
    assertEquals(0, l.applied());
    assertTrue(l.unstableEntries().isEmpty());
  }

  @Test
  void when_restored_commit_beyond_log_then_safety_exception() {
    assertThrows(RaftSafetyException.class, () -> log(4, 1, 1));
  }

  @Test
  void when_restored_applied_outside_snapshot_and_commit_then_safety_exception() {
    assertThrows(RaftSafetyException.class, () -> newLog(
        new RestoredState(new HardState(1, 0, 1), null, List.of(e(1, 1)), 2)));
  }

  @Test
  void when_term_asked_outside_log_then_minus_one_except_index_zero() {
    RaftLog l = log(0, 1, 2);
    assertEquals(0, l.term(0));
    assertEquals(1, l.term(1));
    assertEquals(2, l.term(2));
    assertEquals(-1, l.term(3));
    assertTrue(l.matchTerm(0, 0));
    assertFalse(l.matchTerm(3, -1));
    assertFalse(l.matchTerm(2, 1));
  }

  @Test
  void when_appending_with_gap_or_lower_term_then_safety_exception() {
    RaftLog l = log(0, 1, 2);
    assertThrows(RaftSafetyException.class, () -> l.append(e(4, 2)));
    assertThrows(RaftSafetyException.class, () -> l.append(e(3, 1)));
    l.append(e(3, 2));
    assertEquals(3, l.lastIndex());
    assertEquals(2, l.stabled());
    assertEquals(List.of(e(3, 2)), l.unstableEntries());
  }

  @Test
  void when_leader_entries_conflict_then_suffix_is_replaced_and_stable_drops() {
    RaftLog l = log(1, 1, 1, 1, 1);
    long last = l.mergeFromLeader(1, List.of(e(2, 1), e(3, 2)));
    assertEquals(3, last);
    assertEquals(3, l.lastIndex());
    assertEquals(2, l.term(3));
    assertEquals(2, l.stabled());
    assertEquals(List.of(e(3, 2)), l.unstableEntries());
  }

  @Test
  void when_leader_entries_already_present_then_nothing_is_truncated() {
    RaftLog l = log(0, 1, 1, 1);
    assertEquals(2, l.mergeFromLeader(1, List.of(e(2, 1))));
    assertEquals(3, l.lastIndex());
    assertEquals(1, l.mergeFromLeader(1, List.of()));
  }

  @Test
  void when_leader_entry_conflicts_with_committed_then_safety_exception() {
    RaftLog l = log(2, 1, 1);
    assertThrows(RaftSafetyException.class, () -> l.mergeFromLeader(1, List.of(e(2, 2))));
  }

  @Test
  void when_conflict_hint_then_first_index_of_term_above_commit() {
    RaftLog l = log(1, 1, 1, 2, 2, 2, 3);
    assertEquals(3, l.firstIndexOfTermAt(5));
    assertEquals(6, l.firstIndexOfTermAt(6));
    assertEquals(2, l.firstIndexOfTermAt(2)); // not below commit + 1
    RaftLog none = log(0, 1, 1, 1);
    assertEquals(1, none.firstIndexOfTermAt(3));
  }

  @Test
  void when_searching_last_index_of_term_then_stops_below_that_term() {
    RaftLog l = log(0, 1, 1, 4, 4, 5, 5, 6);
    assertEquals(4, l.lastIndexOfTerm(4, 7));
    assertEquals(4, l.lastIndexOfTerm(4, 4));
    assertEquals(3, l.lastIndexOfTerm(4, 3));
    assertEquals(-1, l.lastIndexOfTerm(3, 7));
    assertEquals(-1, l.lastIndexOfTerm(2, 7));
    assertEquals(7, l.lastIndexOfTerm(6, 100));
    assertEquals(-1, l.lastIndexOfTerm(7, 7));
  }

  @Test
  void when_slicing_then_count_and_bytes_limit_but_one_entry_always_fits() {
    RaftLog l = log(0, 1, 1, 1, 1);
    assertEquals(2, l.slice(1, 2, Long.MAX_VALUE).size());
    assertEquals(4, l.slice(1, 10, Long.MAX_VALUE).size());
    long one = e(1, 1).sizeBytes();
    assertEquals(1, l.slice(1, 10, 1).size());
    assertEquals(1, l.slice(1, 10, one).size());
    assertEquals(2, l.slice(1, 10, 2 * one).size());
    assertEquals(2, l.slice(1, 10, 2 * one + 1).size());
    assertEquals(List.of(e(3, 1), e(4, 1)), l.slice(3, 10, Long.MAX_VALUE));
  }

  @Test
  void when_committing_then_never_backwards_nor_beyond_the_log() {
    RaftLog l = log(0, 1, 1);
    assertTrue(l.commitTo(1));
    assertFalse(l.commitTo(1));
    assertFalse(l.commitTo(0));
    assertEquals(1, l.committed());
    assertThrows(RaftSafetyException.class, () -> l.commitTo(3));
  }

  @Test
  void when_next_committed_then_only_up_to_commit_index_and_byte_limit() {
    RaftLog l = log(2, 1, 1, 1, 1);
    assertTrue(l.hasNextCommitted());
    assertEquals(List.of(e(1, 1), e(2, 1)), l.nextCommitted(Long.MAX_VALUE));
    assertEquals(List.of(e(1, 1)), l.nextCommitted(1));
    l.appliedTo(2);
    assertFalse(l.hasNextCommitted());
    assertTrue(l.nextCommitted(Long.MAX_VALUE).isEmpty());
    assertThrows(RaftSafetyException.class, () -> l.appliedTo(3));
    l.appliedTo(1); // never backwards
    assertEquals(2, l.applied());
  }

  @Test
  void when_stable_to_a_replaced_entry_then_stable_does_not_move() {
    RaftLog l = log(0, 1);
    l.append(e(2, 1));
    l.stableTo(2, 2);
    assertEquals(1, l.stabled());
    l.stableTo(2, 1);
    assertEquals(2, l.stabled());
    l.stableTo(1, 1);
    assertEquals(2, l.stabled());
  }

  @Test
  void when_up_to_date_check_then_term_first_then_length() {
    RaftLog l = log(0, 1, 2, 2);
    assertTrue(l.isUpToDate(3, 2));
    assertTrue(l.isUpToDate(4, 2));
    assertFalse(l.isUpToDate(2, 2));
    assertTrue(l.isUpToDate(1, 3));
    assertFalse(l.isUpToDate(10, 1));
  }

  @Test
  void when_compacting_then_entries_up_to_index_are_dropped_and_snapshot_kept() {
    RaftLog l = log(3, 1, 1, 2, 2);
    l.appliedTo(3);
    Snapshot s = snap(3, 2);
    l.compact(s, 2);
    assertEquals(3, l.firstIndex());
    assertEquals(2, l.snapshotIndex());
    assertEquals(1, l.term(2));
    assertEquals(-1, l.term(1));
    assertSame(s, l.latestSnapshot());
    l.compact(snap(2, 1), 2); // older: ignored
    assertSame(s, l.latestSnapshot());
    assertEquals(3, l.firstIndex());
    assertThrows(RaftSafetyException.class, () -> l.compact(snap(4, 2), 4));
    assertThrows(RaftSafetyException.class, () -> l.entry(2));
    assertThrows(RaftSafetyException.class, () -> l.slice(2, 1, 1));
  }

  @Test
  void when_compacting_with_wrong_term_then_safety_exception() {
    RaftLog l = log(2, 1, 1);
    l.appliedTo(2);
    assertThrows(RaftSafetyException.class, () -> l.compact(snap(2, 5), 2));
  }

  @Test
  void when_compacting_unstable_entries_then_safety_exception() {
    RaftLog l = newLog(RestoredState.EMPTY);
    l.append(e(1, 1));
    l.commitTo(1);
    l.appliedTo(1);
    assertThrows(RaftSafetyException.class, () -> l.compact(snap(1, 1), 1));
  }

  @Test
  void when_restoring_a_snapshot_then_log_restarts_after_it() {
    RaftLog l = log(1, 1, 1, 1);
    Snapshot s = snap(5, 2);
    l.restore(s);
    assertEquals(6, l.firstIndex());
    assertEquals(5, l.lastIndex());
    assertEquals(2, l.lastTerm());
    assertEquals(5, l.committed());
    assertEquals(5, l.applied());
    assertEquals(5, l.stabled());
    assertSame(s, l.pendingSnapshot());
    assertFalse(l.hasNextCommitted());
    l.snapshotHandedOut();
    assertNull(l.pendingSnapshot());
    assertSame(s, l.latestSnapshot());
    assertThrows(RaftSafetyException.class, () -> l.restore(snap(4, 2)));
  }

  @Test
  void when_pending_snapshot_then_no_committed_entries_are_handed_out() {
    RaftLog l = log(0, 1);
    l.restore(snap(3, 1));
    l.append(e(4, 1));
    l.commitTo(4);
    assertFalse(l.hasNextCommitted());
    assertTrue(l.nextCommitted(100).isEmpty());
    l.snapshotHandedOut();
    assertEquals(List.of(e(4, 1)), l.nextCommitted(100));
  }

  @Test
  void when_restored_from_snapshot_then_positions_start_at_it() {
    RaftLog l = newLog(new RestoredState(new HardState(2, 0, 0), snap(5, 2),
        List.of(e(6, 2)), 5));
    assertEquals(6, l.firstIndex());
    assertEquals(6, l.lastIndex());
    assertEquals(5, l.committed());
    assertEquals(5, l.applied());
    assertEquals(2, l.term(5));
    assertEquals(-1, l.term(4));
    assertEquals(e(6, 2), l.entry(6));
    assertEquals(5, RestoredState.of(HardState.EMPTY, snap(5, 2), List.of()).applied());
    assertEquals(0, RestoredState.of(HardState.EMPTY, null, List.of()).applied());
  }

  static RaftLog fromSnapshot(long index, long term, long... terms) {
    List<Entry> es = new ArrayList<>();
    for (int i = 0; i < terms.length; i++) {
      es.add(e(index + 1 + i, terms[i]));
    }
    long last = terms.length == 0 ? term : terms[terms.length - 1];
    return newLog(new RestoredState(new HardState(last, 0, index), snap(index, term), es,
        index));
  }

  @Test
  void when_snapshot_based_log_then_index_zero_still_has_term_zero() {
    RaftLog l = fromSnapshot(5, 2, 3);
    assertEquals(0, l.term(0));
    assertEquals(-1, l.term(4));
    assertEquals(2, l.term(5));
    assertEquals(3, l.term(6));
    assertEquals(-1, l.term(7));
  }

  @Test
  void when_searching_a_term_down_to_the_snapshot_then_the_snapshot_index_counts() {
    RaftLog l = fromSnapshot(5, 2, 3, 3);
    assertEquals(5, l.lastIndexOfTerm(2, 7));
    assertEquals(7, l.lastIndexOfTerm(3, 7));
    assertEquals(-1, l.lastIndexOfTerm(2, 4)); // below the snapshot: unknown
    assertEquals(-1, l.lastIndexOfTerm(1, 7));
  }

  @Test
  void when_leader_resends_entries_covered_by_our_snapshot_then_they_are_skipped() {
    RaftLog l = fromSnapshot(5, 2);
    assertEquals(7, l.mergeFromLeader(3, List.of(e(4, 1), e(5, 2), e(6, 2), e(7, 3))));
    assertEquals(7, l.lastIndex());
    assertEquals(3, l.term(7));
  }

  @Test
  void when_conflict_after_a_snapshot_then_the_right_suffix_is_truncated() {
    RaftLog l = fromSnapshot(5, 2, 2, 2, 2);
    l.mergeFromLeader(6, List.of(e(7, 3)));
    assertEquals(7, l.lastIndex());
    assertEquals(2, l.term(6));
    assertEquals(3, l.term(7));
    assertEquals(6, l.stabled());
  }

  @Test
  void when_compacting_again_at_the_same_index_then_first_snapshot_is_kept() {
    RaftLog l = log(3, 1, 1, 2);
    l.appliedTo(3);
    Snapshot first = snap(2, 1);
    l.compact(first, 2);
    Snapshot same = snap(2, 1);
    l.compact(same, 2);
    assertSame(first, l.latestSnapshot());
    assertThrows(RaftSafetyException.class, () -> l.compact(snap(2, 9), 2));
  }

  @Test
  void when_a_stored_copy_of_the_latest_snapshot_is_handed_back_then_it_replaces_the_received_one() {
    RaftLog l = log(2, 1, 1);
    Snapshot received = snap(5, 2);
    l.restore(received);
    Snapshot stored = snap(5, 2);
    l.replaceLatestSnapshot(stored);
    assertSame(stored, l.latestSnapshot());
    assertEquals(6, l.firstIndex());
    assertEquals(5, l.committed());
  }

  @Test
  void when_a_stored_copy_is_older_than_the_latest_snapshot_then_it_is_ignored() {
    RaftLog l = log(3, 1, 1, 2);
    l.appliedTo(3);
    Snapshot latest = snap(3, 2);
    l.compact(latest, 3);
    l.replaceLatestSnapshot(snap(2, 1));
    assertSame(latest, l.latestSnapshot());
  }

  @Test
  void when_a_stored_copy_does_not_match_the_latest_snapshot_then_safety_exception() {
    RaftLog none = log(2, 1, 1);
    assertThrows(RaftSafetyException.class, () -> none.replaceLatestSnapshot(snap(1, 1)));
    RaftLog l = log(2, 1, 1);
    l.restore(snap(5, 2));
    assertThrows(RaftSafetyException.class, () -> l.replaceLatestSnapshot(snap(5, 3)));
    assertThrows(RaftSafetyException.class, () -> l.replaceLatestSnapshot(snap(6, 2)));
  }

  @Test
  void when_compact_index_below_current_snapshot_then_only_the_snapshot_is_recorded() {
    RaftLog l = log(3, 1, 1, 2);
    l.appliedTo(3);
    l.compact(snap(2, 1), 2);
    Snapshot later = snap(3, 2);
    l.compact(later, 1);
    assertSame(later, l.latestSnapshot());
    assertEquals(3, l.firstIndex());
    assertEquals(2, l.term(3));
  }

  @Test
  void when_restoring_a_snapshot_at_the_commit_index_then_safety_exception() {
    RaftLog l = log(2, 1, 1);
    assertThrows(RaftSafetyException.class, () -> l.restore(snap(2, 1)));
    l.restore(snap(3, 1));
    assertEquals(3, l.committed());
  }
}
