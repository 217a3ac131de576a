package io.raftkv.nemesis;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The membership faults of a nemesis run ({@link FaultSchedule.Kind#membership()}): each
 * replaces, removes or adds a member through the Cluster API on real processes, using one of the
 * cluster's spare ids, and leaves {@link NemesisCluster#nodes} voters once healed so the other
 * faults keep their meaning. A fault that could not start (no spare id left, no leader, a wiped
 * node still rejoining) does not take effect; one whose heal could not finish its change within
 * {@link #BOUND} is recorded as {@linkplain #incomplete() incomplete} and not counted. A removed
 * node that does not say it was removed is a problem of the run: it would go on serving.
 */
final class MembershipFaults {

  /** What the run gives the membership faults. */
  interface Context {
    void event(String line);

    void problem(String line);

    /** The leader, waited for a few seconds; 0 if none is known. */
    int leader();

    /** A wiped node that has not rejoined yet, or 0. */
    int rejoining();

    /** Forgets {@code id} as a wiped node: it was removed. */
    void forget(int id);
  }

  /** How long one step of a membership fault may retry its calls. */
  static final Duration BOUND = Duration.ofSeconds(30);

  /** How long a removed node may take to say it was removed. */
  static final Duration SAYS_REMOVED = Duration.ofSeconds(20);

  private final NemesisCluster c;
  private final Context ctx;
  private final Set<Integer> incomplete = ConcurrentHashMap.newKeySet();

  MembershipFaults(NemesisCluster c, Context ctx) {
    this.c = c;
    this.ctx = ctx;
  }

  /** Indexes of episodes whose heal could not complete the membership change. */
  Set<Integer> incomplete() {
    return Set.copyOf(incomplete);
  }

  /**
   * Injects {@code e}'s fault; returns what heals it (and completes the change), or null if it
   * did not take effect.
   */
  Runnable inject(FaultSchedule.Episode e) {
    String skip = c.sparesLeft() == 0 ? "no spare id left" : null;
    int leader = skip == null ? ctx.leader() : 0;
    if (skip == null && leader == 0) {
      skip = "no leader known";
    }
    if (skip == null && e.kind() == FaultSchedule.Kind.REMOVE_LEADER && ctx.rejoining() != 0) {
      // with the leader gone, the rejoining node might be needed for a majority it cannot join
      skip = "node " + ctx.rejoining() + " (wiped) is still rejoining";
    }
    if (skip != null) {
      ctx.event("fault " + e.index() + " " + e.kind() + ": skipped, " + skip);
      return null;
    }
    SplittableRandom r = new SplittableRandom(e.seed());
    try {
      return switch (e.kind()) {
        case REPLACE_WIPED -> replaceWiped(e, leader, r);
        case REMOVE_LEADER -> removeLeader(e, leader);
        case ADD_THEN_REMOVE -> addThenRemove(e, leader, r);
        default -> throw new IllegalArgumentException(e.kind() + " is not a membership fault");
      };
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** A random member other than {@code except}, or 0. */
  private int follower(SplittableRandom r, int... except) {
    List<Integer> m = new ArrayList<>(c.members());
    for (int x : except) {
      m.remove(Integer.valueOf(x));
    }
    Collections.shuffle(m, new java.util.Random(r.nextLong()));
    return m.isEmpty() ? 0 : m.get(0);
  }

  private Runnable replaceWiped(FaultSchedule.Episode e, int leader, SplittableRandom r) {
    int pending = ctx.rejoining();
    int victim = pending != 0 && pending != leader ? pending : follower(r, leader);
    c.kill(victim);
    try {
      c.wipe(victim);
    } catch (IOException | RuntimeException ex) {
      ctx.problem("could not wipe node " + victim + "'s data directory: " + ex);
      restart(victim);
      return null;
    }
    int spare = startSpare(true);
    if (spare == 0) {
      return null;
    }
    ctx.event(String.format("fault %d %s: SIGKILL node %d, data directory deleted; node %d joins"
        + " in its place (leader was %d), %d ms", e.index(), e.kind(), victim, spare, leader,
        e.durationMillis()));
    return () -> {
      try (ClusterAdmin admin = admin()) {
        if (!admin.awaitVoter(spare)) {
          incomplete(e, "node " + spare + " not a voter: " + admin.lastError()
              + "; dead node " + victim + " stays a member and restarts wiped");
          restart(victim);
          return;
        }
        if (!removeDead(admin, victim)) {
          incomplete(e, "could not remove dead node " + victim + ": " + admin.lastError());
          restart(victim);
          return;
        }
        ctx.event("heal " + e.index() + ": node " + spare + " is a voter, node " + victim
            + " removed; members " + c.members());
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    };
  }

  private Runnable removeLeader(FaultSchedule.Episode e, int leader)
      throws InterruptedException {
    try (ClusterAdmin admin = admin()) {
      if (!admin.remove(leader)) {
        ctx.event("fault " + e.index() + " " + e.kind() + ": could not remove leader " + leader
            + ": " + admin.lastError());
        return null;
      }
    }
    awaitSaysRemoved(leader);
    c.removed(leader);
    ctx.forget(leader);
    c.kill(leader);
    int spare = startSpare(true);
    if (spare == 0) {
      return null;
    }
    ctx.event(String.format("fault %d %s: leader %d removed itself and was SIGKILLed; node %d "
        + "joins in its place, %d ms", e.index(), e.kind(), leader, spare, e.durationMillis()));
    return () -> {
      try (ClusterAdmin admin = admin()) {
        if (!admin.awaitVoter(spare)) {
          incomplete(e, "node " + spare + " not a voter: " + admin.lastError());
          return;
        }
        ctx.event("heal " + e.index() + ": node " + spare + " is a voter; members "
            + c.members());
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    };
  }

  private Runnable addThenRemove(FaultSchedule.Episode e, int leader, SplittableRandom r)
      throws InterruptedException {
    int spare = c.takeSpare(false);
    try (ClusterAdmin admin = admin()) {
      if (!admin.addLearner(spare, c.peerAddress(spare), c.clientAddress(spare))) {
        ctx.event("fault " + e.index() + " " + e.kind() + ": could not add node " + spare
            + " as a learner: " + admin.lastError());
        c.removed(spare); // never started; ids are never reused
        return null;
      }
    }
    if (!startOrReport(spare)) {
      return null;
    }
    ctx.event(String.format("fault %d %s: node %d added as a learner and started (leader was "
        + "%d), %d ms", e.index(), e.kind(), spare, leader, e.durationMillis()));
    return () -> {
      try (ClusterAdmin admin = admin()) {
        if (!admin.promote(spare)) {
          incomplete(e, "could not promote node " + spare + ": " + admin.lastError());
          return;
        }
        int now = ctx.leader();
        int pending = ctx.rejoining();
        int victim = pending != 0 && pending != now ? pending : follower(r, now, spare);
        if (now == 0 || victim == 0 || !admin.remove(victim)) {
          incomplete(e, "node " + spare + " promoted; could not remove a follower (leader "
              + now + "): " + admin.lastError());
          return;
        }
        awaitSaysRemoved(victim);
        c.removed(victim);
        ctx.forget(victim);
        c.kill(victim);
        ctx.event("heal " + e.index() + ": node " + spare + " promoted, follower " + victim
            + " removed and SIGKILLed; members " + c.members());
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    };
  }

  /** Removes a dead member; true once the configuration lacks it. */
  private boolean removeDead(ClusterAdmin admin, int id) throws InterruptedException {
    if (!admin.remove(id)) {
      return false;
    }
    c.removed(id);
    ctx.forget(id);
    return true;
  }

  /** Takes a spare id and starts it joining; 0 (reported) if it could not start. */
  private int startSpare(boolean autoPromote) {
    int spare = c.takeSpare(autoPromote);
    return spare != 0 && startOrReport(spare) ? spare : 0;
  }

  private boolean startOrReport(int id) {
    try {
      c.start(id);
      return true;
    } catch (IOException ex) {
      ctx.problem("could not start node " + id + ": " + ex.getMessage());
      return false;
    }
  }

  private void restart(int id) {
    try {
      c.start(id);
    } catch (IOException ex) {
      ctx.problem("could not restart node " + id + ": " + ex.getMessage());
    }
  }

  private void incomplete(FaultSchedule.Episode e, String why) {
    incomplete.add(e.index());
    ctx.event("heal " + e.index() + " " + e.kind() + " INCOMPLETE: " + why);
  }

  /**
   * Waits until removed node {@code id} says so in its Status; a node still answering without
   * saying so after {@link #SAYS_REMOVED} is a problem (it would go on serving).
   */
  private void awaitSaysRemoved(int id) throws InterruptedException {
    long end = System.nanoTime() + SAYS_REMOVED.toNanos();
    String last = "no answer";
    while (System.nanoTime() < end) {
      Optional<io.raftkv.api.v1.MemberStatus> s = c.self(id, 1000);
      if (s.isPresent() && s.get().getRemoved()) {
        ctx.event("node " + id + " says it was removed");
        return;
      }
      last = s.map(m -> "role " + io.raftkv.api.MemberRoles.of(m) + ", term " + m.getTerm())
          .orElse("no answer");
      Thread.sleep(100);
    }
    ctx.problem("REMOVED NODE " + id + " does not say it was removed after "
        + SAYS_REMOVED.toSeconds() + " s (" + last + ")");
  }

  /**
   * After the run: a removed id in the configuration in force is a problem (a removed member
   * came back); a configuration other than the members the harness holds is reported.
   */
  void checkFinalConfiguration() throws InterruptedException {
    try (ClusterAdmin admin = admin()) {
      Optional<List<Integer>> ids = admin.ids();
      if (ids.isEmpty()) {
        ctx.problem("no member list after the run: " + admin.lastError());
        return;
      }
      for (int id : ids.get()) {
        if (c.wasRemoved(id)) {
          ctx.problem("REMOVED NODE " + id + " is in the final configuration " + ids.get());
        }
      }
      ctx.event("final configuration " + ids.get() + (ids.get().equals(c.members()) ? ""
          : " (the harness holds " + c.members() + ")"));
    }
  }

  private ClusterAdmin admin() {
    return new ClusterAdmin(c.clientAddresses(), BOUND);
  }
}
