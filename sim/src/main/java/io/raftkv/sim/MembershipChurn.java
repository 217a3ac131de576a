package io.raftkv.sim;

import io.raftkv.node.NodeHost;
import io.raftkv.raft.ConfChange;
import io.raftkv.raft.Membership;
import io.raftkv.raft.ProposeResult;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Changes the membership during the chaos phase, as an operator (or a script) would, on top of the
 * profile's faults: adds brand-new nodes as learners, promotes learners (retrying while they are
 * not caught up), demotes voters, removes followers, removes or demotes the leader, and replaces a
 * voter (a dead one by preference) by a new node. Each change names the configuration index the
 * leader showed (compare-and-set), sometimes a stale one or none.
 *
 * <p>To exercise a leader change while a change is uncommitted (Ongaro's 2015 counter-example), it
 * often cuts off or crashes the leader moments after it accepted a change, and often proposes a
 * change to a leader the moment it is elected, before it has committed an entry of its term.
 *
 * <p>Bounds: at least {@link #MIN_VOTERS} voters in every configuration it proposes, at most
 * {@link #MAX_LIVE} participating nodes. A removed node is retired (stopped for good) a while after
 * its removal commits, or, at random, left running to the end: it must stay harmless.
 */
final class MembershipChurn {
  /** Demotions and removals never leave fewer voters than this. */
  static final int MIN_VOTERS = 3;
  /** At most this many nodes take part at once (retired ones excluded). */
  static final int MAX_LIVE = 7;
  /** Ids stay below this ({@link MembershipChecker} keeps node sets as 64-bit masks). */
  private static final int MAX_ID = 60;

  private final Simulation sim;
  private final SplittableRandom rng;
  /** Ids removed by some change proposal that was accepted: never added again. */
  private final Set<Integer> removed = new HashSet<>();
  private final OngaroScenario ongaro;
  private boolean active;

  MembershipChurn(Simulation sim) {
    this.sim = sim;
    this.rng = sim.rng();
    this.ongaro = new OngaroScenario(sim);
  }

  void start() {
    active = true;
    schedule();
  }

  void stop() {
    active = false;
  }

  private void schedule() {
    sim.at(50 + rng.nextInt(200), () -> {
      if (active) {
        schedule();
        act(sim.currentLeader());
      }
    });
  }

  /** A new leader: often asked for a change at once, before its term's first entry commits. */
  void onNewLeader(int leader) {
    ConfChange change = active ? ongaro.onNewLeader(leader) : null;
    if (change != null) {
      sim.at(0, () -> {
        if (usable(leader)) {
          propose(leader, change, null);
        }
      });
      return;
    }
    if (active && !ongaro.busy() && rng.nextBoolean()) {
      sim.at(rng.nextInt(3), () -> {
        if (active) {
          act(leader);
        }
      });
    }
  }

  private boolean usable(int leader) {
    SimNode n = leader == 0 ? null : sim.node(leader);
    return n != null && n.up && !n.paused;
  }

  private void act(int leader) {
    if (!usable(leader) || ongaro.busy()) {
      return;
    }
    Membership m = sim.node(leader).host.membership();
    switch (rng.nextInt(10)) {
      case 0 -> add(leader, m);
      case 1, 8 -> {
        if (!ongaro.start(leader, m, change -> propose(leader, change, null))) {
          add(leader, m);
        }
      }
      case 2, 3 -> promote(leader, m, pick(m.learners()), 10, null);
      case 4 -> demote(leader, m);
      case 5 -> removeFollower(leader, m);
      case 6 -> removeLeader(leader, m);
      default -> replace(leader, m);
    }
  }

  // ---------------------------------------------------------------- the operations

  /** Adds a new node (started empty, joining) as a learner; {@code then} runs once it commits. */
  private void add(int leader, Membership m, Runnable then) {
    if (sim.ids().size() >= MAX_LIVE || sim.maxId() >= MAX_ID) {
      return;
    }
    int id = waitingJoiner(m);
    if (id == 0) {
      id = sim.addNode();
    }
    propose(leader, ConfChange.addLearner(id, "", rng.nextInt(4) == 0, expected(m)), then);
  }

  private void add(int leader, Membership m) {
    add(leader, m, null);
  }

  /** A joiner started earlier whose addition was refused or lost: it is still waiting. */
  private int waitingJoiner(Membership m) {
    for (int id : sim.ids()) {
      SimNode n = sim.node(id);
      if (n.joiner && !m.contains(id) && !removed.contains(id) && n.up) {
        return id;
      }
    }
    return 0;
  }

  /**
   * Promotes learner {@code id}; a learner not caught up (or still rejoining) is retried later,
   * through whichever node leads then, up to {@code tries} times.
   */
  private void promote(int leader, Membership m, int id, int tries, Runnable then) {
    if (id == 0 || !m.isLearner(id)) {
      return;
    }
    SimNode n = sim.node(id);
    boolean rejoining = n.up && n.host.status().rejoining();
    ProposeResult r = rejoining ? null : propose(leader, ConfChange.promote(id, expected(m)), then);
    boolean notReady = rejoining || r.status() == ProposeResult.Status.LEARNER_NOT_READY
        || r.status() == ProposeResult.Status.CHANGE_IN_PROGRESS;
    if (notReady && tries > 1) {
      sim.at(100 + rng.nextInt(200), () -> {
        int now = sim.currentLeader();
        if (active && usable(now)) {
          promote(now, sim.node(now).host.membership(), id, tries - 1, then);
        }
      });
    }
  }

  private void demote(int leader, Membership m) {
    if (m.voterCount() > MIN_VOTERS) {
      propose(leader, ConfChange.demote(pick(voterList(m)), expected(m)), null);
    }
  }

  /** Removes a member other than the leader, a dead one (down or damaged) by preference. */
  private void removeFollower(int leader, Membership m) {
    List<Integer> candidates = m.members().stream().map(io.raftkv.raft.Member::id)
        .filter(id -> id != leader && (!m.isVoter(id) || m.voterCount() > MIN_VOTERS)).toList();
    int id = preferDead(candidates);
    if (id != 0) {
      propose(leader, ConfChange.remove(id, expected(m)), null);
    }
  }

  /** The leader removes or demotes itself: it must hand over and stop leading once committed. */
  private void removeLeader(int leader, Membership m) {
    if (m.voterCount() > MIN_VOTERS && m.isVoter(leader)) {
      propose(leader, rng.nextBoolean() ? ConfChange.remove(leader, expected(m))
          : ConfChange.demote(leader, expected(m)), null);
    }
  }

  /**
   * Replaces a voter (a dead one by preference) by a brand-new node: add it as a learner, promote
   * it once caught up, then remove the old one, each step through the leader of the moment.
   */
  private void replace(int leader, Membership m) {
    int old = preferDead(voterList(m));
    add(leader, m, () -> sim.at(rng.nextInt(50), () -> {
      int now = sim.currentLeader();
      if (!active || !usable(now)) {
        return;
      }
      Membership cur = sim.node(now).host.membership();
      int learner = newestLearner(cur);
      promote(now, cur, learner, 15, () -> sim.at(rng.nextInt(50), () -> {
        int l = sim.currentLeader();
        if (active && usable(l)) {
          Membership c = sim.node(l).host.membership();
          if (c.contains(old) && (!c.isVoter(old) || c.voterCount() > MIN_VOTERS)) {
            propose(l, ConfChange.remove(old, expected(c)), null);
          }
        }
      }));
    }));
  }

  // ---------------------------------------------------------------- proposing

  /**
   * Proposes {@code change} to {@code leader}; {@code then} runs when it is applied there. An
   * accepted change is often followed by cutting off or crashing the leader moments later, so it
   * may stay uncommitted across a leader change.
   */
  private ProposeResult propose(int leader, ConfChange change, Runnable then) {
    NodeHost host = sim.node(leader).host;
    NodeHost.Proposal p = host.proposeConfChange(change);
    ProposeResult r = p.result();
    sim.record("CHURN " + change + " to leader " + leader + ": " + r.status()
        + (r.isAccepted() ? " at " + r.index() : " (" + r.reason() + ")"));
    if (r.isAccepted()) {
      if (change.type() == ConfChange.Type.REMOVE) {
        removed.add(change.nodeId());
      }
      p.answer().whenComplete((applied, failure) -> {
        if (failure == null) {
          committed(change, leader, then);
        }
      });
      if (rng.nextInt(3) == 0 && !ongaro.busy()) {
        disrupt(leader);
      }
    } else {
      sim.countChurn(Simulation.CHURN_REFUSED);
    }
    sim.pump(leader);
    return r;
  }

  private void committed(ConfChange change, int leader, Runnable then) {
    sim.record("CHURN committed: " + change);
    sim.countChurn(Simulation.CHURN_COMMITTED);
    boolean leaves = change.type() == ConfChange.Type.REMOVE
        || change.type() == ConfChange.Type.DEMOTE;
    if (leaves && change.nodeId() == leader) {
      sim.countChurn(Simulation.CHURN_LEADER_LEFT);
    }
    if (change.type() == ConfChange.Type.REMOVE && rng.nextInt(3) != 0) {
      int id = change.nodeId();
      sim.at(rng.nextInt(1 + 3 * sim.electionTimeoutMillis()), () -> {
        if (!sim.node(id).retired) {
          sim.retireNode(id);
        }
      });
    }
    if (then != null) {
      then.run();
    }
  }

  /** Cuts off or crashes the leader within a message delay, so its change may stay uncommitted. */
  private void disrupt(int leader) {
    int incarnation = sim.node(leader).incarnation;
    sim.at(1 + rng.nextInt(sim.faults().maxDelayMillis()), () -> {
      SimNode n = sim.node(leader);
      if (!active || !n.up || n.incarnation != incarnation) {
        return;
      }
      if (rng.nextBoolean() && sim.downCount() + 1 <= sim.faultBudget()) {
        sim.crashNode(leader);
        sim.at(100 + rng.nextInt(700), () -> {
          if (!sim.node(leader).up && !sim.node(leader).retired && !sim.node(leader).corrupted) {
            sim.startNode(leader);
          }
        });
      } else {
        Set<Integer> rest = new HashSet<>(sim.ids());
        rest.remove(leader);
        sim.record("CHURN cuts off leader " + leader);
        sim.network().split(Set.of(leader), rest);
        sim.at(100 + rng.nextInt(500), () -> {
          if (ongaro.busy()) {
            return; // the scenario heals its own partition
          }
          sim.record("CHURN heals links");
          sim.network().healAll();
        });
      }
    });
  }

  // ---------------------------------------------------------------- choices

  /** The configuration index to expect: usually the leader's, sometimes stale, or none. */
  private long expected(Membership m) {
    int roll = rng.nextInt(10);
    if (roll == 0) {
      return ConfChange.ANY_INDEX;
    }
    if (roll == 1) {
      return m.index() > 0 ? rng.nextLong(m.index()) : m.index() + 1; // stale: must be refused
    }
    return m.index();
  }

  private int pick(List<Integer> ids) {
    return ids.isEmpty() ? 0 : ids.get(rng.nextInt(ids.size()));
  }

  private static List<Integer> voterList(Membership m) {
    return java.util.Arrays.stream(m.voters()).boxed().toList();
  }

  /** A dead candidate (down, damaged or retired) three times in four if any, else any. */
  private int preferDead(List<Integer> candidates) {
    List<Integer> dead = candidates.stream().filter(id -> {
      SimNode n = sim.node(id);
      return !n.up || n.corrupted;
    }).toList();
    return pick(!dead.isEmpty() && rng.nextInt(4) != 0 ? dead : candidates);
  }

  private static int newestLearner(Membership m) {
    List<Integer> learners = m.learners();
    return learners.isEmpty() ? 0 : learners.get(learners.size() - 1);
  }
}
