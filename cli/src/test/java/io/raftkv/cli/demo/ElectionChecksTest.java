package io.raftkv.cli.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The election verdicts of scenarios 1 and 5 on doctored traces: they pass and they fail. */
class ElectionChecksTest {
  @Test
  void when_no_server_logs_LeaderElected_then_the_no_leader_verdict_passes() {
    var ev = new Events().add("raft1", "RequestVote", "term", 2L, "id", 1).list();
    assertTrue(ElectionChecks.noLeaderElected(ev, "with 3 of 7 up").passed());
  }

  @Test
  void when_a_server_logs_LeaderElected_with_3_of_7_up_then_the_no_leader_verdict_fails() {
    var ev = new Events().election(2, 3, 1, 3).list();
    var v = ElectionChecks.noLeaderElected(ev, "with 3 of 7 up");
    assertFalse(v.passed());
    assertTrue(v.evidence().contains("server 2"), v.evidence());
  }

  @Test
  void when_the_three_others_granted_their_votes_then_the_votes_verdict_passes() {
    var ev = new Events().election(4, 5, 1, 2, 3).list();
    assertTrue(ElectionChecks.votesGrantedBy(ev, 4, 5, Set.of(1, 2, 3)).passed());
    assertTrue(ElectionChecks.onlyLeaderOfTerm(ev, 4, 5).passed());
    assertTrue(ElectionChecks.onlyLeaderUntilNextRound(ev, 4, 5).passed());
  }

  @Test
  void when_a_vote_was_refused_or_for_another_term_then_the_votes_verdict_fails() {
    var refused = new Events().election(4, 5, 1, 2)
        .add("raft3", "RequestVoteRes", "voteGranted", false, "serverId", 3,
            "candidateServerId", 4, "term", 5L).list();
    assertFalse(ElectionChecks.votesGrantedBy(refused, 4, 5, Set.of(1, 2, 3)).passed());
    var otherTerm = new Events().election(4, 5, 1, 2)
        .add("raft3", "RequestVoteRes", "voteGranted", true, "serverId", 3,
            "candidateServerId", 4, "term", 4L).list();
    assertFalse(ElectionChecks.votesGrantedBy(otherTerm, 4, 5, Set.of(1, 2, 3)).passed());
  }

  @Test
  void when_only_pre_votes_were_granted_then_the_votes_and_request_verdicts_fail() {
    var ev = new Events().preVote(4, 5, 1, 2, 3)
        .add("raft4", "LeaderElected", "serverId", 4, "term", 5L).list();
    assertFalse(ElectionChecks.votesGrantedBy(ev, 4, 5, Set.of(1, 2, 3)).passed());
    assertFalse(ElectionChecks.requestedVotesOf(ev, 4, 5, 3, Set.of(1, 2, 3)).passed());
    assertFalse(ElectionChecks.electionRoundStarted(ev, 4, Set.of(4)).passed());
  }

  @Test
  void when_a_second_server_logs_LeaderElected_in_the_same_term_then_the_one_leader_verdicts_fail() {
    var ev = new Events().election(4, 5, 1, 2, 3)
        .add("raft1", "LeaderElected", "serverId", 1, "term", 5L).list();
    assertFalse(ElectionChecks.onlyLeaderOfTerm(ev, 4, 5).passed());
    assertFalse(ElectionChecks.onlyLeaderUntilNextRound(ev, 4, 5).passed());
  }

  @Test
  void when_another_server_is_elected_later_after_its_own_round_then_only_leader_still_passes() {
    var ev = new Events().election(4, 5, 1, 2, 3).election(1, 6, 2, 3, 4).list();
    assertTrue(ElectionChecks.onlyLeaderUntilNextRound(ev, 4, 5).passed());
    var noRound = new Events().election(4, 5, 1, 2, 3)
        .add("raft1", "LeaderElected", "serverId", 1, "term", 6L).list();
    assertFalse(ElectionChecks.onlyLeaderUntilNextRound(noRound, 4, 5).passed());
  }

  @Test
  void when_the_new_leader_requested_votes_of_every_peer_then_the_request_verdict_passes() {
    var ev = new Events().election(5, 3, 1, 2, 4, 6, 7, 3).list();
    assertTrue(ElectionChecks.requestedVotesOf(ev, 5, 3, 6, Set.of(1, 2, 4)).passed());
    assertTrue(ElectionChecks.electionRoundStarted(ev, 2, Set.of(1, 2, 4, 5)).passed());
    assertFalse(ElectionChecks.electionRoundStarted(ev, 3, Set.of(1, 2, 4, 5)).passed());
  }

  @Test
  void when_a_running_peer_never_received_the_request_then_the_request_verdict_fails() {
    var ev = new Events().election(5, 3, 1, 2).list();
    assertFalse(ElectionChecks.requestedVotesOf(ev, 5, 3, 6, Set.of(1, 2, 4)).passed());
  }
}
