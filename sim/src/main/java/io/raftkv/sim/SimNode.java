package io.raftkv.sim;

import io.raftkv.raft.RaftConfig;
import io.raftkv.raft.RaftNode;
import io.raftkv.raft.Snapshot;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One simulated server: a {@link RaftNode}, its durable store and its state machine. A crash
 * throws away the node and the state machine; only the store survives.
 */
final class SimNode {
  final int id;
  final MemoryStore store = new MemoryStore();
  RaftNode raft;
  StateMachine sm;
  boolean up;
  /** Bumped by every crash, so disk completions scheduled before it are recognised as lost. */
  int incarnation;
  /** A Ready is being made durable; the next one waits (Ready/advance are strictly alternating). */
  boolean persisting;
  long lastCommit;
  long appliedSinceSnapshot;

  SimNode(int id) {
    this.id = id;
  }

  void start(SimConfig cfg, List<Integer> voters, RandomGenerator random) {
    RaftConfig rc = RaftConfig.defaults(id, voters, random)
        .withTimeouts(cfg.electionTicks(), cfg.heartbeatTicks())
        .withFlowControl(cfg.entriesPerMessage(), 64 * 1024, cfg.inflightMessages(), 1 << 20);
    var restored = store.restore();
    raft = new RaftNode(rc, restored);
    sm = new StateMachine();
    Snapshot snap = store.snapshot();
    if (snap != null) {
      sm.restore(snap.meta().index(), snap.data());
    }
    up = true;
    persisting = false;
    lastCommit = raft.status().commitIndex();
    appliedSinceSnapshot = 0;
  }

  void crash() {
    up = false;
    incarnation++;
    raft = null;
    sm = null;
    persisting = false;
  }
}
