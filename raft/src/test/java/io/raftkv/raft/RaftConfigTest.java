package io.raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class RaftConfigTest {
  static final RandomGenerator R = new ScriptHarness.FixedRandom();

  static RaftConfig cfg(int id, List<Integer> voters, int election, int heartbeat, int entries,
      long bytes, int inflight, long inflightBytes, long uncommitted, long apply) {
    return new RaftConfig(id, voters, election, heartbeat, false, false, entries, bytes, inflight,
        inflightBytes, uncommitted, apply, 1000, R, java.util.Set.of());
  }

  static void invalid(String fragment, Executable e) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    assertTrue(ex.getMessage().contains(fragment), ex.getMessage());
    assertTrue(ex.getMessage().startsWith("invalid Raft configuration: "), ex.getMessage());
  }

  @Test
  void when_defaults_then_documented_values() {
    RaftConfig c = RaftConfig.defaults(1, List.of(1, 2, 3), R);
    assertEquals(10, c.electionTimeoutTicks());
    assertEquals(2, c.heartbeatIntervalTicks());
    assertTrue(c.preVote());
    assertTrue(c.checkQuorum());
    assertEquals(256, c.maxEntriesPerMessage());
    assertEquals(1 << 20, c.maxBytesPerMessage());
    assertEquals(64, c.maxInflightMessages());
    assertEquals(16L << 20, c.maxInflightBytes());
    assertEquals(64L << 20, c.maxUncommittedBytes());
    assertEquals(16L << 20, c.maxCommittedBytesPerReady());
  }

  @Test
  void when_copied_with_changes_then_only_those_change() {
    RaftConfig c = RaftConfig.defaults(1, List.of(1, 2, 3), R);
    RaftConfig t = c.withTimeouts(20, 5);
    assertEquals(20, t.electionTimeoutTicks());
    assertEquals(5, t.heartbeatIntervalTicks());
    assertEquals(c.maxInflightMessages(), t.maxInflightMessages());
    RaftConfig p = c.withPreVoteAndCheckQuorum(false, true);
    assertEquals(false, p.preVote());
    assertEquals(true, p.checkQuorum());
    assertEquals(c.electionTimeoutTicks(), p.electionTimeoutTicks());
    RaftConfig f = c.withFlowControl(1, 2, 3, 4);
    assertEquals(1, f.maxEntriesPerMessage());
    assertEquals(2, f.maxBytesPerMessage());
    assertEquals(3, f.maxInflightMessages());
    assertEquals(4, f.maxInflightBytes());
    assertEquals(c.maxUncommittedBytes(), f.maxUncommittedBytes());
  }

  @Test
  void when_voters_list_is_changed_later_then_config_is_unaffected() {
    List<Integer> voters = new ArrayList<>(List.of(1, 2));
    RaftConfig c = RaftConfig.defaults(1, voters, R);
    voters.add(3);
    assertEquals(List.of(1, 2), c.voters());
  }

  @Test
  void when_invalid_values_then_illegal_argument_naming_the_problem() {
    List<Integer> v = List.of(1, 2, 3);
    invalid("id must be positive", () -> cfg(0, List.of(0, 1), 10, 1, 1, 1, 1, 1, 0, 1));
    invalid("must contain this node's id", () -> cfg(4, v, 10, 1, 1, 1, 1, 1, 0, 1));
    invalid("voter ids must be positive", () -> cfg(1, List.of(1, -2), 10, 1, 1, 1, 1, 1, 0, 1));
    invalid("voter ids must be positive", () -> cfg(1, List.of(1, 0), 10, 1, 1, 1, 1, 1, 0, 1));
    invalid("duplicate voter id", () -> cfg(1, List.of(1, 2, 2), 10, 1, 1, 1, 1, 1, 0, 1));
    invalid("electionTimeoutTicks must be > 1", () -> cfg(1, v, 1, 1, 1, 1, 1, 1, 0, 1));
    invalid("heartbeatIntervalTicks must be > 0", () -> cfg(1, v, 10, 0, 1, 1, 1, 1, 0, 1));
    invalid("must be smaller than electionTimeoutTicks",
        () -> cfg(1, v, 10, 10, 1, 1, 1, 1, 0, 1));
    invalid("maxEntriesPerMessage", () -> cfg(1, v, 10, 1, 0, 1, 1, 1, 0, 1));
    invalid("maxBytesPerMessage", () -> cfg(1, v, 10, 1, 1, 0, 1, 1, 0, 1));
    invalid("maxInflightMessages", () -> cfg(1, v, 10, 1, 1, 1, 0, 1, 0, 1));
    invalid("maxInflightBytes", () -> cfg(1, v, 10, 1, 1, 1, 1, 0, 0, 1));
    invalid("maxUncommittedBytes", () -> cfg(1, v, 10, 1, 1, 1, 1, 1, -1, 1));
    invalid("maxCommittedBytesPerReady", () -> cfg(1, v, 10, 1, 1, 1, 1, 1, 0, 0));
    assertThrows(NullPointerException.class, () -> cfg(1, null, 10, 1, 1, 1, 1, 1, 0, 1));
    assertThrows(NullPointerException.class, () -> new RaftConfig(1, v, 10, 1, false, false, 1,
        1, 1, 1, 0, 1, 1000, null, java.util.Set.of()));
    // boundaries that are valid
    cfg(1, List.of(1), 2, 1, 1, 1, 1, 1, 0, 1);
  }
}
