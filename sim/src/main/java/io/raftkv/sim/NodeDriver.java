package io.raftkv.sim;

import io.raftkv.kv.ApplyResult;
import io.raftkv.node.NodeObserver;
import io.raftkv.raft.Entry;
import io.raftkv.raft.NodeStatus;
import io.raftkv.raft.RaftSafetyException;
import io.raftkv.raft.Ready;
import io.raftkv.raft.Role;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.message.Message;
import io.raftkv.storage.StorageFailedException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Drives each simulated node as its process would run: starts, crashes, pauses and resumes it,
 * feeds it ticks and messages, and carries each Ready through a simulated disk write, checking
 * what it persists, commits and applies after every step. Counts the messages the nodes send.
 */
final class NodeDriver {
  private final Simulation sim;
  private final SimConfig cfg;
  private final SafetyChecker checker;
  private final MembershipChecker membershipChecker;
  private final Network net;
  private final Nemesis nemesis;
  /** Membership changes during the chaos phase, or null if the profile has none. */
  private final MembershipChurn churn;
  /** Rules switched off in every node's core, for the mutant tests. */
  private Set<io.raftkv.raft.InjectedBug> injectedBugs = Set.of();
  private long messagesSent;
  private final Map<String, Long> sentByType = new HashMap<>();
  /**
   * In the idle phase, the members of the final configuration: only their messages are counted
   * (a removed node that never learned of its removal may go on asking for votes, in vain).
   */
  private Set<Integer> idleSenders;

  NodeDriver(Simulation sim, SimConfig cfg, SafetyChecker checker,
      MembershipChecker membershipChecker, Network net, Nemesis nemesis, MembershipChurn churn) {
    this.sim = sim;
    this.cfg = cfg;
    this.checker = checker;
    this.membershipChecker = membershipChecker;
    this.net = net;
    this.nemesis = nemesis;
    this.churn = churn;
  }

  /** Makes every node started from now on run with these core rules switched off. */
  void injectBugs(Set<io.raftkv.raft.InjectedBug> bugs) {
    injectedBugs = Set.copyOf(bugs);
  }

  /** Messages sent, of the idle phase's senders once {@link #countOnlyFrom} is set. */
  long messagesSent() {
    return messagesSent;
  }

  /** {@link #messagesSent} by message type (live: it goes on counting). */
  Map<String, Long> sentByType() {
    return sentByType;
  }

  /** From now on, counts only the messages these nodes send (the final configuration's). */
  void countOnlyFrom(List<Integer> senders) {
    idleSenders = Set.copyOf(senders);
  }

  void startNode(int id) {
    SimNode n = sim.node(id);
    String refused = n.start(cfg, sim.voters(), sim.rng().split(), observer(n),
        rc -> injectedBugs.isEmpty() ? rc : rc.withInjectedBugs(injectedBugs));
    if (refused != null) {
      if (n.corrupted) {
        sim.count(Simulation.CORRUPTED_REFUSED);
      }
      sim.record("node " + id + " did not start: " + refused);
      return;
    }
    membershipChecker.onStarted(id, n.shadow);
    sim.record("start " + id + " " + n.host.status());
    int incarnation = n.incarnation;
    sim.at(1 + sim.rng().nextInt(cfg.tickMillis()), () -> tick(id, incarnation));
    pump(id);
  }

  void pauseNode(int id) {
    SimNode n = sim.node(id);
    if (n.up && !n.paused) {
      sim.record("PAUSE " + id);
      n.paused = true;
    }
  }

  void resumeNode(int id) {
    SimNode n = sim.node(id);
    if (!n.up || !n.paused) {
      return;
    }
    sim.record("RESUME " + id);
    n.paused = false;
    // Each connection's queue is read in order, but which connection the resumed process reads
    // first is up to its event loop: interleave them at random.
    List<java.util.ArrayDeque<Runnable>> queues = new ArrayList<>(n.deferred.values());
    n.deferred.clear();
    while (!queues.isEmpty()) {
      int i = sim.rng().nextInt(queues.size());
      queues.get(i).poll().run();
      if (queues.get(i).isEmpty()) {
        queues.remove(i);
      }
    }
    pump(id);
  }

  void crashNode(int id) {
    sim.count(Simulation.CRASHES);
    sim.record("CRASH " + id);
    sim.node(id).crash();
  }

  private void tick(int id, int incarnation) {
    SimNode n = sim.node(id);
    if (!n.up || n.incarnation != incarnation) {
      return;
    }
    if (n.paused) {
      sim.at(cfg.tickMillis(), () -> tick(id, incarnation)); // a stopped process misses its ticks
      return;
    }
    n.host.tick();
    membershipChecker.afterTick(id, n.host.status());
    sim.at(cfg.tickMillis(), () -> tick(id, incarnation));
    pump(id);
  }

  void deliver(Message m) {
    SimNode n = sim.node(m.to());
    if (!n.up) {
      return;
    }
    if (n.paused) {
      n.defer("peer-" + m.from(), () -> deliver(m)); // waits in that peer's socket
      return;
    }
    sim.record("deliver " + m);
    n.host.step(m);
    pump(m.to());
  }

