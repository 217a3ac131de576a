package io.raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendEntriesResponse;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.Message;
import io.raftkv.raft.message.ReadIndexRequest;
import io.raftkv.raft.message.RequestVote;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Malformed messages are refused with a reason and leave the node exactly as it was. */
class MessageValidatorTest {
  private static final byte[] X = {1};

  private static RaftNode follower() {
    RaftConfig cfg = RaftConfig.defaults(2, List.of(1, 2, 3), new SplittableRandom(3));
    return new RaftNode(cfg, RestoredState.of(new HardState(1, 0, 0), null,
        List.of(Entry.normal(1, 1, X))));
  }

  private static void assertRefused(Message m, String problem) {
    RaftNode n = follower();
    NodeStatus before = n.status();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> n.step(m));
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertTrue(e.getMessage().startsWith("malformed " + m.getClass().getSimpleName()),
        e.getMessage());
    assertEquals(before, n.status());
    assertEquals(false, n.hasReady());
  }

  @Test
  void when_entries_are_not_contiguous_then_the_append_is_refused() {
    assertRefused(new AppendEntries(1, 2, 2, 1, 1,
        List.of(Entry.normal(3, 2, X)), 0), "contiguous");
  }

  @Test
  void when_entry_terms_go_backwards_or_beyond_the_leader_then_the_append_is_refused() {
    assertRefused(new AppendEntries(1, 2, 3, 1, 1,
        List.of(Entry.normal(2, 2, X), Entry.normal(3, 1, X)), 0), "terms");
    assertRefused(new AppendEntries(1, 2, 2, 1, 1,
        List.of(Entry.normal(2, 5, X)), 0), "terms");
    assertRefused(new AppendEntries(1, 2, 2, 1, 3, List.of(), 0), "prevLogTerm");
  }

  @Test
  void when_positions_are_negative_or_inconsistent_then_the_message_is_refused() {
    assertRefused(new AppendEntries(1, 2, 2, -1, 0, List.of(), 0), "[0, 2^62]");
    assertRefused(new AppendEntries(1, 2, 2, 0, 1, List.of(), 0), "position 0");
    assertRefused(new RequestVote(3, 2, 2, 5, 0, false, false), "position 0");
    assertRefused(new RequestVote(3, 2, 2, 5, 3, false, false), "campaign term");
    assertRefused(new Heartbeat(1, 2, 2, -4, 0), "commit");
    assertRefused(AppendEntriesResponse.reject(1, 2, 2, -1, 0, 0), "[0, 2^62]");
    assertRefused(new AppendEntries(1, 2, 2, 0, 0, List.of(), -1), "leaderCommit");
  }

  @Test
  void when_ids_or_terms_are_impossible_then_the_message_is_refused() {
    assertRefused(new Heartbeat(2, 2, 2, 0, 0), "itself");
    assertRefused(new Heartbeat(0, 2, 2, 0, 0), "positive");
    assertRefused(new Heartbeat(1, 2, 0, 0, 0), "term must be positive");
    assertRefused(new ReadIndexRequest(1, 2, 4, 9), "term 0");
  }

  @Test
  void when_any_field_is_out_of_range_then_the_message_is_refused_naming_it() {
    assertRefused(new Heartbeat(1, 0, 2, 0, 0), "positive");
    assertRefused(new Heartbeat(1, 2, 2, 0, -1), "read round");
    assertRefused(new io.raftkv.raft.message.HeartbeatResponse(1, 2, 2, -1), "read round");
    assertRefused(new io.raftkv.raft.message.ReadIndexResponse(1, 2, 0, 7, -1, true),
        "read index");
    assertRefused(new InstallSnapshot(1, 2, 3, null), "no snapshot");
    assertRefused(new InstallSnapshot(1, 2, 3,
        new Snapshot(new SnapshotMeta(0, 0, List.of(1, 2, 3)), X)), "index in (0, 2^62]");
    assertRefused(new AppendEntriesResponse(1, 2, 2, true, -1, 0, 0, 0), "[0, 2^62]");
    assertRefused(AppendEntriesResponse.reject(1, 2, 2, 3, -1, 0), "[0, 2^62]");
    assertRefused(AppendEntriesResponse.reject(1, 2, 2, 3, 1, -1), "[0, 2^62]");
  }

  @Test
  void when_fields_sit_exactly_on_their_limits_then_the_message_is_accepted() {
    RaftNode n = follower();
    // a vote request whose last log term equals its campaign term (a pre-vote can do that)
    n.step(new RequestVote(3, 2, 2, 5, 2, true, false));
    n.step(new io.raftkv.raft.message.HeartbeatResponse(3, 2, 2, 0));
    n.step(new io.raftkv.raft.message.ReadIndexResponse(1, 2, 0, 7, 0, false));
    n.step(new InstallSnapshot(1, 2, 3, new Snapshot(new SnapshotMeta(1, 1, List.of(1, 2, 3)), X)));
    assertTrue(n.hasReady());
  }

  @Test
  void when_a_snapshot_claims_a_later_term_than_its_sender_then_it_is_refused() {
    Snapshot snap = new Snapshot(new SnapshotMeta(5, 9, List.of(1, 2, 3)), X);
    assertRefused(new InstallSnapshot(1, 2, 3, snap), "snapshot");
  }

  @Test
  void when_a_follower_claims_to_match_beyond_the_leaders_log_then_the_answer_is_refused() {
    RaftNode n = RaftNodeTest.leaderOf3();
    long commit = n.status().commitIndex();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> n.step(AppendEntriesResponse.accept(2, 1, 1, 99)));
    assertTrue(e.getMessage().contains("beyond the leader's last index"), e.getMessage());
    assertEquals(commit, n.status().commitIndex());
  }

  /**
   * Issue 12.B: one AppendEntries with term 2^63-1 (uint64 on the wire) made every node adopt it;
   * no node could campaign again (term + 1 overflows) and the term was durable: one packet bricked
   * the cluster for good. Terms beyond the bound, and jumps beyond 2^32, are refused as malformed.
   */
  @Test
  void when_a_term_is_extreme_then_it_is_refused_and_the_node_can_still_elect() {
    for (long term : new long[] {Long.MAX_VALUE, RaftConfig.MAX_TERM + 1, Long.MIN_VALUE, -1}) {
      assertRefused(new AppendEntries(1, 2, term, 0, 0, List.of(), 0), "term");
      assertRefused(new RequestVote(3, 2, term, 0, 0, false, false), "term");
      assertRefused(new io.raftkv.raft.message.HeartbeatResponse(3, 2, term, 0), "term");
    }
    assertRefused(new AppendEntries(1, 2, 1 + RaftConfig.MAX_TERM_JUMP + 1, 0, 0, List.of(), 0),
        "more than 2^32 above");
    assertRefused(new AppendEntries(1, 2, 2, Long.MAX_VALUE, 1, List.of(), 0), "2^62");
    assertRefused(new AppendEntries(1, 2, 2, 0, 0, List.of(), Long.MAX_VALUE), "2^62");
    assertRefused(new Heartbeat(1, 2, 2, 0, Long.MAX_VALUE), "2^62");
    assertRefused(AppendEntriesResponse.accept(2, 1, 2, Long.MAX_VALUE), "2^62");
    // after all that, the follower still campaigns in term 2 as if nothing had arrived
    RaftNode n = follower();
    n.step(new AppendEntries(1, 2, 1 + RaftConfig.MAX_TERM_JUMP, 0, 0, List.of(), 0));
    assertEquals(1 + RaftConfig.MAX_TERM_JUMP, n.status().term(), "a jump of exactly 2^32 is valid");
  }

  @Test
  void when_a_node_reaches_the_largest_term_then_it_does_not_campaign_past_it() {
    RestoredState atBound = RestoredState.of(
        new HardState(RaftConfig.MAX_TERM, RaftConfig.NONE, 0), null, List.of());
    RaftNode n = new RaftNode(RaftConfig.defaults(2, List.of(1, 2, 3),
        new java.util.SplittableRandom(1)), atBound);
    n.campaign();
    assertEquals(RaftConfig.MAX_TERM, n.status().term());
    assertEquals(Role.FOLLOWER, n.status().role());
    RestoredState beyond = RestoredState.of(
        new HardState(Long.MAX_VALUE, RaftConfig.NONE, 0), null, List.of());
    RaftSafetyException e = assertThrows(RaftSafetyException.class, () -> new RaftNode(
        RaftConfig.defaults(2, List.of(1, 2, 3), new java.util.SplittableRandom(1)), beyond));
    assertTrue(e.getMessage().contains("largest valid term"), e.getMessage());
  }
}
