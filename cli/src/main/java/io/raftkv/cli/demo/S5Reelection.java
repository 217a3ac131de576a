package io.raftkv.cli.demo;

import io.raftkv.trace.TraceEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Seed scenario 5: 7 of 7 servers elect a leader; 3 servers die, the leader among them; a
 * remaining server starts an election, requests votes of each other server, gets them granted by
 * the 3 other remaining servers and logs LeaderElected.
 */
final class S5Reelection implements Scenario {
  @Override
  public int number() {
    return 5;
  }

  @Override
  public String title() {
    return "Leader reelection: 7 servers, 3 killed including the leader";
  }

  @Override
  public void run(ScenarioRun run) throws Exception {
    DemoCluster c = run.cluster;
    c.start(1, 2, 3, 4, 5, 6, 7);
    DemoCluster.Leader before = c.awaitLeader(DemoCluster.LEADER_WAIT);
    List<TraceEvent> first = run.awaitTraces("LeaderElected", Duration.ofSeconds(5),
        ev -> TraceFacts.electedIn(ev, before.term()).contains(before.id()));
    run.verdict("a LeaderElected event appears (server " + before.id() + ", term " + before.term()
        + ")", TraceFacts.electedIn(first, before.term()).contains(before.id()),
        "LeaderElected: " + ElectionChecks.describe(TraceFacts.elections(first)));

    List<Integer> followers = new ArrayList<>(c.runningIds());
    followers.remove((Integer) before.id());
    c.kill(before.id(), followers.get(0), followers.get(1));
    Set<Integer> remaining = new TreeSet<>(c.runningIds());
    DemoCluster.Leader after = c.awaitLeader(DemoCluster.LEADER_WAIT);
    Set<Integer> others = new TreeSet<>(remaining);
    others.remove(after.id());
    List<TraceEvent> events = run.awaitTraces("the new leader's election in the traces",
        Duration.ofSeconds(5), ev -> TraceFacts.electedIn(ev, after.term()).contains(after.id())
            && TraceFacts.grantedVoters(ev, after.id(), after.term()).containsAll(others));
    run.verdict(ElectionChecks.electionRoundStarted(events, before.term(), remaining));
    run.verdict("the new leader " + after.id() + " is one of the remaining servers " + remaining
        + ", in a later term", remaining.contains(after.id()) && after.term() > before.term(),
        "term " + before.term() + " -> " + after.term());
    Set<Integer> peers = new TreeSet<>(remaining);
    peers.remove(after.id());
    run.verdict(ElectionChecks.requestedVotesOf(events, after.id(), after.term(),
        DemoCluster.SIZE - 1, peers));
    run.verdict(ElectionChecks.votesGrantedBy(events, after.id(), after.term(), others));
    run.verdict(ElectionChecks.onlyLeaderOfTerm(events, after.id(), after.term()));
  }
}
