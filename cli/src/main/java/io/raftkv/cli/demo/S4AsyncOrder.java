package io.raftkv.cli.demo;

import io.raftkv.client.OpResult;
import java.time.Duration;
import java.util.List;

/**
 * Seed scenario 4: one client calls a series of Puts and Gets at k1 and a final Get at k2 without
 * waiting; OpIds follow the call order and each Get at k1 returns the latest earlier Put's value.
 */
final class S4AsyncOrder implements Scenario {
  /** The workload of scenarios 4, 6 and 9. */
  static final Workload WORKLOAD = Workload.seedScenario4(10);

  @Override
  public int number() {
    return 4;
  }

  @Override
  public String title() {
    return "Asynchrony and order: " + WORKLOAD.ops().size() + " Puts and Gets at k1, one Get at k2";
  }

  @Override
  public void run(ScenarioRun run) throws Exception {
    run.cluster.start(1, 2, 3, 4);
    run.cluster.awaitLeader(DemoCluster.LEADER_WAIT);
    DemoClient c1 = run.client("client1", S2PutThenGet.FIRST_FOUR);
    issue(c1, WORKLOAD);
    c1.awaitResults(WORKLOAD.ops().size(), Duration.ofSeconds(60));
    checkWorkload(run, c1);
    run.verdict(ResultChecks.identicalTo("what a correct store answers", WORKLOAD.expected(),
        c1.arrivals()));
    run.record(c1.arrivals().stream().filter(OpResult::ok).map(Workload.Outcome::of).toList());
  }

  static void issue(DemoClient c, Workload w) throws InterruptedException {
    for (Workload.Op op : w.ops()) {
      c.call(op);
    }
  }

  /** The seed's expectations for the workload's results, and their match in the traces. */
  static void checkWorkload(ScenarioRun run, DemoClient c1) throws Exception {
    List<OpResult> arrivals = c1.arrivals();
    run.verdict(ResultChecks.opIdsInCallOrder(c1.opIdsByCall()));
    run.verdict(ResultChecks.perKeyArrivalInOpIdOrder(arrivals, WORKLOAD.ops().size()));
    run.verdict(ResultChecks.getsSeeLatestEarlierPut(arrivals, "k1"));
    OpResult k2 = arrivals.stream().filter(r -> r.key().equals("k2")).findFirst().orElse(null);
    run.verdict("Get(k2) returns an empty value", k2 != null && k2.ok() && k2.value() == null,
        k2 == null ? "no result" : DemoClient.describe(k2) + "; it arrived as result "
            + (arrivals.indexOf(k2) + 1) + " of " + arrivals.size() + " (it may overtake k1's)");
    var events = run.awaitTraces("result events of client1", Duration.ofSeconds(5),
        ev -> OpTraceChecks.resultsLogged(ev, "client1", arrivals).passed());
    run.verdict(OpTraceChecks.resultsLogged(events, "client1", arrivals));
  }
}
