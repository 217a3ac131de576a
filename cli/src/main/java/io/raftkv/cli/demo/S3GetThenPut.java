package io.raftkv.cli.demo;

import io.raftkv.client.OpResult;
import java.time.Duration;

/**
 * Seed scenario 3: Get(k2) then Put(k2, v2) on one client; the Get returns an empty value and has
 * the lower OpId.
 */
final class S3GetThenPut implements Scenario {
  @Override
  public int number() {
    return 3;
  }

  @Override
  public String title() {
    return "Get/Put correctness and order: Get(k2) then Put(k2, v2)";
  }

  @Override
  public void run(ScenarioRun run) throws Exception {
    run.cluster.start(1, 2, 3, 4);
    run.cluster.awaitLeader(DemoCluster.LEADER_WAIT);
    DemoClient c1 = run.client("client1", S2PutThenGet.FIRST_FOUR);
    long get = c1.get("k2");
    long put = c1.put("k2", "v2");
    c1.awaitResults(2, Duration.ofSeconds(30));
    OpResult g = S2PutThenGet.byOpId(c1.arrivals(), get);
    OpResult p = S2PutThenGet.byOpId(c1.arrivals(), put);
    run.verdict("the GetResult has an empty value", g != null && g.ok() && g.value() == null,
        S2PutThenGet.describe(g));
    run.verdict("Put(k2, v2) succeeds", p != null && p.ok(), S2PutThenGet.describe(p));
    run.verdict("the Get's OpId is lower than the Put's", g != null && p != null
        && g.opId() < p.opId(), "Get OpId " + get + ", Put OpId " + put);
    var events = run.awaitTraces("result events of client1", Duration.ofSeconds(5),
        ev -> OpTraceChecks.resultsLogged(ev, "client1", c1.arrivals()).passed());
    run.verdict(OpTraceChecks.resultsLogged(events, "client1", c1.arrivals()));
  }
}
