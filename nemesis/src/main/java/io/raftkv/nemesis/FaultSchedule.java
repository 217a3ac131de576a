package io.raftkv.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The faults of one run, fixed by the seed: a sequence of episodes, one fault active at a time,
 * each injected at {@code startMillis} and healed at {@code endMillis} (run-relative), all healed
 * before {@code healAllMillis}. Nodes that depend on the cluster's state (the leader) are resolved
 * when the episode starts; every other choice comes from the episode's own seed.
 */
record FaultSchedule(List<Episode> episodes, long healAllMillis) {

  /** The kinds of fault. */
  enum Kind {
    /** SIGKILL one random node, restart it at the heal. */
    KILL_ONE,
    /** SIGKILL the current leader, restart it at the heal. */
    KILL_LEADER,
    /** SIGKILL a majority, restart them at the heal: no progress meanwhile. */
    KILL_MAJORITY,
    /** SIGSTOP one random node, SIGCONT at the heal. */
    PAUSE_ONE,
    /** SIGSTOP the current leader, SIGCONT at the heal (it wakes up deposed). */
    PAUSE_LEADER,
    /** Split into a majority and a minority, both directions cut. */
    PARTITION_HALVES,
    /** Cut the leader off from everyone. */
    ISOLATE_LEADER,
    /** Two halves that only a bridge node connects. */
    BRIDGE,
    /** One-way loss: cut only the links from some nodes (the leader among them, half the time). */
    ONE_WAY
  }

  /**
   * One fault.
   *
   * @param seed draws the nodes it hits
   */
  record Episode(int index, Kind kind, long startMillis, long endMillis, long seed) {}

  /**
   * The schedule for a run of {@code runMillis}: faults from 2 s in until 70% of the run, each
   * lasting 0.8-3.5 s with 0.2-1.2 s of calm between them.
   */
  static FaultSchedule generate(long seed, long runMillis) {
    SplittableRandom r = new SplittableRandom(seed);
    long heal = Math.max(3_000, runMillis * 7 / 10);
    List<Episode> out = new ArrayList<>();
    long t = Math.min(2_000, runMillis / 10);
    Kind[] kinds = Kind.values();
    while (true) {
      long len = 800 + r.nextLong(2_700);
      if (t + len > heal) {
        break;
      }
      Kind k = kinds[r.nextInt(kinds.length)];
      out.add(new Episode(out.size(), k, t, t + len, r.nextLong()));
      t += len + 200 + r.nextLong(1_000);
    }
    return new FaultSchedule(List.copyOf(out), heal);
  }
}
