package io.raftkv.nemesis;

import io.raftkv.api.MemberRoles;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.client.OpOptions;
import io.raftkv.client.RaftKvClient;
import io.raftkv.lincheck.CheckResult;
import io.raftkv.lincheck.HistoryIO;
import io.raftkv.lincheck.HistoryRecorder;
import io.raftkv.lincheck.LinearizabilityChecker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * One run: start the cluster, run the clients, inject the schedule's faults, heal, wait for the
 * clients, wait for every node to converge on the same applied index and state hash, read every
 * key, check the history. Every wait is bounded; the run always ends.
 */
final class NemesisRun {

  /** What to run. */
  record Options(int nodes, int clients, int keys, Duration length, long seed, Path dir,
      boolean keep, String classPath, boolean unsafeReads) {}

  /** How long a run waits for its first leader before it fails. */
  static final Duration FIRST_LEADER_TIMEOUT = Duration.ofSeconds(120);

  /**
   * What happened.
   *
   * @param faults           faults that lasted their documented duration
   * @param faultsCutShort   faults healed early or that did not take effect (not in
   *                         {@code faults})
   * @param shortestFault    the shortest counted fault, ms (0 if none)
   * @param longestFault     the longest counted fault, ms
   * @param firstLeaderMillis from starting the processes to the first leader known (-1: none)
   * @param extendedMillis   how much later than planned the last fault healed
   */
  record Result(long seed, boolean passed, long operations, long ok, long failed, long ambiguous,
      int faults, long clientFailovers, int leadersSeen, String verdict, List<String> problems,
      Path dir, long elapsedMillis, java.util.Map<FaultSchedule.Kind, Integer> faultKinds,
      int faultsCutShort, long shortestFault, long longestFault, long firstLeaderMillis,
      long extendedMillis) {

    /** A run that ended before it began (a harness error). */
    static Result harnessError(long seed, Path dir, String problem) {
      return new Result(seed, false, 0, 0, 0, 0, 0, 0, 0, "-", List.of(problem), dir, 0,
          java.util.Map.of(), 0, 0, 0, -1, 0);
    }

    String summary() {
      String leader = firstLeaderMillis < 0 ? "no first leader"
          : String.format("first leader after %.1f s", firstLeaderMillis / 1000.0);
      String faultText = faults == 0 ? "0 faults" : String.format("%d faults of %.1f-%.1f s",
          faults, shortestFault / 1000.0, longestFault / 1000.0);
      if (faultsCutShort > 0) {
        faultText += ", " + faultsCutShort + " CUT SHORT (not counted)";
      }
      if (extendedMillis >= 500) {
        faultText += String.format(", run extended %.1f s", extendedMillis / 1000.0);
      }
      return String.format("seed %d: %s | %d ops (%d ok, %d failed, %d ambiguous) | %s | %s | "
              + "%d client failovers, %d leaders seen | lincheck %s | %.1f s%s%s", seed,
          passed ? "PASS" : "FAIL", operations, ok, failed, ambiguous, leader, faultText,
          clientFailovers, leadersSeen, verdict, elapsedMillis / 1000.0,
          problems.isEmpty() ? "" : " | " + String.join("; ", problems),
          passed ? "" : " | kept in " + dir);
    }
  }

  private final Options o;
  private final PrintStream out;
  private final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
  private final TreeSet<String> leaders = new TreeSet<>();
  private final StringBuilder events = new StringBuilder();
  private long t0;

  NemesisRun(Options options, PrintStream out) {
    this.o = options;
    this.out = out;
  }

  private void event(String s) {
    String line = String.format("%7.3f %s", (System.nanoTime() - t0) / 1e9, s);
    synchronized (events) {
      events.append(line).append('\n');
    }
  }

