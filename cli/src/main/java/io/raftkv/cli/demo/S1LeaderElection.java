package io.raftkv.cli.demo;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * Seed scenario 1: with 3 of 7 servers up no leader can be elected (a majority is 4); after the 4th
 * starts, exactly one leader, with votes granted by the 3 others.
 */
final class S1LeaderElection implements Scenario {
  /**
   * How long 3 servers run before the check that none was elected: 10 of the longest election
   * timeouts, so each of them timed out and tried several times.
   */
  static final Duration NO_LEADER_WAIT = DemoCluster.MAX_ELECTION_TIMEOUT.multipliedBy(10);

  @Override
  public int number() {
    return 1;
  }

  @Override
  public String title() {
    return "Leader election: no leader with 3 of 7 servers, exactly one after the 4th starts";
  }

  @Override
  public void run(ScenarioRun run) throws Exception {
    DemoCluster c = run.cluster;
    c.start(1, 2, 3);
    c.awaitServing(DemoCluster.START_WAIT, 1, 2, 3);
    run.step("waiting " + NO_LEADER_WAIT.toMillis() / 1000.0 + " s (10 of the longest election"
        + " timeouts) with 3 of 7 servers up");
    Thread.sleep(NO_LEADER_WAIT.toMillis());
    run.verdict(ElectionChecks.noLeaderElected(run.traces(), "with 3 of 7 servers up"));

    c.start(4);
    DemoCluster.Leader l = c.awaitLeader(DemoCluster.LEADER_WAIT);
    Set<Integer> others = new TreeSet<>(c.runningIds());
    others.remove(l.id());
    var events = run.awaitTraces("LeaderElected by server " + l.id() + " in term " + l.term()
        + " and its granted votes in the traces", Duration.ofSeconds(5),
        ev -> TraceFacts.electedIn(ev, l.term()).contains(l.id())
            && TraceFacts.grantedVoters(ev, l.id(), l.term()).containsAll(others));
    run.verdict(ElectionChecks.onlyLeaderOfTerm(events, l.id(), l.term()));
    run.verdict(ElectionChecks.votesGrantedBy(events, l.id(), l.term(), others));
    run.verdict(ElectionChecks.onlyLeaderUntilNextRound(events, l.id(), l.term()));
  }
}
