package io.raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.RequestVote;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Direct checks of the facade that hold whatever the scenario scripts' recorded output says
 * (so a careless {@code -Drewrite=true} cannot bake a safety bug in).
 */
class RaftNodeTest {

  static RaftConfig config(int id, int n) {
    List<Integer> voters = new java.util.ArrayList<>();
    for (int i = 1; i <= n; i++) {
      voters.add(i);
    }
    return new RaftConfig(id, voters, 10, 1, false, false, 256, 1 << 20, 256, 1L << 30, 0,
        1 << 20, 1000, new ScriptHarness.FixedRandom(), java.util.Set.of());
  }

  static RestoredState restored(long term, long commit, long... terms) {
    List<Entry> es = new java.util.ArrayList<>();
    for (int i = 0; i < terms.length; i++) {
      es.add(Entry.normal(i + 1, terms[i], new byte[] {'x'}));
    }
    return new RestoredState(new HardState(term, 0, commit), null, es, 0);
  }

  @Test
  void when_ready_misused_then_illegal_state() {
    RaftNode n = new RaftNode(config(1, 1), RestoredState.EMPTY);
    n.campaign();
    assertTrue(n.hasReady());
    Ready r = n.ready();
    assertFalse(n.hasReady());
    assertThrows(IllegalStateException.class, n::ready);
    Ready other = new Ready(null, null, List.of(), null, List.of(), List.of(), List.of(), false);
    assertThrows(IllegalStateException.class, () -> n.advance(other));
    n.advance(r);
    assertEquals(Role.LEADER, n.status().role());
    assertEquals(1, n.status().commitIndex());
    assertEquals("", n.describeProgress());
    assertEquals(1, n.termAt(1));
    assertEquals(-1, n.termAt(2));
    // The first leader writes the bootstrap configuration to the log as its term-start entry.
    assertEquals(Entry.config(1, 1, Membership.ofVoters(List.of(1)).atIndex(1)), n.entryAt(1));
  }

  @Test
  void when_restored_log_term_beyond_current_term_then_safety_exception() {
    assertThrows(RaftSafetyException.class, () -> new RaftNode(config(1, 3), restored(1, 0, 1, 2)));
  }

  @Test
  void when_follower_asked_to_propose_or_transfer_then_refused() {
    RaftNode n = new RaftNode(config(1, 3), RestoredState.EMPTY);
    ProposeResult r = n.propose(new byte[] {1});
    assertEquals(ProposeResult.Status.NOT_LEADER, r.status());
    assertFalse(n.transferLeadership(2));
    n.reportUnreachable(2);
    n.reportSnapshot(2, true);
    assertFalse(n.hasReady());
  }

  @Test
  void when_message_misrouted_then_ignored() {
    RaftNode n = new RaftNode(config(1, 3), RestoredState.EMPTY);
    n.step(new Heartbeat(2, 3, 5, 0, 0));
    assertEquals(0, n.status().term());
    assertFalse(n.hasReady());
  }

  /**
   * Thesis §4.1: a leader outside this node's latest configuration (added in an entry this node
   * has not received yet) must be able to bring it up to date.
   */
  @Test
  void when_a_leader_outside_the_configuration_sends_then_it_is_followed() {
    RaftNode n = new RaftNode(config(1, 3), RestoredState.EMPTY);
    n.step(new Heartbeat(9, 1, 5, 0, 0));
    assertEquals(5, n.status().term());
    assertEquals(9, n.status().leader());
  }

  /**
   * Figure 8: a leader of term 4 holding 2/2 on a majority must not commit it by counting; only
   * once 3/4 (its own term) is on a majority.
   */
  @Test
  void when_old_term_entry_on_majority_then_not_committed_until_own_term_entry_is() {
    RaftNode n = new RaftNode(config(1, 5), restored(3, 1, 1, 2));
    n.campaign();
    Ready r = n.ready();
    n.advance(r);
    for (int peer = 2; peer <= 3; peer++) {
      n.step(new io.raftkv.raft.message.RequestVoteResponse(peer, 1, 4, false, true));
    }
    assertEquals(Role.LEADER, n.status().role());
    r = n.ready(); // persists 3/4
    n.advance(r);
    n.step(io.raftkv.raft.message.AppendEntriesResponse.accept(2, 1, 4, 2));
    n.step(io.raftkv.raft.message.AppendEntriesResponse.accept(3, 1, 4, 2));
    assertEquals(1, n.status().commitIndex(), "2/2 on 3 of 5 must not commit in term 4");
    n.step(io.raftkv.raft.message.AppendEntriesResponse.accept(2, 1, 4, 3));
    assertEquals(1, n.status().commitIndex(), "3/4 on 2 of 5 is no majority");
    n.step(io.raftkv.raft.message.AppendEntriesResponse.accept(3, 1, 4, 3));
    assertEquals(3, n.status().commitIndex());
  }

