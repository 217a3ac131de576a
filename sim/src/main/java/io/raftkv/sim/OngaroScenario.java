package io.raftkv.sim;

import io.raftkv.raft.ConfChange;
import io.raftkv.raft.Membership;
import io.raftkv.raft.ProposeResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Sets up Ongaro's 2015 counter-example to single-server changes without his fix (raft-dev, "bug in
 * single-server membership changes"), one of {@link MembershipChurn}'s operations. With voters C0 =
 * {L1, Y, ...} (at least four) and a learner X:
 *
 * <ol>
 *   <li>leader L1 is cut off with X alone and promotes X: C1 = C0 + X, uncommitted, on L1 and X;
 *   <li>the others elect L2; the moment it leads, Y is moved to L1's side and L2 is asked to
 *       remove L1: C2 = C0 - L1. Without the fix L2 appends C2 before its term's first entry
 *       commits, and C2 commits on a majority of C2 without Y;
 *   <li>L1, X and Y are a majority of C1, and Y has none of L2's entries: L1 can be elected in a
 *       later term and overwrite the committed C2 (Leader Completeness fails).
 * </ol>
 *
 * With the fix, L2 cannot commit its term's first entry (C0's majority is split), so it refuses the
 * change. The partitions heal after a while, or at the end of the chaos phase.
 */
final class OngaroScenario {
  private final Simulation sim;
  private final SplittableRandom rng;
  /** The cut-off old leader and its promoted learner while waiting for L2, else 0. */
  private int oldLeader;
  private int learner;
  private int attempt;
  /** Until this simulated time the scenario runs: the churn leaves leaders and links alone. */
  private long busyUntil;

  OngaroScenario(Simulation sim) {
    this.sim = sim;
    this.rng = sim.rng();
  }

  boolean waiting() {
    return oldLeader != 0;
  }

  /** Whether the scenario is under way (the churn then changes nothing else). */
  boolean busy() {
    return sim.now() < busyUntil;
  }

  /** Step 1 on {@code leader}; returns false if the configuration does not allow it. */
  boolean start(int leader, Membership m, java.util.function.Function<ConfChange, ProposeResult>
      proposeToLeader) {
    List<Integer> learners = m.learners().stream().filter(id -> sim.node(id).up).toList();
    if (waiting() || m.voterCount() < 4 || learners.isEmpty()) {
      return false;
    }
    int x = learners.get(rng.nextInt(learners.size()));
    ProposeResult r = proposeToLeader.apply(ConfChange.promote(x, m.index()));
    if (!r.isAccepted()) {
      return true;
    }
    sim.record("ONGARO leader " + leader + " cut off with learner " + x + " it promotes");
    split(Set.of(leader, x));
    oldLeader = leader;
    learner = x;
    busyUntil = sim.now() + 1_000;
    int mine = ++attempt;
    sim.at(1_000, () -> {
      if (attempt == mine && waiting()) {
        sim.record("ONGARO no new leader: links healed");
        oldLeader = 0;
        sim.network().healAll();
      }
    });
    return true;
  }

  /**
   * Step 2, when {@code leader} is elected: moves one more C0 voter to the old leader's side and
   * returns the change to ask of the new leader at once (remove the old leader), or null.
   */
  ConfChange onNewLeader(int leader) {
    if (!waiting() || leader == oldLeader || leader == learner) {
      return null;
    }
    Membership m = sim.node(leader).host.membership();
    List<Integer> others = new ArrayList<>();
    for (int v : m.voters()) {
      if (v != leader && v != oldLeader && v != learner) { // the learner may be a voter here
        others.add(v);
      }
    }
    if (others.isEmpty() || !m.isVoter(oldLeader)) {
      return null;
    }
    int y = others.get(rng.nextInt(others.size()));
    sim.record("ONGARO new leader " + leader + "; voter " + y + " joins " + oldLeader + "'s side");
    split(Set.of(oldLeader, learner, y));
    int old = oldLeader;
    oldLeader = 0;
    int heal = 800 + rng.nextInt(700);
    busyUntil = sim.now() + heal;
    sim.at(heal, () -> {
      sim.record("ONGARO links healed");
      sim.network().healAll();
    });
    return ConfChange.remove(old, m.index());
  }

  private void split(Set<Integer> side) {
    Set<Integer> rest = new HashSet<>(sim.ids());
    rest.removeAll(side);
    sim.network().healAll();
    sim.network().split(side, rest);
  }
}
