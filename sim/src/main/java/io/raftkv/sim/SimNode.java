package io.raftkv.sim;

import io.raftkv.kv.KvConfig;
import io.raftkv.kv.KvStateMachine;
import io.raftkv.node.NodeHost;
import io.raftkv.node.NodeObserver;
import io.raftkv.node.SnapshotPolicy;
import io.raftkv.raft.RaftConfig;
import io.raftkv.raft.RaftNode;
import io.raftkv.raft.Ready;
import io.raftkv.raft.RestoredState;
import io.raftkv.raft.Snapshot;
import io.raftkv.storage.CorruptStorageException;
import io.raftkv.storage.RaftStorage;
import io.raftkv.storage.StorageException;
import io.raftkv.storage.StorageOptions;
import io.raftkv.storage.disk.SimulatedDisk;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated server: the server's own {@link NodeHost} (the Raft core, the real storage code on
 * a {@link SimulatedDisk}, the state machine, the pending answers, the snapshot policy). A crash
 * throws away the host and makes the disk lose what was not synced; a restart recovers from the
 * disk. {@link #shadow} records what the node made durable, independently of the storage code, so
 * every recovery can be checked against it.
 */
final class SimNode {
  static final Path DIR = Path.of("/raftkv/node");
  /** Small segments, so that rolls, releases and multi-segment recovery happen in every run. */
  private static final long SEGMENT_BYTES = 4096;

  final int id;
  final MemoryStore shadow = new MemoryStore();
  /** Replaced by a new, empty disk when the nemesis wipes the node ({@link #wipe}). */
  SimulatedDisk disk;
  private final SplittableRandom storageRandom;
  /** Whether the node has started once: an empty directory from then on joins as a member. */
  private boolean started;
  /** A hand-made bug: a node that lost state votes at once ({@code Simulation.withRejoiningIgnored}). */
  boolean rejoiningIgnored;
  /**
   * The first index of a record the nemesis damaged at the end of the node's log while it was
   * down (recovery cuts it and everything after it), or 0.
   */
  long tailLostFrom;
  /** The node lost state and has not yet been seen to rejoin (the nemesis keeps such nodes few). */
  boolean mayBeRejoining;
  /** The running replica, or null while down. */
  NodeHost host;
  boolean up;
  /** A record in the middle of its log was damaged: it must never start again. */
  boolean corrupted;
  /** Bumped by every crash, so disk completions scheduled before it are recognised as lost. */
  int incarnation;
  long lastCommit;
  /** Paused like a SIGSTOPped process: it processes nothing until resumed. */
  boolean paused;
  /**
   * What arrived or completed while paused, per source (a peer's connection, a client's, the
   * disk), each in order, to run at resume.
   */
  final java.util.Map<String, java.util.ArrayDeque<Runnable>> deferred =
      new java.util.LinkedHashMap<>();

  void defer(String source, Runnable r) {
    deferred.computeIfAbsent(source, k -> new java.util.ArrayDeque<>()).add(r);
  }
  /** The Ready whose write failed (fsync error) before this node stopped, if any. */
  Ready failedWrite;

  /**
   * Started empty to join an existing cluster (membership churn): it knows no configuration until
   * a leader's log gives it one, and its storage starts rejoining.
   */
  final boolean joiner;
  /** Removed from the cluster and shut down for good ({@code Simulation.retireNode}). */
  boolean retired;

  SimNode(int id, SplittableRandom random, boolean joiner) {
    this.id = id;
    this.joiner = joiner;
    this.disk = new SimulatedDisk(random.split());
    this.storageRandom = random.split();
  }

  /**
   * Recovers from the disk and starts. Returns null if it started, else why not: the storage
   * refused because of damage (required for a node whose log was corrupted, forbidden for any
   * other), or a disk operation failed during recovery (the node may be started again later).
   */
  String start(SimConfig cfg, List<Integer> voters, SplittableRandom random,
      NodeObserver observer, java.util.function.UnaryOperator<RaftConfig> config) {
    RaftStorage storage;
    try {
      storage = RaftStorage.open(disk, DIR, "sim", id, StorageOptions.defaults()
          .withSegmentSizeBytes(SEGMENT_BYTES).withIncarnationSource(storageRandom::nextLong)
          .withJoinExisting(started || joiner));
    } catch (CorruptStorageException e) {
      if (corrupted) {
        return "its log is corrupted, as it must: " + e.getMessage();
      }
      throw new InvariantViolation("node " + id + " refused to start on undamaged storage: "
          + e.getMessage());
    } catch (StorageException e) {
      disk.crash(); // the failed start is a crashed process too
      return "a disk operation failed during recovery: " + e.getMessage();
    }
    if (corrupted) {
      throw new InvariantViolation("node " + id + " started although a record in the middle of "
          + "its log was corrupted: it could serve wrong data");
    }
    RestoredState restored = storage.restoredState();
    shadow.checkRecoveredAndAdopt(id, restored, failedWrite, tailLostFrom);
    if (rejoiningIgnored) {
      restored = restored.withRejoining(false);
      mayBeRejoining = false;
    } else if (mayBeRejoining && !restored.rejoining()) {
      throw new InvariantViolation("node " + id + " lost state it may have promised (wiped, or"
          + " an acknowledged record cut) but restarted as a voting member: " + restored);
    }
    failedWrite = null;
    tailLostFrom = 0;
    started = true;
    List<Integer> bootstrap = joiner ? List.of() : voters;
    RaftConfig rc = config.apply(RaftConfig.defaults(id, bootstrap, random))
        .withTimeouts(cfg.electionTicks(), cfg.heartbeatTicks())
        .withFlowControl(cfg.entriesPerMessage(), 64 * 1024, cfg.inflightMessages(), 1 << 20);
    RaftNode raft = new RaftNode(rc, restored);
    KvStateMachine sm = new KvStateMachine(KvConfig.defaults());
    Snapshot snap = restored.snapshot();
    if (snap != null) {
      sm.restore(snap);
    }
    host = new NodeHost(id, raft, storage, sm, new SnapshotPolicy(cfg.snapshotEvery(),
        64L << 20, 16L << 20), observer);
    up = true;
    lastCommit = raft.status().commitIndex();
    return null;
  }

  /**
   * Loses the whole data directory (a dead disk replaced, or an operator's repair of a damaged
   * one): the next start finds an empty directory and joins the existing cluster, as the node
   * would be restarted with {@code --initial-cluster-state existing}. Call while the node is down.
   */
  void wipe(SplittableRandom random) {
    if (up) {
      throw new IllegalStateException("wipe a running node");
    }
    disk = new SimulatedDisk(random.split());
    shadow.wipe();
    corrupted = false;
    failedWrite = null;
    tailLostFrom = 0;
    mayBeRejoining = true;
  }

  void crash() {
    up = false;
    paused = false;
    deferred.clear();
    incarnation++;
    host = null; // abandoned, storage not closed: a crashed process closes nothing, answers nothing
    disk.crash();
  }
}