  Result run() throws IOException, InterruptedException {
    t0 = System.nanoTime();
    Path dir = o.dir();
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("run.txt"), o.toString() + "\n");
    FaultSchedule schedule = FaultSchedule.generate(o.seed(), o.length().toMillis());
    HistoryRecorder recorder = new HistoryRecorder(System::nanoTime);
    long clientFailovers = 0;
    Workload w = null;
    String verdict = "-";
    try (NemesisCluster cluster = new NemesisCluster(dir, o.nodes(), schedule.spareIds(),
        o.classPath())) {
      membership = new MembershipFaults(cluster, membershipContext(cluster));
      for (int i = 1; i <= o.nodes(); i++) {
        cluster.start(i);
      }
      event("started " + o.nodes() + " nodes");
      // the run's clock (faults, clients) starts once a leader is known: JVMs starting on a
      // busy machine can take many seconds to elect one
      int first = awaitLeader(cluster, FIRST_LEADER_TIMEOUT);
      if (first == 0) {
        checkCrashes(cluster);
        problems.add("no leader within " + FIRST_LEADER_TIMEOUT.toSeconds()
            + " s of starting the nodes (running " + cluster.runningNodes() + ", answering "
            + answering(cluster) + "); no fault injected, no client started");
        return finish(recorder, cluster, null, 0, verdict, null);
      }
      firstLeaderMillis = (System.nanoTime() - t0) / 1_000_000;
      event("leader " + first + " after " + firstLeaderMillis + " ms; faults and clients start");
      w = new Workload(o.clients(), o.keys(), cluster.clientAddresses(), o.seed() ^ 0x5DEECE66DL,
          recorder, o.unsafeReads());
      w.start();
      monitor = new Thread(() -> monitorLeaders(cluster), "nemesis-leader-monitor");
      monitor.setDaemon(true);
      monitor.start();
      FaultPhase.Result phase = FaultPhase.run(schedule, FaultPhase.SYSTEM,
          e -> inject(cluster, e), oc -> {
            event("heal " + oc.episode().index() + " after " + oc.lastedMillis() + " ms"
                + (oc.full() ? "" : oc.injected() ? " CUT SHORT (planned "
                + oc.episode().durationMillis() + " ms)" : " (the fault did not take effect)"));
            checkCrashes(cluster);
          });
      if (phase.interrupted()) {
        throw new InterruptedException("interrupted during the fault phase");
      }
      counted(phase).forEach(oc -> faultKinds.merge(oc.episode().kind(), 1, Integer::sum));
      healAll(cluster);
      event("all healed" + (phase.extendedMillis() > 0 ? " (the run extended by "
          + phase.extendedMillis() + " ms: the faults took longer than planned)" : "")
          + "; clients keep going for " + (phase.stopClientsAt() - FaultPhase.SYSTEM.nowMillis())
          + " ms");
      FaultPhase.SYSTEM.sleepUntil(phase.stopClientsAt());
      if (!w.stopAndAwait(Workload.DEADLINE.plusSeconds(20))) {
        problems.add("clients did not finish within " + Workload.DEADLINE.plusSeconds(20)
            + " of being asked to stop");
      }
      clientFailovers = w.failovers.get();
      event("clients stopped");
      if (w.unexpected.get() > 0) {
        problems.add(w.unexpected.get() + " unexpected client errors, e.g. "
            + w.unexpectedErrors());
      }
      stopMonitor();
      converge(cluster);
      membership.checkFinalConfiguration();
      if (stillRejoining(cluster) != 0) {
        event("node " + wipedNode + " (wiped) has not logged that it rejoined");
      }
      finalReads(cluster, recorder);
      checkCrashes(cluster);
      return finish(recorder, cluster, phase, clientFailovers, verdict, w);
    } finally {
      stopMonitor();
      if (w != null) {
        w.close();
      }
    }
  }

  private MembershipFaults membership;

  /** What the membership faults see of this run. */
  private MembershipFaults.Context membershipContext(NemesisCluster c) {
    return new MembershipFaults.Context() {
      @Override
      public void event(String line) {
        NemesisRun.this.event(line);
      }

      @Override
      public void problem(String line) {
        problems.add(line);
        NemesisRun.this.event(line);
      }

      @Override
      public int leader() {
        try {
          // right after a heal an election may be under way
          return awaitLeader(c, Duration.ofSeconds(5));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return 0;
        }
      }

      @Override
      public int rejoining() {
        return stillRejoining(c);
      }

      @Override
      public void forget(int id) {
        if (wipedNode == id) {
          wipedNode = 0;
        }
      }
    };
  }

  /** The faults that lasted their duration and, for membership faults, completed. */
  private List<FaultPhase.Outcome> counted(FaultPhase.Result phase) {
    if (phase == null) {
      return List.of();
    }
    java.util.Set<Integer> incomplete = membership.incomplete();
    return phase.full().stream().filter(oc -> !incomplete.contains(oc.episode().index()))
        .toList();
  }

  private final java.util.Map<FaultSchedule.Kind, Integer> faultKinds =
      new java.util.EnumMap<>(FaultSchedule.Kind.class);
  private volatile Thread monitor;
  private long firstLeaderMillis = -1;
  private volatile boolean monitoring = true;

  private final java.util.Map<Long, Integer> leaderOfTerm = new java.util.HashMap<>();

  /** Records a leader seen; two leaders in one term break Election Safety. */
  private void sawLeader(long term, int id) {
    synchronized (leaders) {
      if (leaders.add(term + ":" + id)) {
        event("leader " + id + " in term " + term);
      }
      Integer other = leaderOfTerm.putIfAbsent(term, id);
      if (other != null && other != id) {
        String p = "ELECTION SAFETY: nodes " + other + " and " + id + " both led term " + term;
        synchronized (problems) {
          if (!problems.contains(p)) {
            problems.add(p);
          }
        }
        event(p);
      }
    }
  }

  private void stopMonitor() throws InterruptedException {
    monitoring = false;
    Thread m = monitor;
    if (m != null) {
      m.join(10_000);
    }
  }

  /** Polls every node for its own role every 300 ms; each (term, leader) pair seen is kept. */
  private void monitorLeaders(NemesisCluster cluster) {
    while (monitoring) {
      for (int id : cluster.members()) {
        if (!monitoring) {
          break;
        }
        cluster.self(id, 500).filter(MemberRoles::isLeader)
            .ifPresent(m -> {
              sawLeader(m.getTerm(), m.getId());
            });
      }
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private Result finish(HistoryRecorder recorder, NemesisCluster cluster,
      FaultPhase.Result phase, long clientFailovers, String verdictIn, Workload w)
      throws IOException {
    String verdict = verdictIn;
    var history = recorder.history();
    if (problems.isEmpty() || !history.isEmpty()) {
      java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
      CheckResult r = LinearizabilityChecker.checkAndReport(history, Duration.ofSeconds(60),
          o.dir(), new PrintStream(buf, true, StandardCharsets.UTF_8));
      verdict = r.verdict().name();
      if (r.verdict() != CheckResult.Verdict.LINEARIZABLE) {
        problems.add("history " + verdict + " (failing keys " + r.failingKeys() + ", undecided "
            + r.undecidedKeys() + ")");
        Files.writeString(o.dir().resolve("lincheck-report.txt"),
            buf.toString(StandardCharsets.UTF_8));
      }
    }
    long okN = w == null ? 0 : w.ok.get();
    long failedN = w == null ? 0 : w.failed.get();
    long ambN = w == null ? 0 : w.ambiguous.get();
    boolean passed = problems.isEmpty();
    synchronized (events) {
      Files.writeString(o.dir().resolve("events.txt"), events.toString());
    }
    if (!passed || o.keep()) {
      HistoryIO.write(history, o.dir().resolve("history.txt"));
    }
    if (!passed) {
      Files.writeString(o.dir().resolve("problems.txt"), String.join("\n", problems) + "\n"
          + cluster.logTails(20));
    }
    List<FaultPhase.Outcome> full = counted(phase);
    long shortest = full.stream().mapToLong(FaultPhase.Outcome::lastedMillis).min().orElse(0);
    long longest = full.stream().mapToLong(FaultPhase.Outcome::lastedMillis).max().orElse(0);
    return new Result(o.seed(), passed, okN + failedN + ambN, okN, failedN, ambN, full.size(),
        clientFailovers, leaders.size(), verdict, List.copyOf(problems), o.dir(),
        (System.nanoTime() - t0) / 1_000_000, new java.util.EnumMap<>(faultKinds),
        phase == null ? 0 : phase.outcomes().size() - full.size(), shortest, longest, firstLeaderMillis,
        phase == null ? 0 : phase.extendedMillis());
  }

  private void checkCrashes(NemesisCluster cluster) {
    for (String c : cluster.crashes()) {
      if (!problems.contains(c)) {
        problems.add(c);
        event("CRASH " + c);
      }
    }
  }

  /** The nodes that answer Status now, for a report. */
  private static List<Integer> answering(NemesisCluster cluster) {
    List<Integer> out = new ArrayList<>();
    for (int id : cluster.runningNodes()) {
      if (cluster.self(id, 1000).isPresent()) {
        out.add(id);
      }
    }
    return out;
  }

  private int leader(NemesisCluster cluster) {
    int l = cluster.currentLeader();
    if (l != 0) {
      Optional<MemberStatus> m = cluster.self(l, 1000);
      m.filter(MemberRoles::isLeader)
          .ifPresent(s -> sawLeader(s.getTerm(), s.getId()));
    }
    return l;
  }

  private int awaitLeader(NemesisCluster cluster, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      int l = leader(cluster);
      if (l != 0) {
        return l;
      }
      Thread.sleep(200);
    }
    return 0;
  }

  /** Injects one episode's fault; returns what heals it. */
  private Runnable inject(NemesisCluster c, FaultSchedule.Episode e) {
    if (e.kind().membership()) {
      return membership.inject(e);
    }
    SplittableRandom r = new SplittableRandom(e.seed());
    List<Integer> all = new ArrayList<>(c.members());
    int n = all.size();
    Collections.shuffle(all, new java.util.Random(r.nextLong()));
    int random = all.get(0);
    boolean needsLeader = switch (e.kind()) {
      case KILL_LEADER, PAUSE_LEADER, ISOLATE_LEADER, PARTITION_HALVES, BRIDGE, ONE_WAY,
          WIPE_FOLLOWER -> true;
      default -> false;
    };
    int leader = needsLeader ? leader(c) : 0;
    int target = leader != 0 ? leader : random;
    List<Integer> rest = new ArrayList<>(all);
    rest.remove(Integer.valueOf(target));
    int majority = n / 2 + 1;
    String what;
    Runnable heal;
    switch (e.kind()) {
      case KILL_ONE, KILL_LEADER -> {
        int victim = e.kind() == FaultSchedule.Kind.KILL_ONE ? random : target;
        c.kill(victim);
        what = "SIGKILL node " + victim;
        heal = () -> restart(c, List.of(victim));
      }
      case WIPE_FOLLOWER -> {
        // at most one wiped node at a time: while the last one has not rejoined (it neither votes
        // nor counts toward quorums), wipe it again rather than a second node
        int pending = stillRejoining(c);
        int victim = pending != 0 ? pending : leader != 0 ? rest.get(0) : random;
        c.kill(victim);
        try {
          c.wipe(victim);
        } catch (IOException | RuntimeException ex) {
          problems.add("could not wipe node " + victim + "'s data directory: " + ex);
          restart(c, List.of(victim));
          return null;
        }
        what = "SIGKILL node " + victim + (pending != 0 ? " (still rejoining)" : leader != 0
            ? " (a follower)" : " (leader unknown)") + ", data directory deleted";
        heal = () -> {
          wipedNode = victim;
          wipedLogOffset = c.logSize(victim);
          restart(c, List.of(victim)); // --initial-cluster-state existing
        };
      }
      case KILL_MAJORITY -> {
        List<Integer> victims = new ArrayList<>(all.subList(0, majority));
        victims.forEach(c::kill);
        what = "SIGKILL majority " + victims;
        heal = () -> restart(c, victims);
      }
      case PAUSE_ONE, PAUSE_LEADER -> {
        int victim = e.kind() == FaultSchedule.Kind.PAUSE_ONE ? random : target;
        if (!c.pause(victim)) {
          event("fault " + e.index() + " " + e.kind() + ": SIGSTOP node " + victim + " FAILED");
          return null;
        }
        what = "SIGSTOP node " + victim;
        heal = () -> c.resume(victim);
      }
      case PARTITION_HALVES -> {
        // the leader lands in the minority or the majority at random
        List<Integer> order = new ArrayList<>(rest);
        order.add(r.nextBoolean() ? 0 : order.size(), target);
        List<Integer> minority = order.subList(0, n - majority);
        List<Integer> maj = order.subList(n - majority, n);
        c.cutBetween(minority, maj);
        what = "partition " + minority + " | " + maj;
        heal = c::healLinks;
      }
      case ISOLATE_LEADER -> {
        c.cutBetween(List.of(target), rest);
        what = "isolate " + (leader != 0 ? "leader " : "node ") + target;
        heal = c::healLinks;
      }
      case BRIDGE -> {
        // bridge node b sees both sides; the two sides do not see each other
        int b = rest.get(0);
        List<Integer> others = new ArrayList<>(rest.subList(1, rest.size()));
        others.add(target);
        Collections.shuffle(others, new java.util.Random(r.nextLong()));
        List<Integer> left = others.subList(0, others.size() / 2);
        List<Integer> right = others.subList(others.size() / 2, others.size());
        c.cutBetween(left, right);
        what = "bridge " + b + " between " + left + " and " + right;
        heal = c::healLinks;
      }
      case ONE_WAY -> {
        if (r.nextInt(3) == 0) {
          // a single directed link: the leader's messages to one follower are lost
          int to = rest.get(0);
          c.cut(target, to);
          what = "one-way: link " + target + "->" + to + " only";
          heal = c::healLinks;
          break;
        }
        // the sources lose every outgoing link; they still hear everyone
        List<Integer> sources = new ArrayList<>();
        sources.add(r.nextBoolean() ? target : random);
        if (r.nextBoolean() && !sources.contains(rest.get(0))) {
          sources.add(rest.get(0));
        }
        for (int s : sources) {
          for (int j : all) {
            if (j != s) {
              c.cut(s, j);
            }
          }
        }
        what = "one-way: nothing out of " + sources;
        heal = c::healLinks;
      }
      default -> throw new IllegalStateException(e.kind().name());
    }
    event("fault " + e.index() + " " + e.kind() + ": " + what + " (leader was " + leader + "), "
        + e.durationMillis() + " ms");
    return heal;
  }

  /** The node last wiped (0: none pending) and the size of its log when it was restarted. */
  private int wipedNode;
  private long wipedLogOffset;

  /** The wiped node that has not yet said it rejoined, or 0. */
  private int stillRejoining(NemesisCluster c) {
    if (wipedNode != 0 && c.logSince(wipedNode, wipedLogOffset).contains("has rejoined")) {
      event("node " + wipedNode + " has rejoined");
      wipedNode = 0;
    }
    return wipedNode;
  }

  private void restart(NemesisCluster c, List<Integer> ids) {
    for (int id : ids) {
      try {
        c.start(id);
      } catch (IOException ex) {
        problems.add("could not restart node " + id + ": " + ex.getMessage());
      }
    }
  }

  private void healAll(NemesisCluster c) {
    c.healLinks();
    c.resumeAll();
    List<Integer> down = new ArrayList<>();
    for (int i : c.members()) {
      if (!c.running(i)) {
        down.add(i);
      }
    }
    restart(c, down);
  }

  /**
   * Waits (bounded) for a leader and for every node to report the same applied index and state
   * hash (each asked for its own state).
   */
  private void converge(NemesisCluster c) throws InterruptedException {
    if (awaitLeader(c, Duration.ofSeconds(60)) == 0) {
      problems.add("no leader within 60 s after healing");
      return;
    }
    long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    String last = "";
    while (System.nanoTime() < end) {
      List<MemberStatus> selves = new ArrayList<>();
      List<Integer> members = c.members();
      for (int i : members) {
        c.self(i, 2000).ifPresent(selves::add);
      }
      last = selves.stream().map(m -> m.getId() + "@" + m.getAppliedIndex() + "#"
          + Long.toHexString(m.getStateHash())).toList().toString();
      if (selves.size() == members.size() && selves.get(0).getAppliedIndex() > 0
          && selves.stream().allMatch(m -> m.getAppliedIndex() == selves.get(0).getAppliedIndex()
          && m.getStateHash() == selves.get(0).getStateHash())) {
        event("converged: " + last);
        return;
      }
      // same applied index but different hashes: the replicas diverged
      boolean sameIndex = selves.size() == members.size() && selves.stream()
          .allMatch(m -> m.getAppliedIndex() == selves.get(0).getAppliedIndex());
      if (sameIndex && selves.stream().anyMatch(m -> m.getStateHash()
          != selves.get(0).getStateHash())) {
        problems.add("replicas DIVERGED at the same applied index: " + last);
        event("diverged: " + last);
        return;
      }
      Thread.sleep(200);
    }
    problems.add("nodes did not converge within 90 s: " + last);
  }

  /** A linearizable Get of every key, recorded in the history (client id = clients). */
  private void finalReads(NemesisCluster c, HistoryRecorder recorder) {
    try (RaftKvClient kv = RaftKvClient.builder().servers(c.clientAddresses())
        .perAttemptTimeout(Duration.ofSeconds(2)).build()) {
      for (int k = 0; k < o.keys(); k++) {
        String key = Workload.key(k);
        long id = recorder.invokeGet(o.clients(), key);
        try {
          Optional<byte[]> v = kv.get(key.getBytes(StandardCharsets.UTF_8),
              OpOptions.defaults().withDeadline(Duration.ofSeconds(30))).join().value();
          recorder.ok(id, v.map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null));
        } catch (RuntimeException e) {
          recorder.ambiguous(id);
          problems.add("final read of " + key + " failed: " + e.getMessage());
        }
      }
    }
    event("final reads done");
  }
}
