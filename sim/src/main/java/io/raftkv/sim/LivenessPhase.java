package io.raftkv.sim;

import io.raftkv.raft.NodeStatus;
import io.raftkv.raft.ProposeResult;
import io.raftkv.raft.Role;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.HeartbeatResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks after healing, within bounds of simulated time: a leader of the final configuration
 * that every member follows must emerge; the commands it accepts must be applied on every member;
 * then, with no client traffic, the cluster must send nothing but heartbeats. A bound missed throws
 * {@link LivenessFailure}.
 */
final class LivenessPhase {
  /** Liveness bound after healing: a leader known to all, in simulated milliseconds. */
  static final int LEADER_BOUND_MILLIS = 5_000;
  /** Liveness bound for the commands proposed after healing to be applied everywhere. */
  static final int COMMIT_BOUND_MILLIS = 2_000;
  static final int IDLE_MILLIS = 2_000;

  private final Simulation sim;
  private final SimConfig cfg;
  private final SafetyChecker checker;
  private final SimClients clients;
  private final NodeDriver driver;

  LivenessPhase(Simulation sim, SimConfig cfg, SafetyChecker checker, SimClients clients,
      NodeDriver driver) {
    this.sim = sim;
    this.cfg = cfg;
    this.checker = checker;
    this.clients = clients;
    this.driver = driver;
  }

  /** Runs the three checks on the healed cluster: a stable leader, commands applied, idleness. */
  void check() {
    int leader = awaitStableLeader();
    proposeAndAwait(leader);
    checkIdle(members(leader), leader);
  }

  /** Nodes that can serve: not permanently stopped by a corrupted log. */
  private boolean live(int id) {
    return !sim.node(id).corrupted;
  }

  /**
   * The nodes the liveness phase waits for: the members of the leader's configuration (the final
   * one), or all participating nodes if no leader is known. A removed node that still runs must
   * merely stay harmless: it must not disturb the leader (checked by its staying stable).
   */
  private List<Integer> members(int leader) {
    if (leader == 0) {
      return sim.ids();
    }
    io.raftkv.raft.Membership m = sim.node(leader).host.membership();
    return sim.ids().stream().filter(m::contains).toList();
  }

  /**
   * Waits for a leader that every node follows, that has committed an entry of its own term, and
   * that stays so for two election timeouts: a leader cut off before healing may look followed for
   * a moment while the others' election timers run out.
   */
  private int awaitStableLeader() {
    long deadline = sim.now() + LEADER_BOUND_MILLIS;
    long settleMillis = 2L * cfg.electionTicks() * cfg.tickMillis();
    int candidate = 0;
    long since = sim.now();
    while (sim.now() < deadline) {
      int leader = sim.currentLeader();
      if (leader == 0 || !allFollow(leader) || !committedInOwnTerm(leader)) {
        candidate = 0;
      } else if (leader != candidate) {
        candidate = leader;
        since = sim.now();
      } else if (sim.now() - since >= settleMillis) {
        return leader;
      }
      sim.runUntil(sim.now() + cfg.tickMillis());
    }
    throw new LivenessFailure("no leader known to all nodes within " + LEADER_BOUND_MILLIS
        + " ms after healing");
  }

  private boolean committedInOwnTerm(int leader) {
    NodeStatus st = sim.node(leader).host.status();
    return sim.node(leader).host.termAt(st.commitIndex()) == st.term();
  }

  private boolean allFollow(int leader) {
    long term = sim.node(leader).host.status().term();
    for (int i : members(leader)) {
      if (!live(i)) {
        continue;
      }
      if (!sim.node(i).up) {
        return false; // restarting after a storage failure
      }
      NodeStatus st = sim.node(i).host.status();
      if (st.leader() != leader || st.term() != term) {
        return false;
      }
    }
    return true;
  }

  private void proposeAndAwait(int leader) {
    clients.stop();
    List<ProposeResult> accepted = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      ProposeResult r = sim.node(leader).host.propose(sim.livenessWrite((byte) k)).result();
      if (!r.isAccepted()) {
        throw new LivenessFailure("stable leader " + leader + " refused a proposal: " + r);
      }
      accepted.add(r);
    }
    sim.record("propose 5 commands to " + leader + ", last at " + accepted.get(4).index());
    driver.pump(leader);
    long deadline = sim.now() + COMMIT_BOUND_MILLIS;
    while (sim.now() < deadline) {
      if (allApplied(accepted, members(leader))) {
        return;
      }
      sim.runUntil(sim.now() + cfg.tickMillis());
    }
    throw new LivenessFailure("commands accepted by leader " + leader + " (up to index "
        + accepted.get(4).index() + ") not applied on every node within " + COMMIT_BOUND_MILLIS
        + " ms; leader's view of followers:\n" + sim.node(leader).host.describeProgress());
  }

  private boolean allApplied(List<ProposeResult> accepted, List<Integer> members) {
    ProposeResult last = accepted.get(accepted.size() - 1);
    for (ProposeResult r : accepted) {
      long t = checker.committedTerm(r.index());
      if (t >= 0 && t != r.term()) {
        throw new LivenessFailure("command accepted at " + r.index() + "/" + r.term()
            + " by a stable leader was replaced by term " + t);
      }
    }
    for (int i : members) {
      if (live(i) && (!sim.node(i).up || sim.node(i).host.appliedIndex() < last.index())) {
        return false;
      }
    }
    return true;
  }

  /** An idle cluster sends only heartbeats and their answers. */
  private void checkIdle(List<Integer> members, int leader) {
    driver.countOnlyFrom(members);
    long term = sim.node(leader).host.status().term();
    sim.runUntil(sim.now() + 20L * cfg.tickMillis()); // let commit-index updates settle
    Map<String, Long> before = new HashMap<>(driver.sentByType());
    long sentBefore = driver.messagesSent();
    sim.runUntil(sim.now() + IDLE_MILLIS);
    for (var e : driver.sentByType().entrySet()) {
      long n = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      boolean heartbeat = e.getKey().equals(Heartbeat.class.getSimpleName())
          || e.getKey().equals(HeartbeatResponse.class.getSimpleName());
      if (n > 0 && !heartbeat) {
        throw new LivenessFailure("idle cluster sent " + n + " " + e.getKey()
            + " messages; only heartbeats are expected");
      }
    }
    long ticks = IDLE_MILLIS / cfg.tickMillis();
    NodeStatus st = sim.node(leader).host.status();
    if (st.role() != Role.LEADER || st.term() != term) {
      throw new LivenessFailure("leader " + leader + " of term " + term + " lost its leadership"
          + " in an idle cluster (now " + st.role() + " of term " + st.term() + ")");
    }
    long bound = 2L * (members.size() - 1) * (ticks / cfg.heartbeatTicks() + 1);
    long sent = driver.messagesSent() - sentBefore;
    if (sent > bound) {
      throw new LivenessFailure("idle cluster sent " + sent
          + " heartbeat messages in " + IDLE_MILLIS + " ms; at most " + bound + " expected");
    }
  }
}