  @Test
  void when_leader_entry_not_durable_then_it_does_not_count_for_commit() {
    RaftNode n = new RaftNode(config(1, 3), RestoredState.EMPTY);
    n.campaign();
    n.advance(n.ready());
    n.step(new io.raftkv.raft.message.RequestVoteResponse(2, 1, 1, false, true));
    assertEquals(Role.LEADER, n.status().role());
    Ready r = n.ready();
    AppendEntries sent = (AppendEntries) r.earlyMessages().stream()
        .filter(m -> m.to() == 2).findFirst().orElseThrow();
    assertEquals(List.of(Entry.config(1, 1, Membership.ofVoters(List.of(1, 2, 3)).atIndex(1))),
        sent.entries());
    n.step(io.raftkv.raft.message.AppendEntriesResponse.accept(2, 1, 1, 1));
    assertEquals(0, n.status().commitIndex(), "the leader's copy is not durable yet: 1 of 3");
    n.advance(r);
    assertEquals(1, n.status().commitIndex(), "now durable on the leader too: 2 of 3");
  }

  @Test
  void when_committed_entries_handed_out_then_never_beyond_commit_index() {
    RaftNode n = new RaftNode(config(1, 1), RestoredState.EMPTY);
    n.campaign();
    n.advance(n.ready());
    n.propose(new byte[] {'a'});
    Ready r = n.ready();
    assertEquals(List.of(Entry.config(1, 1, Membership.ofVoters(List.of(1)).atIndex(1))),
        r.committedEntries());
    n.advance(r);
    r = n.ready();
    assertEquals(List.of(Entry.normal(2, 1, new byte[] {'a'})), r.committedEntries());
    n.advance(r);
  }

  @Test
  void when_vote_granted_in_an_already_known_term_then_ready_must_sync() {
    RaftNode n = new RaftNode(config(1, 3), restored(1, 0, 1, 1));
    // term 2 arrives with a shorter log: adopt the term, refuse the vote
    n.step(new RequestVote(2, 1, 2, 1, 1, false, false));
    Ready r = n.ready();
    assertEquals(new HardState(2, 0, 0), r.hardState());
    n.advance(r);
    // same term, up-to-date log: the vote alone changes, and it must be durable before the answer
    n.step(new RequestVote(3, 1, 2, 2, 1, false, false));
    r = n.ready();
    assertEquals(new HardState(2, 3, 0), r.hardState());
    assertTrue(r.mustSync());
    n.advance(r);
    // commit alone changing does not need a sync
    n.step(new AppendEntries(3, 1, 2, 2, 1, List.of(), 1));
    r = n.ready();
    assertEquals(new HardState(2, 3, 1), r.hardState());
    assertFalse(r.mustSync());
  }

  static RaftNode leaderOf3() {
    RaftNode n = new RaftNode(config(1, 3), RestoredState.EMPTY);
    n.campaign();
    n.advance(n.ready());
    n.step(new io.raftkv.raft.message.RequestVoteResponse(2, 1, 1, false, true));
    n.advance(n.ready()); // no-op persisted; AppendEntries to 2 and 3 sent (probe)
    return n;
  }

  @Test
  void when_a_leader_is_asked_to_transfer_to_itself_or_a_stranger_then_it_declines() {
    RaftNode n = leaderOf3();
    org.junit.jupiter.api.Assertions.assertFalse(n.transferLeadership(1));
    org.junit.jupiter.api.Assertions.assertFalse(n.transferLeadership(9));
    assertEquals(0, n.status().transferee());
    assertTrue(n.propose(new byte[] {1}).isAccepted());
  }