  void reportSnapshot(int leader, int follower, boolean ok) {
    SimNode n = sim.node(leader);
    if (n.up && n.paused) {
      n.defer("snapshot-" + follower, () -> reportSnapshot(leader, follower, ok));
    } else if (n.up) {
      sim.record("snapshot to " + follower + " reported to " + leader + ": "
          + (ok ? "done" : "failed"));
      n.host.reportSnapshot(follower, ok);
      pump(leader);
    }
  }

  /** Takes the node's next Ready, if any, and starts making it durable. */
  void pump(int id) {
    SimNode n = sim.node(id);
    if (!n.up || n.paused) {
      return;
    }
    afterStep(n);
    if (!n.host.hasReady()) {
      return; // nothing to do, or the last Ready is still being made durable
    }
    Ready rd = n.host.beginReady();
    // Thesis §10.2.1: a leader's replication traffic leaves before its own write is durable, and
    // the core counts its own copy only at advance(); the host's rule, as in the server.
    send(rd.earlyMessages());
    int incarnation = n.incarnation;
    sim.at(rd.mustSync() ? sim.rng().nextInt(sim.faults().maxDiskMillis() + 1) : 0,
        () -> readyDurable(id, incarnation, rd));
  }

  /** The disk finished: the host persists the Ready, sends, applies, answers, advances. */
  private void readyDurable(int id, int incarnation, Ready rd) {
    SimNode n = sim.node(id);
    if (!n.up || n.incarnation != incarnation) {
      return; // crashed before the write completed: it never happened
    }
    if (n.paused) {
      n.defer("disk", () -> readyDurable(id, incarnation, rd)); // the process resumes after it
      return;
    }
    try {
      n.host.finishReady(rd, this::send);
    } catch (StorageFailedException e) {
      // The runtime stops the node at once; nothing of this Ready is sent or acknowledged.
      sim.record("node " + id + " storage failed, node stops: " + e.getMessage());
      n.failedWrite = rd;
      sim.count(Simulation.FSYNC_FAILURES);
      crashNode(id);
      if (!nemesis.active()) {
        sim.at(50, () -> startNode(id)); // after healing, a supervisor restarts the process
      }
      return;
    } catch (IllegalStateException e) {
      if (e instanceof RaftSafetyException) {
        throw e;
      }
      throw new InvariantViolation("node " + id + " failed to finish a Ready: " + e.getMessage());
    }
    pump(id);
  }

  /** What the simulator checks and records of node {@code n}'s Ready cycle. */
  private NodeObserver observer(SimNode n) {
    return new NodeObserver() {
      @Override
      public void persisted(Ready rd) {
        n.shadow.persist(rd);
        checker.onPersisted(n.id, n.shadow, rd.entries());
        membershipChecker.onPersisted(n.id, n.shadow, rd, n.joiner
            ? io.raftkv.raft.Membership.EMPTY : io.raftkv.raft.Membership.ofVoters(sim.voters()));
      }

      @Override
      public void rejoined(int leader) {
        n.mayBeRejoining = false;
        sim.count(Simulation.REJOINS);
        sim.record("node " + n.id + " rejoined, let in by leader " + leader);
      }

      @Override
      public void snapshotInstalled(SnapshotMeta meta, long stateHash) {
        checker.onSnapshotInstalled(n.id, meta.index(), meta.term(), stateHash);
        sim.count(Simulation.SNAPSHOTS_INSTALLED);
        sim.record("node " + n.id + " installed snapshot " + meta.index() + "/" + meta.term());
      }

      @Override
      public void applied(Entry e, ApplyResult result, LongSupplier stateHash) {
        checker.onApplied(n.id, e, stateHash.getAsLong());
      }

      @Override
      public void snapshotTaken(Snapshot snap, long compactIndex) {
        n.shadow.compact(snap, compactIndex);
        sim.record("node " + n.id + " snapshot at " + snap.meta().index() + ", log compacted to "
            + compactIndex);
      }
    };
  }

  private void send(List<Message> messages) {
    for (Message m : messages) {
      if (idleSenders != null && !idleSenders.contains(m.from())) {
        net.send(m); // a removed node that never learned it: harmless, not the cluster's traffic
        continue;
      }
      messagesSent++;
      sentByType.merge(m.getClass().getSimpleName(), 1L, Long::sum);
      net.send(m);
    }
  }

  /** Checks the node's state after a step; a new leader is announced to the fault models. */
  private void afterStep(SimNode n) {
    NodeStatus st = n.host.status();
    checker.onCommit(n.id, n.lastCommit, st.commitIndex(), st.term());
    membershipChecker.onCommit(st.commitIndex());
    boolean newLeader = st.role() == Role.LEADER && checker.onLeader(n.id, st, n.host::termAt);
    membershipChecker.afterStep(n.id, st, n.lastCommit, newLeader);
    n.lastCommit = st.commitIndex();
    if (newLeader) {
      sim.record("LEADER " + n.id + " of term " + st.term() + " " + st.membership());
      nemesis.onNewLeader(n.id);
      if (churn != null) {
        churn.onNewLeader(n.id);
      }
    }
  }
}
