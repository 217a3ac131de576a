package io.raftkv.cli.demo;

import io.raftkv.client.OpResult;
import io.raftkv.trace.TraceEvent;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Seed scenarios 7 and 8: 4 servers and a client write Put(k1, v1); late servers join and sync
 * the state; a client connected to the last server added reads v1. Scenario 8 adds one server,
 * kills the leader and waits for the reelection before adding the rest, so they sync from the new
 * leader.
 */
final class S7StateSync implements Scenario {
  private final boolean newLeader;

  S7StateSync(boolean newLeader) {
    this.newLeader = newLeader;
  }

  @Override
  public int number() {
    return newLeader ? 8 : 7;
  }

  @Override
  public String title() {
    return newLeader ? "State syncing from a new leader: Put(k1, v1), add a server, kill the"
        + " leader, add the rest, read through the last one"
        : "State syncing: Put(k1, v1) on 4 servers, start the other 3, read through a new one";
  }

  @Override
  public void run(ScenarioRun run) throws Exception {
    DemoCluster c = run.cluster;
    c.start(1, 2, 3, 4);
    DemoCluster.Leader first = c.awaitLeader(DemoCluster.LEADER_WAIT);
    DemoClient c1 = run.client("client1", S2PutThenGet.FIRST_FOUR);
    long put = c1.put("k1", "v1");
    c1.awaitResults(1, Duration.ofSeconds(30));
    OpResult p = S2PutThenGet.byOpId(c1.arrivals(), put);
    run.verdict("Put(k1, v1) succeeds", p != null && p.ok(), S2PutThenGet.describe(p));

    Set<Integer> late;
    long syncTerm = first.term();
    if (newLeader) {
      c.start(5);
      c.awaitServing(DemoCluster.START_WAIT, 5);
      c.kill(first.id());
      DemoCluster.Leader next = c.awaitLeader(DemoCluster.LEADER_WAIT);
      List<TraceEvent> ev = run.awaitTraces("the new leader's LeaderElected", Duration.ofSeconds(5),
          e -> TraceFacts.electedIn(e, next.term()).contains(next.id()));
      run.verdict("after the leader died, server " + next.id() + " logs LeaderElected for term "
          + next.term(), TraceFacts.electedIn(ev, next.term()).contains(next.id())
          && next.term() > first.term() && next.id() != first.id(),
          "LeaderElected: " + ElectionChecks.describe(TraceFacts.elections(ev)));
      syncTerm = next.term();
      c.start(6, 7);
      late = new TreeSet<>(Set.of(6, 7));
    } else {
      c.start(5, 6, 7);
      late = new TreeSet<>(Set.of(5, 6, 7));
    }
    int last = 7;
    // The new servers up and following the leader before the client comes (else its Get just
    // retries on server 7 until then).
    c.awaitServing(DemoCluster.START_WAIT, late.stream().mapToInt(Integer::intValue).toArray());
    c.awaitLeader(DemoCluster.LEADER_WAIT);
    DemoClient c2 = run.client("client2", List.of(last));
    long get = c2.get("k1");
    c2.awaitResults(1, Duration.ofSeconds(30));
    OpResult g = S2PutThenGet.byOpId(c2.arrivals(), get);
    run.verdict("client2, connected to the last server added (" + last + "), gets value v1",
        g != null && g.ok() && "v1".equals(g.value()), S2PutThenGet.describe(g));

    List<TraceEvent> events = run.awaitTraces("Put(k1, v1) applied on the late servers",
        Duration.ofSeconds(20), ev -> late.stream()
            .allMatch(id -> !TraceFacts.applied(ev, id, "Put(k1,v1)").isEmpty()));
    run.verdict(OpTraceChecks.resultsLogged(events, "client2", c2.arrivals()));
    run.verdict(SyncChecks.appliedOn(events, late, "k1", "v1"));
    run.verdict(SyncChecks.receivedVia(events, "client2", get, last));
    if (newLeader) {
      run.verdict(SyncChecks.syncedInTerm(events, late, syncTerm));
    }
  }
}