  @Test
  void when_message_from_itself_then_leader_refuses_it_and_state_is_unchanged() {
    RaftNode n = leaderOf3();
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> n.step(io.raftkv.raft.message.AppendEntriesResponse.accept(1, 1, 1, 1)));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> n.step(new io.raftkv.raft.message.HeartbeatResponse(1, 1, 1, 0)));
    assertEquals(0, n.status().commitIndex());
  }

  @Test
  void when_probe_answer_does_not_advance_match_then_probe_is_resent() {
    RaftNode n = leaderOf3();
    assertTrue(n.describeProgress().contains("2: PROBE match=0 next=1 paused"),
        n.describeProgress());
    n.step(io.raftkv.raft.message.AppendEntriesResponse.accept(2, 1, 1, 0));
    Ready r = n.ready();
    assertEquals(1, r.earlyMessages().size());
    AppendEntries again = (AppendEntries) r.earlyMessages().get(0);
    assertEquals(2, again.to());
    assertEquals(0, again.prevLogIndex());
    n.advance(r);
  }

  @Test
  void when_transfer_to_unknown_node_then_refused() {
    RaftNode n = leaderOf3();
    assertFalse(n.transferLeadership(9));
    assertFalse(n.transferLeadership(1));
    assertTrue(n.transferLeadership(2));
    assertEquals(2, n.status().transferee());
  }

  /**
   * The Ready contract lets acknowledgements arrive between ready() and advance(). If the last
   * vote for a commit is the leader's own durable copy, the followers must still hear of the new
   * commit index promptly (as they do when a follower's answer completes the majority).
   */
  @Test
  void when_leader_own_persist_completes_majority_then_followers_are_told_the_commit() {
    RaftNode n = leaderOf3();
    n.step(io.raftkv.raft.message.AppendEntriesResponse.accept(2, 1, 1, 1));
    n.advance(n.ready()); // commit 1: the no-op
    n.propose(new byte[] {'a'});
    Ready r = n.ready(); // AppendEntries carrying 2/1 go out; the leader has not synced yet
    n.step(io.raftkv.raft.message.AppendEntriesResponse.accept(2, 1, 1, 2));
    assertEquals(1, n.status().commitIndex());
    n.advance(r);
    assertEquals(2, n.status().commitIndex());
    // The advance alone sends nothing: followers learn it with the next entries or next tick.
    Ready next = n.ready();
    assertTrue(next.earlyMessages().isEmpty() && next.messages().isEmpty(),
        "a commit advance alone must not cost a message per follower: " + next.earlyMessages());
    n.advance(next);
    n.tick();
    Ready ticked = n.ready();
    // Follower 2 holds entry 2; follower 3 never answered (it is probed, and holds nothing).
    assertTrue(ticked.earlyMessages().stream().anyMatch(m -> m.to() == 2
            && (m instanceof AppendEntries a && a.leaderCommit() == 2
            || m instanceof Heartbeat h && h.commit() == 2)),
        "follower 2 must learn commit 2 at the tick: " + ticked.earlyMessages());
  }

  @Test
  void when_entries_follow_a_commit_advance_then_they_carry_it() {
    RaftNode n = leaderOf3();
    n.step(io.raftkv.raft.message.AppendEntriesResponse.accept(2, 1, 1, 1));
    n.advance(n.ready()); // commit 1: the no-op, not yet sent to anyone
    n.propose(new byte[] {'b'});
    Ready r = n.ready();
    // Follower 2 (replicating) gets exactly one message: the new entry, carrying commit 1.
    Entry b = Entry.normal(2, 1, new byte[] {'b'});
    assertEquals(List.of(new AppendEntries(1, 2, 1, 1, 1, List.of(b), 1)),
        r.earlyMessages().stream().filter(m -> m.to() == 2).toList());
  }

  /**
   * Thesis §10.2.1: the leader's AppendEntries may leave before its own write; everything that
   * promises what the Ready stores (a candidate's term and self-vote, a vote, an acknowledgement)
   * waits for the fsync.
   */
  @Test
  void when_ready_is_built_then_only_leader_traffic_may_leave_before_persistence() {
    RaftNode candidate = new RaftNode(config(1, 3), RestoredState.EMPTY);
    candidate.campaign();
    Ready r = candidate.ready();
    assertEquals(List.of(), r.earlyMessages());
    assertEquals(2, r.messages().stream().filter(m -> m instanceof RequestVote).count(),
        "a candidate's RequestVote needs its new term and self-vote durable first (§5.2)");
    candidate.advance(r);

    RaftNode voter = new RaftNode(config(2, 3), RestoredState.EMPTY);
    voter.step(new RequestVote(1, 2, 1, 0, 0, false, false));
    r = voter.ready();
    assertEquals(List.of(), r.earlyMessages());
    assertTrue(r.messages().get(0) instanceof io.raftkv.raft.message.RequestVoteResponse);
    voter.advance(r);
    voter.step(new AppendEntries(1, 2, 1, 0, 0, List.of(Entry.noop(1, 1)), 0));
    r = voter.ready();
    assertEquals(List.of(), r.earlyMessages());
    assertEquals(List.of(io.raftkv.raft.message.AppendEntriesResponse.accept(2, 1, 1, 1)),
        r.messages(), "an acknowledgement promises the entry is durable (§5.3)");

    RaftNode leader = leaderOf3();
    leader.propose(new byte[] {'a'});
    r = leader.ready();
    assertEquals(List.of(), r.messages());
    assertTrue(r.earlyMessages().stream().allMatch(m -> m instanceof AppendEntries),
        r.earlyMessages().toString());
    assertEquals(1, r.entries().size());
  }
}
