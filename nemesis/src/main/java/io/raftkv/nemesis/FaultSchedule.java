package io.raftkv.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The faults of one run, fixed by the seed: a sequence of episodes, one fault active at a time,
 * planned to be injected at {@code startMillis} and healed at {@code endMillis} (relative to the
 * start of the fault phase, which is when the first leader is known), all planned to heal before
 * {@code healAllMillis}; the clients then go on for {@code settleMillis}. The plan is what an
 * unloaded machine would do: {@link FaultPhase} keeps each episode's duration and calm-before
 * exactly and lets the run grow when injecting or healing takes time. Nodes that depend on the
 * cluster's state (the leader) are resolved when the episode starts; every other choice comes
 * from the episode's own seed.
 */
record FaultSchedule(List<Episode> episodes, long healAllMillis, long settleMillis) {

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
    ONE_WAY,
    /**
     * SIGKILL a follower, delete its data directory, restart it at the heal as a member of an
     * existing cluster: it must rejoin (catch up from the leader) before it votes again.
     */
    WIPE_FOLLOWER,
    /**
     * Membership: SIGKILL a follower and delete its data directory; a spare id joins ({@code
     * --join}, auto-promoted) in its place; at the heal, once it is a voter, the dead id is
     * removed through the Cluster API.
     */
    REPLACE_WIPED,
    /**
     * Membership: remove the leader through the Cluster API (it hands leadership over), SIGKILL
     * it once it says it was removed, and start a spare id that joins in its place; at the heal,
     * wait until the spare is a voter.
     */
    REMOVE_LEADER,
    /**
     * Membership: add a spare id as a learner through the Cluster API and start it; at the heal,
     * promote it once caught up, then remove a follower and SIGKILL it once it says so.
     */
    ADD_THEN_REMOVE;

    /** Whether this fault changes the membership (uses up a spare id). */
    boolean membership() {
      return this == REPLACE_WIPED || this == REMOVE_LEADER || this == ADD_THEN_REMOVE;
    }
  }

  /** The most spare ids a run holds: membership faults beyond this many are skipped. */
  static final int MAX_JOINS = 4;

  /** Spare ids this schedule may use: its membership episodes, at most {@link #MAX_JOINS}. */
  int spareIds() {
    return (int) Math.min(MAX_JOINS, episodes.stream().filter(e -> e.kind().membership())
        .count());
  }

  /**
   * One fault.
   *
   * @param seed draws the nodes it hits
   */
  record Episode(int index, Kind kind, long startMillis, long endMillis, long seed) {
    /** How long the fault lasts: at least this long, whatever the machine's load. */
    long durationMillis() {
      return endMillis - startMillis;
    }
  }

  /** The shortest fault drawn; a fault that lasted less is not counted as one. */
  static final long MIN_FAULT_MILLIS = 800;

  /** The calm (everything healed) before episode {@code i}: after the previous heal, or from the
   * start of the fault phase for the first. */
  long calmBeforeMillis(int i) {
    return episodes.get(i).startMillis() - (i == 0 ? 0 : episodes.get(i - 1).endMillis());
  }

  /**
   * The schedule for a run of {@code runMillis}: faults from 2 s in until 70% of the run, each
   * lasting 0.8-3.5 s with 0.2-1.2 s of calm between them, then 15% of the run without faults.
   */
  static FaultSchedule generate(long seed, long runMillis) {
    SplittableRandom r = new SplittableRandom(seed);
    long heal = Math.max(3_000, runMillis * 7 / 10);
    List<Episode> out = new ArrayList<>();
    long t = Math.min(2_000, runMillis / 10);
    Kind[] kinds = Kind.values();
    while (true) {
      long len = MIN_FAULT_MILLIS + r.nextLong(2_700);
      if (t + len > heal) {
        break;
      }
      Kind k = kinds[r.nextInt(kinds.length)];
      out.add(new Episode(out.size(), k, t, t + len, r.nextLong()));
      t += len + 200 + r.nextLong(1_000);
    }
    long settle = Math.max(1_000, runMillis * 85 / 100 - heal);
    return new FaultSchedule(List.copyOf(out), heal, settle);
  }
}
