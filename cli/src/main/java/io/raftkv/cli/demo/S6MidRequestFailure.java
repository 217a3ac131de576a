package io.raftkv.cli.demo;

import io.raftkv.client.OpResult;
import io.raftkv.trace.TraceEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Seed scenarios 6 and 9: scenario 4's workload, and before all its requests return, 3 servers on
 * the client's path die (scenario 9 restarts them at once). The results must be identical to the
 * fault-free run, and the client must have connected to another server. Two variants, as the seed
 * suggests: a failing leader (the server the client talks to, the next one in its list, and the
 * leader die) and failing followers only (the client's server, its next, and the one after; the
 * leader lives).
 *
 * <p>The seed ran this on the 4 servers of scenario 4, its cluster growing with the servers it
 * started; ours has 7 configured members, so a majority is 4 and 3 of 4 running servers dying
 * would stop it. This scenario therefore starts all 7, so that 4 survive the 3 kills.
 */
final class S6MidRequestFailure implements Scenario {
  /** How many results arrive before the kill, so that it hits the workload under way. */
  static final int RESULTS_BEFORE_KILL = 2;

  /** Which servers die. */
  enum Victims {
    /** The client's server, its next one, and the leader. */
    LEADER,
    /** The client's server, its next two; all followers. */
    FOLLOWERS
  }

  private final boolean restart;
  private final Victims victims;

  S6MidRequestFailure(boolean restart, Victims victims) {
    this.restart = restart;
    this.victims = victims;
  }

  @Override
  public int number() {
    return restart ? 9 : 6;
  }

  @Override
  public String id() {
    return number() + (victims == Victims.LEADER ? "" : "-followers");
  }

  @Override
  public String title() {
    String who = victims == Victims.LEADER ? "its server, the next one and the leader"
        : "its server and the next two, all followers";
    return restart ? "Mid-request node failure and recovery: as 6, 3 servers (" + who
        + ") killed and restarted at once"
        : "Mid-request node failure: scenario 4's workload, 3 servers on the client's path ("
            + who + ") killed";
  }

  @Override
  public void run(ScenarioRun run) throws Exception {
    DemoCluster c = run.cluster;
    c.start(1, 2, 3, 4, 5, 6, 7);
    DemoCluster.Leader l = c.awaitLeader(DemoCluster.LEADER_WAIT);
    List<Integer> followers = new ArrayList<>(c.runningIds());
    followers.remove((Integer) l.id());
    // The client's list: the victims first (its server, its next, ...), then the others.
    List<Integer> doomed = victims == Victims.LEADER
        ? List.of(followers.get(0), followers.get(1), l.id())
        : List.of(followers.get(0), followers.get(1), followers.get(2));
    List<Integer> order = new ArrayList<>(doomed);
    c.runningIds().stream().filter(id -> !doomed.contains(id)).forEach(order::add);
    int[] killed = doomed.stream().mapToInt(Integer::intValue).toArray();
    run.step("client1 will use servers in the order " + order + "; servers " + doomed
        + " (its first, its next, " + (victims == Victims.LEADER ? "the leader" : "the one after")
        + ") will die mid-run");

    DemoClient c1 = run.client("client1", order);
    Workload w = S4AsyncOrder.WORKLOAD;
    S4AsyncOrder.issue(c1, w);
    c1.awaitResults(RESULTS_BEFORE_KILL, Duration.ofSeconds(30));
    long killedAtMicros = System.currentTimeMillis() * 1000;
    c.kill(killed);
    int returnedByKill = c1.resultsSoFar();
    run.verdict("the servers died before all requests returned", returnedByKill < w.ops().size(),
        (w.ops().size() - returnedByKill) + " of " + w.ops().size()
            + " results still outstanding after the kill");
    if (restart) {
      c.start(killed);
    }
    c1.awaitResults(w.ops().size(), Duration.ofSeconds(90));
    S4AsyncOrder.checkWorkload(run, c1);
    List<Workload.Outcome> faultFree = run.recordedBy("4");
    if (faultFree != null) {
      run.verdict(ResultChecks.identicalTo("the fault-free run (scenario 4)", faultFree,
          c1.arrivals()));
    }
    String six = id().replace("9", "6");
    if (restart && run.recordedBy(six) != null) {
      run.verdict(ResultChecks.identicalTo("scenario " + six + "'s", run.recordedBy(six),
          c1.arrivals()));
    }
    run.verdict(ResultChecks.identicalTo("what a correct store answers (the fault-free"
        + " outcome)", w.expected(), c1.arrivals()));
    run.record(c1.arrivals().stream().filter(OpResult::ok).map(Workload.Outcome::of).toList());

    List<TraceEvent> events = run.traces();
    run.verdict(newConnectionAfterKill(events, "client1", killedAtMicros));
    if (restart) {
      for (int v : killed) {
        c.awaitCaughtUp(v, Duration.ofSeconds(30));
      }
      run.verdict("the restarted servers " + doomed + " caught up with the leader", true,
          "same applied index and state hash");
    }
  }

  /**
   * The client logged a NewServerConnection after its first one (made at the start) and after the
   * kill: it moved to another server.
   */
  static Verdict newConnectionAfterKill(List<TraceEvent> events, String clientId,
      long killedAtMicros) {
    List<TraceEvent> conns = TraceFacts.connections(events, clientId);
    List<TraceEvent> after = conns.stream().skip(1)
        .filter(e -> e.wallMicros() >= killedAtMicros).toList();
    return Verdict.of(clientId + " logs at least one NewServerConnection after the start",
        !after.isEmpty(), conns.size() + " NewServerConnection event(s), to servers "
            + conns.stream().map(e -> String.valueOf(e.fields().get("serverId")))
                .collect(Collectors.joining(", ")));
  }
}
