package io.raftkv.sim;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.NodeStatus;
import io.raftkv.raft.RaftConfig;
import io.raftkv.raft.RaftNode;
import io.raftkv.raft.Ready;
import io.raftkv.raft.RestoredState;
import io.raftkv.raft.Role;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The checker must catch each kind of violation: a checker that cannot fail proves nothing. */
class SafetyCheckerTest {
  private final SafetyChecker checker = new SafetyChecker();

  private static Entry e(long index, long term, String data) {
    return Entry.normal(index, term, data.getBytes(StandardCharsets.US_ASCII));
  }

  private static NodeStatus leader(int id, long term, long first, long last) {
    return new NodeStatus(id, term, id, Role.LEADER, id, first, last, term, 0, 0, last, 0, 0, false,
        io.raftkv.raft.Membership.ofVoters(List.of(1, 2, 3)));
  }

  private static RaftNode nodeWithLog(int id, List<Entry> log) {
    long term = log.isEmpty() ? 1 : log.get(log.size() - 1).term();
    RaftConfig cfg = RaftConfig.defaults(id, List.of(1, 2, 3), new SplittableRandom(1));
    return new RaftNode(cfg, RestoredState.of(new HardState(term, 0, 0), null, log));
  }

  @Test
  void when_two_nodes_lead_one_term_then_election_safety_fails() {
    RaftNode n = nodeWithLog(1, List.of());
    checker.onLeader(1, leader(1, 3, 1, 0), n::termAt);
    InvariantViolation v = assertThrows(InvariantViolation.class,
        () -> checker.onLeader(2, leader(2, 3, 1, 0), n::termAt));
    assertTrue(v.getMessage().contains("Election Safety"), v.getMessage());
  }

  @Test
  void when_a_new_leader_lacks_a_committed_entry_then_leader_completeness_fails() {
    checker.onCommit(1, 0, 2, 2);
    checker.onApplied(1, e(1, 1, "a"), 11);
    checker.onApplied(1, e(2, 2, "b"), 12);
    RaftNode stale = nodeWithLog(3, List.of(e(1, 1, "a"), e(2, 3, "x")));
    InvariantViolation v = assertThrows(InvariantViolation.class,
        () -> checker.onLeader(3, leader(3, 4, 1, 2), stale::termAt));
    assertTrue(v.getMessage().contains("Leader Completeness"), v.getMessage());
    RaftNode shorter = nodeWithLog(2, List.of(e(1, 1, "a")));
    assertThrows(InvariantViolation.class, () -> checker.onLeader(2, leader(2, 5, 1, 1), shorter::termAt));
    RaftNode good = nodeWithLog(1, List.of(e(1, 1, "a"), e(2, 2, "b")));
    assertDoesNotThrow(() -> checker.onLeader(1, leader(1, 6, 1, 2), good::termAt));
  }

  @Test
  void when_a_leader_of_an_older_term_lacks_entries_committed_in_a_newer_one_then_that_is_allowed() {
    // Committed in term 7; a leader of term 6 elected afterwards (it won its votes before term 7
    // began) may lack them: it is deposed as soon as it meets term 7.
    checker.onCommit(2, 0, 2, 7);
    checker.onApplied(2, e(1, 7, "a"), 11);
    checker.onApplied(2, e(2, 7, "b"), 12);
    RaftNode old = nodeWithLog(3, List.of());
    assertDoesNotThrow(() -> checker.onLeader(3, leader(3, 6, 1, 0), old::termAt));
    assertThrows(InvariantViolation.class, () -> checker.onLeader(3, leader(3, 8, 1, 0), old::termAt));
  }

  @Test
  void when_two_logs_hold_different_commands_at_one_index_and_term_then_log_matching_fails() {
    MemoryStore s1 = storeWith(e(1, 1, "a"), e(2, 2, "b"));
    MemoryStore s2 = storeWith(e(1, 1, "a"), e(2, 2, "c"));
    checker.onPersisted(1, s1, List.of(e(1, 1, "a"), e(2, 2, "b")));
    InvariantViolation v = assertThrows(InvariantViolation.class,
        () -> checker.onPersisted(2, s2, List.of(e(1, 1, "a"), e(2, 2, "c"))));
    assertTrue(v.getMessage().contains("Log Matching"), v.getMessage());
  }

  @Test
  void when_equal_entries_follow_different_terms_then_log_matching_fails() {
    MemoryStore s1 = storeWith(e(1, 1, "a"), e(2, 3, "b"));
    MemoryStore s2 = storeWith(e(1, 2, "a"), e(2, 3, "b"));
    checker.onPersisted(1, s1, List.of(e(2, 3, "b")));
    assertThrows(InvariantViolation.class, () -> checker.onPersisted(2, s2, List.of(e(2, 3, "b"))));
  }

  @Test
  void when_two_nodes_apply_different_entries_at_one_index_then_state_machine_safety_fails() {
    checker.onApplied(1, e(1, 1, "a"), 100);
    assertDoesNotThrow(() -> checker.onApplied(2, e(1, 1, "a"), 100));
    InvariantViolation v = assertThrows(InvariantViolation.class,
        () -> checker.onApplied(3, e(1, 2, "z"), 200));
    assertTrue(v.getMessage().contains("State Machine Safety"), v.getMessage());
  }

  @Test
  void when_commit_goes_down_or_a_read_is_stale_then_the_check_fails() {
    assertThrows(InvariantViolation.class, () -> checker.onCommit(1, 5, 4, 1));
    assertDoesNotThrow(() -> checker.onCommit(1, 5, 5, 1));
    assertThrows(InvariantViolation.class, () -> checker.onRead(1, 9, 3, 4));
    assertDoesNotThrow(() -> checker.onRead(1, 9, 4, 4));
  }

  @Test
  void when_a_node_stores_a_second_vote_in_one_term_across_a_crash_then_it_fails() {
    MemoryStore s = new MemoryStore();
    s.persist(ready(new HardState(2, 1, 0)));
    s.persist(ready(new HardState(2, 1, 0)));
    InvariantViolation v = assertThrows(InvariantViolation.class,
        () -> s.persist(ready(new HardState(2, 3, 0))));
    assertTrue(v.getMessage().contains("one vote per term"), v.getMessage());
  }

  private static Ready ready(HardState hs) {
    return new Ready(null, hs, List.of(), null, List.of(), List.of(), List.of(), true);
  }

  private static MemoryStore storeWith(Entry... entries) {
    MemoryStore s = new MemoryStore();
    s.persist(new Ready(null, null, List.of(entries), null, List.of(), List.of(), List.of(), true));
    return s;
  }
}
