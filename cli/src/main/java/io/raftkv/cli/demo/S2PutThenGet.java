package io.raftkv.cli.demo;

import io.raftkv.client.OpResult;
import java.time.Duration;
import java.util.List;

/**
 * Seed scenario 2: Put(k1, v1) then Get(k1) on one client; the Get returns v1 and has the higher
 * OpId; a second client's Get(k1) also returns v1.
 */
final class S2PutThenGet implements Scenario {
  static final List<Integer> FIRST_FOUR = List.of(1, 2, 3, 4);

  @Override
  public int number() {
    return 2;
  }

  @Override
  public String title() {
    return "Get/Put correctness and order: Put(k1, v1) then Get(k1)";
  }

  @Override
  public void run(ScenarioRun run) throws Exception {
    run.cluster.start(1, 2, 3, 4);
    run.cluster.awaitLeader(DemoCluster.LEADER_WAIT);
    DemoClient c1 = run.client("client1", FIRST_FOUR);
    long put = c1.put("k1", "v1");
    long get = c1.get("k1");
    c1.awaitResults(2, Duration.ofSeconds(30));
    OpResult p = byOpId(c1.arrivals(), put);
    OpResult g = byOpId(c1.arrivals(), get);
    run.verdict("Put(k1, v1) succeeds", p != null && p.ok(), describe(p));
    run.verdict("client1's GetResult has value v1", g != null && g.ok() && "v1".equals(g.value()),
        describe(g));
    run.verdict("the Get's OpId is greater than the Put's", p != null && g != null
        && g.opId() > p.opId(), "Put OpId " + put + ", Get OpId " + get);

    DemoClient c2 = run.client("client2", FIRST_FOUR);
    long get2 = c2.get("k1");
    c2.awaitResults(1, Duration.ofSeconds(30));
    OpResult g2 = byOpId(c2.arrivals(), get2);
    run.verdict("client2's GetResult has value v1", g2 != null && g2.ok()
        && "v1".equals(g2.value()), describe(g2));

    var events = run.awaitTraces("result events of both clients", Duration.ofSeconds(5),
        ev -> OpTraceChecks.resultsLogged(ev, "client1", c1.arrivals()).passed()
            && OpTraceChecks.resultsLogged(ev, "client2", c2.arrivals()).passed());
    run.verdict(OpTraceChecks.resultsLogged(events, "client1", c1.arrivals()));
    run.verdict(OpTraceChecks.resultsLogged(events, "client2", c2.arrivals()));
  }

  static OpResult byOpId(List<OpResult> results, long opId) {
    return results.stream().filter(r -> r.opId() == opId).findFirst().orElse(null);
  }

  static String describe(OpResult r) {
    return r == null ? "no result" : DemoClient.describe(r);
  }
}
