package io.raftkv.cli;

import io.raftkv.nemesis.Nemesis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raftkv nemesis}: fault injection against a local cluster of real server processes, runs
 * back to back until the time is used; each run checked for linearizability and convergence.
 */
@Command(
    name = "nemesis", header = "Inject faults into real servers and check linearizability.",
    mixinStandardHelpOptions = true,
    description = {
        "Start 3-7 real servers on loopback, run concurrent clients doing random Get/Put/Delete "
            + "on a few keys, inject faults (SIGKILL and restart, SIGSTOP/SIGCONT, partitions and "
            + "one-way cuts through per-link proxies, a wiped follower, and membership changes: "
            + "replace a wiped follower with a new id, remove the leader, add a learner and "
            + "promote it then remove a follower), heal, then check the recorded history for "
            + "linearizability and every node for the same applied index and state hash. "
            + "Exit code 1 if any run failed; a failed run's directory is kept."})
final class NemesisCommand implements Callable<Integer> {
  @Option(names = "--nodes", description = "servers per run (default: ${DEFAULT-VALUE})")
  int nodes = 5;

  @Option(names = "--clients", description = "concurrent clients (default: ${DEFAULT-VALUE})")
  int clients = 20;

  @Option(names = "--keys", description = "size of the key space (default: ${DEFAULT-VALUE})")
  int keys = 6;

  @Option(names = "--time", description = "total time, e.g. 30s, 10m, 1h: runs start while a "
      + "whole run still fits; not used with --runs (default: 30s)")
  String time;

  @Option(names = "--run-time", description = "planned length of one run; waiting for the first "
      + "leader, faults slowed by a busy machine, and the checks come on top "
      + "(default: ${DEFAULT-VALUE})")
  String runTime = "30s";

  @Option(names = "--runs", description = "run exactly this many runs, however long they take; "
      + "0: as many as fit in --time (default: ${DEFAULT-VALUE})")
  int runs = 0;

  @Option(names = "--seed", description = "seed of the first run; later runs' seeds follow from "
      + "it (default: random)")
  Long seed;

  @Option(names = "--dir", description = "where run directories go (default: ${DEFAULT-VALUE})")
  Path dir = Path.of("nemesis-runs");

  @Option(names = "--keep", description = "keep passing runs' directories too")
  boolean keep;

  @Option(names = "--unsafe-serializable-reads", hidden = true,
      description = "self-test: clients read SERIALIZABLE (may be stale), so runs should fail")
  boolean unsafeReads;

  @Override
  public Integer call() throws Exception {
    long s = seed != null ? seed : new java.util.Random().nextLong();
    if (nodes < 3 || nodes > 9 || clients < 1 || keys < 1 || runs < 0) {
      System.err.println("raftkv nemesis: --nodes must be 3..9, --clients and --keys positive, "
          + "--runs 0 or more");
      return 2;
    }
    if (time != null && runs > 0) {
      System.err.println("raftkv nemesis: note: --runs " + runs + " given: " + runs
          + " runs planned at " + runTime + " each (--run-time); --time " + time
          + " is not used");
    }
    if (time == null) {
      time = "30s";
    }
    Duration total;
    Duration run;
    try {
      total = duration(time);
      run = duration(runTime);
    } catch (IllegalArgumentException e) {
      System.err.println("raftkv nemesis: " + e.getMessage());
      return 2;
    }
    System.out.println("nemesis: " + nodes + " nodes, " + clients + " clients, " + keys
        + " keys, " + (runs > 0 ? runs + " runs" : time + " total") + ", runs of " + runTime
        + ", seed " + s + ", dir " + dir);
    Nemesis.Totals t = Nemesis.run(new Nemesis.Config(nodes, clients, keys, total, run, runs, s,
        dir, keep, unsafeReads), System.out);
    for (String f : t.failures()) {
      System.out.println("FAILED: " + f);
    }
    return t.passed() ? 0 : 1;
  }

  /** {@code 90}, {@code 90s}, {@code 10m}, {@code 1h}, {@code 500ms}. */
  static Duration duration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else if (t.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
      }
      return Duration.ofSeconds(Long.parseLong(t));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration like 30s, 10m or 1h");
    }
  }
}
