package io.raftkv.nemesis;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs nemesis runs back to back, a given number of them or until the time is used up, prints one
 * summary
 * line per run and the totals. A failed run's directory (history, lincheck timeline, node logs,
 * configurations, events) is kept; a passing one is deleted unless {@code keep}.
 */
public final class Nemesis {

  /**
   * What to run.
   *
   * @param total    time budget for all runs, when {@code maxRuns} is 0
   * @param runLength length of one run as planned (fault phase plus quiet phase); waiting for
   *                 the first leader, faults that take longer on a slow machine, and the checks
   *                 come on top
   * @param maxRuns  this many runs, whatever {@code total} (0: as many as start within
   *                 {@code total})
   */
  public record Config(int nodes, int clients, int keys, Duration total, Duration runLength,
      int maxRuns, long seed, Path dir, boolean keep, boolean unsafeReads) {

    /** The usual configuration (linearizable reads). */
    public Config(int nodes, int clients, int keys, Duration total, Duration runLength,
        int maxRuns, long seed, Path dir, boolean keep) {
      this(nodes, clients, keys, total, runLength, maxRuns, seed, dir, keep, false);
    }
  }

  /** Totals over all runs. */
  public record Totals(int runs, int failedRuns, long operations, long ambiguous, long faults,
      long failovers, long leaders, List<String> failures, String faultKinds,
      long faultsCutShort, long slowestFirstLeaderMillis) {
    public boolean passed() {
      return failedRuns == 0 && runs > 0;
    }

    public String summary() {
      return String.format("nemesis: %d runs, %d failed | %d operations, %d ambiguous | %d faults"
              + " %s%s | first leader after at most %.1f s | %d client failovers, %d leaders seen"
              + " | verdict %s", runs, failedRuns, operations, ambiguous, faults, faultKinds,
          faultsCutShort == 0 ? "" : ", " + faultsCutShort + " more CUT SHORT",
          slowestFirstLeaderMillis / 1000.0, failovers, leaders, passed() ? "PASS" : "FAIL");
    }
  }

  private Nemesis() {}

  /** Runs with the class path of this JVM (copied aside first). */
  public static Totals run(Config c, PrintStream out) throws IOException, InterruptedException {
    if (c.nodes() < 3 || c.clients() < 1 || c.keys() < 1) {
      throw new IllegalArgumentException("need at least 3 nodes, 1 client and 1 key");
    }
    if (System.getProperty("org.slf4j.simpleLogger.log.io.raftkv.client") == null) {
      // failovers are counted; the client's line per failover would drown the summary
      System.setProperty("org.slf4j.simpleLogger.log.io.raftkv.client", "warn");
    }
    String cp = StableClassPath.get();
    Files.createDirectories(c.dir());
    long deadline = System.nanoTime() + c.total().toNanos();
    Duration runLength = c.maxRuns() <= 0 && c.runLength().compareTo(c.total()) > 0 ? c.total()
        : c.runLength();
    SplittableRandom seeds = new SplittableRandom(c.seed());
    int runs = 0;
    int failedRuns = 0;
    long ops = 0;
    long amb = 0;
    long faults = 0;
    long failovers = 0;
    long leaders = 0;
    long cutShort = 0;
    long slowestLeader = 0;
    List<String> failures = new ArrayList<>();
    java.util.Map<FaultSchedule.Kind, Integer> kinds = new java.util.EnumMap<>(
        FaultSchedule.Kind.class);
    while (anotherRun(runs, c.maxRuns(), System.nanoTime(), runLength.toNanos(), deadline)) {
      long seed = runs == 0 ? c.seed() : seeds.nextLong();
      Path dir = c.dir().resolve("run-" + (runs + 1) + "-seed-" + seed);
      NemesisRun.Result r;
      try {
        r = new NemesisRun(new NemesisRun.Options(c.nodes(), c.clients(), c.keys(), runLength,
            seed, dir, c.keep(), cp, c.unsafeReads()), out).run();
      } catch (IOException | RuntimeException e) {
        // the harness itself failed: count the run as failed and keep what it left
        r = NemesisRun.Result.harnessError(seed, dir, "harness error: " + e);
      }
      r.faultKinds().forEach((k, v) -> kinds.merge(k, v, Integer::sum));
      runs++;
      out.println("run " + runs + " " + r.summary());
      out.flush();
      ops += r.operations();
      amb += r.ambiguous();
      faults += r.faults();
      failovers += r.clientFailovers();
      leaders += r.leadersSeen();
      cutShort += r.faultsCutShort();
      slowestLeader = Math.max(slowestLeader, r.firstLeaderMillis());
      if (!r.passed()) {
        failedRuns++;
        failures.add(r.summary());
      } else if (!c.keep()) {
        deleteTree(dir);
      }
    }
    Totals t = new Totals(runs, failedRuns, ops, amb, faults, failovers, leaders,
        List.copyOf(failures), kinds.toString(), cutShort, slowestLeader);
    out.println(t.summary());
    return t;
  }

  /**
   * Whether to start another run: with a run count, exactly that many (a run lasts longer than
   * its planned length, so a time budget would cut the count short: {@code --runs 2 --time 30s}
   * used to run one); without one, at least one and then as long as a whole run still fits.
   */
  static boolean anotherRun(int done, int maxRuns, long nowNanos, long runNanos,
      long deadlineNanos) {
    if (maxRuns > 0) {
      return done < maxRuns;
    }
    return done == 0 || nowNanos + runNanos <= deadlineNanos;
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort
    }
  }

}
