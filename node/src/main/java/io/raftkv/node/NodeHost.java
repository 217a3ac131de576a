package io.raftkv.node;

import io.raftkv.kv.ApplyResult;
import io.raftkv.kv.Command;
import io.raftkv.kv.CommandCodec;
import io.raftkv.kv.KvStateMachine;
import io.raftkv.kv.ReadResult;
import io.raftkv.raft.ConfChange;
import io.raftkv.raft.Entry;
import io.raftkv.raft.Membership;
import io.raftkv.raft.NodeStatus;
import io.raftkv.raft.ProposeResult;
import io.raftkv.raft.RaftNode;
import io.raftkv.raft.ReadState;
import io.raftkv.raft.Ready;
import io.raftkv.raft.Role;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.message.Message;
import io.raftkv.storage.RaftStorage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One replica: its {@link RaftNode}, {@link RaftStorage} and {@link KvStateMachine}, the writes
 * and reads waiting for their answers, and the snapshot policy. The same code serves clients in
 * the server (driven by its node thread and real clock) and runs in the simulator (driven by
 * simulated time, disk and network), so the swarm's invariants and linearizability check cover
 * the answers the server gives.
 *
 * <p>Single-threaded and without a clock, threads or sockets: every method must be called from
 * the one thread that drives the node. Answers are {@link CompletableFuture}s completed on that
 * thread, inside {@link #finishReady} (or at once when refused).
 *
 * <p>The Ready cycle is split where the leader's early messages leave before the write (thesis
 * §10.2.1): {@link #beginReady} returns the Ready, whose {@code earlyMessages} the caller sends
 * at once; {@link #finishReady} then persists it, sends the rest, installs, applies, answers and
 * advances. The server calls both in a row ({@link #processReadies}); the simulator completes the
 * write after a simulated disk delay, and a crash in between loses it.
 */
public final class NodeHost {
  /** A write that took effect: where in the log, and its result. */
  public record Applied(long index, long term, ApplyResult result) {}

  /** A linearizable read's answer and the read index it was served at (thesis §6.4). */
  public record ReadAnswer(ReadResult result, long readIndex) {}

  /** A proposal as the core took it ({@code result}), and its answer to come. */
  public record Proposal(ProposeResult result, CompletableFuture<Applied> answer) {}

  private record PendingWrite(long term, CompletableFuture<Applied> future) {}

  private record PendingRead(byte[] key, CompletableFuture<ReadAnswer> future) {}

  private final int id;
  private final RaftNode raft;
  private final RaftStorage storage;
  private final KvStateMachine kv;
  private final SnapshotPolicy policy;
  private final NodeObserver observer;
  /** Handed to {@link NodeObserver#applied} (one object, not one per applied entry). */
  private final LongSupplier stateHash;
  private final Map<Long, PendingWrite> writes = new HashMap<>();
  private final Map<Long, PendingRead> reads = new HashMap<>();
  private final TreeMap<Long, List<PendingRead>> readsAwaitingApply = new TreeMap<>();
  private long nextReadContext = 1;
  private long appliedSinceSnapshot;
  private long appliedBytesSinceSnapshot;
  private long rejoinsSeen;
  private Ready outstanding;
  private String stopped;

  /**
   * A host for a node recovered from {@code storage}: {@code raft} was built from its restored
   * state and {@code kv} restored from its snapshot, if any.
   */
  public NodeHost(int id, RaftNode raft, RaftStorage storage,
      KvStateMachine kv, SnapshotPolicy policy, NodeObserver observer) {
    this.id = id;
    this.raft = raft;
    this.storage = storage;
    this.kv = kv;
    this.policy = policy;
    this.observer = observer;
    this.stateHash = kv::stateHash;
  }

  public int id() {
    return id;
  }

  // ---------------------------------------------------------------- inputs

  /** One tick of logical time. */
  public void tick() {
    raft.tick();
  }

  /**
   * A message from a peer.
   *
   * @throws MalformedPeerInputException if no correct peer could have sent it (it was dropped)
   */
  public void step(Message m) {
    try {
      raft.step(m);
    } catch (IllegalArgumentException e) {
      throw new MalformedPeerInputException(e.getMessage(), e);
    }
  }

  public void reportUnreachable(int peer) {
    raft.reportUnreachable(peer);
  }

  public void reportSnapshot(int peer, boolean ok) {
    raft.reportSnapshot(peer, ok);
  }

  /** Asks this node, if leader, to hand leadership to {@code target} (thesis §3.10). */
  public boolean transferLeadership(int target) {
    return raft.transferLeadership(target);
  }

  /**
   * Proposes a write (stamped by the caller with its proposal time). Its answer completes once it
   * is applied here; fails with {@link NotLeaderException} or {@link OverloadedException} if the
   * core refuses it, with {@link OutcomeUnknownException} if this node stops leading before the
   * outcome is known, and with {@link NodeStoppedException} if the node stops.
   */
  public Proposal propose(Command command) {
    return track(() -> raft.propose(CommandCodec.encode(command)));
  }

  /**
   * Proposes a single-server membership change (thesis §4.1; see {@link RaftNode#proposeConfChange}).
   * Its answer completes once the configuration entry is applied here, which is once it is
   * committed; fails with {@link MembershipChangeRefusedException} if the leader refuses it, with
   * {@link NotLeaderException} on a follower or during a transfer, and like a write ({@link
   * OutcomeUnknownException}, {@link NodeStoppedException}) otherwise.
   */
  public Proposal proposeConfChange(ConfChange change) {
    return track(() -> raft.proposeConfChange(change));
  }

  /** Proposes through {@code proposal} unless stopped, and ties the answer to what it returns. */
  private Proposal track(java.util.function.Supplier<ProposeResult> proposal) {
    CompletableFuture<Applied> f = new CompletableFuture<>();
    if (stopped != null) {
      f.completeExceptionally(new NodeStoppedException(stopped));
      return new Proposal(new ProposeResult(ProposeResult.Status.NOT_LEADER, 0, 0, 0), f);
    }
    ProposeResult r = proposal.get();
    switch (r.status()) {
      case ACCEPTED -> writes.put(r.index(), new PendingWrite(r.term(), f));
      case NOT_LEADER -> f.completeExceptionally(
          new NotLeaderException(r.leaderHint(), "node " + id + " is not the leader"));
      case TRANSFERRING -> f.completeExceptionally(
          new NotLeaderException(0, "leadership is being transferred"));
      case OVERLOADED -> f.completeExceptionally(new OverloadedException(
          "too many uncommitted writes on the leader"));
      default -> f.completeExceptionally(
          new MembershipChangeRefusedException(r.status(), r.reason()));
    }
    return new Proposal(r, f);
  }

  /**
   * A linearizable read (ReadIndex, thesis §6.4): answered once this node has applied the commit
   * index the leader confirmed after the read arrived; fails with {@link NotLeaderException} if
   * leadership could not be confirmed.
   */
  public CompletableFuture<ReadAnswer> readLinearizable(byte[] key) {
    CompletableFuture<ReadAnswer> f = new CompletableFuture<>();
    if (stopped != null) {
      f.completeExceptionally(new NodeStoppedException(stopped));
      return f;
    }
    long ctx = nextReadContext++;
    reads.put(ctx, new PendingRead(key, f));
    raft.readIndex(ctx);
    return f;
  }

  /** A read of this node's applied state, possibly stale (serializable). */
  public ReadResult readLocal(byte[] key) {
    return kv.get(key);
  }

  // ---------------------------------------------------------------- the Ready cycle

  /** Whether {@link #beginReady} has a batch (never while one is being finished). */
  public boolean hasReady() {
    return outstanding == null && stopped == null && raft.hasReady();
  }

  /**
   * Takes the next batch. The caller sends its {@code earlyMessages} now (they promise nothing
   * about this node's disk) and then calls {@link #finishReady} with it.
   */
  public Ready beginReady() {
    if (outstanding != null) {
      throw new IllegalStateException("beginReady() again before finishReady()");
    }
    Ready rd = raft.ready();
    outstanding = rd;
    if (rd.softState() != null) {
      observer.roleChanged(rd.softState(), raft.status().term());
    }
    return rd;
  }

  /**
   * Completes {@code rd}: persists it (fsync when it says so), then sends its other messages
   * through {@code send}, installs its snapshot, applies its committed entries and answers the
   * writes and reads they settle, fails the writes a lost leadership leaves unknown, advances
   * the core, and snapshots if the policy says so.
   *
   * @throws io.raftkv.storage.StorageFailedException if the data could not be made durable: the
   *     node must stop, nothing of {@code rd} was sent or applied
   */
  public void finishReady(Ready rd, Consumer<List<Message>> send) {
    if (rd != outstanding) {
      throw new IllegalStateException("finishReady() with a Ready beginReady() did not return");
    }
    storage.persist(rd);
    observer.persisted(rd);
    if (rd.rejoined()) {
      observer.rejoined(raft.status().leader());
    }
    if (raft.rejoinsNoticed() != rejoinsSeen) {
      rejoinsSeen = raft.rejoinsNoticed();
      observer.rejoinNoticed(raft.lastRejoinNotice());
    }
    if (!rd.messages().isEmpty()) {
      send.accept(rd.messages());
    }
    if (rd.snapshot() != null) {
      install(rd.snapshot());
    }
    for (Entry e : rd.committedEntries()) {
      apply(e);
    }
    for (ReadState rs : rd.readStates()) {
      readStateReady(rs);
    }
    if (rd.softState() != null && rd.softState().role() != Role.LEADER) {
      int leader = rd.softState().leader();
      failWrites(new OutcomeUnknownException(leader == id ? 0 : leader, "node " + id
          + " is no longer the leader; the write may or may not be applied: retry it with the"
          + " same op id"));
    }
    outstanding = null;
    raft.advance(rd);
    serveReads();
    maybeSnapshot();
  }

  /** Runs every batch there is, each in full: what the server does after each turn of inputs. */
  public void processReadies(Consumer<List<Message>> send) {
    while (hasReady()) {
      Ready rd = beginReady();
      if (!rd.earlyMessages().isEmpty()) {
        send.accept(rd.earlyMessages());
      }
      finishReady(rd, send);
    }
  }

  private void install(Snapshot snapshot) {
    kv.restore(snapshot);
    appliedSinceSnapshot = 0;
    appliedBytesSinceSnapshot = 0;
    // The core now holds the received bytes as its latest snapshot; give it the stored file
    // instead, so they can be freed and later sends stream from disk.
    Snapshot stored = storage.snapshot();
    if (stored != null && stored.meta().index() == snapshot.meta().index()) {
      raft.snapshotStored(stored);
    }
    observer.snapshotInstalled(snapshot.meta(), kv.stateHash());
  }

  private void apply(Entry e) {
    observer.applying(e);
    ApplyResult result = kv.apply(e);
    appliedSinceSnapshot++;
    appliedBytesSinceSnapshot += e.data().length;
    observer.applied(e, result, stateHash);
    PendingWrite w = writes.remove(e.index());
    if (w == null) {
      return;
    }
    if (w.term() == e.term()) {
      w.future().complete(new Applied(e.index(), e.term(), result));
    } else {
      // §5.3: a later leader replaced our entry at this index; ours was never committed.
      w.future().completeExceptionally(new OutcomeUnknownException(raft.status().leader(),
          "the write was replaced in a leader change; retry it with the same op id"));
    }
  }

  private void readStateReady(ReadState rs) {
    PendingRead p = reads.remove(rs.context());
    if (p == null) {
      return;
    }
    if (rs.outcome() == ReadState.Outcome.READY) {
      observer.readIndexConfirmed(rs.context(), rs.index());
      readsAwaitingApply.computeIfAbsent(rs.index(), k -> new ArrayList<>()).add(p);
    } else {
      p.future().completeExceptionally(new NotLeaderException(raft.status().leader(),
          "leadership could not be confirmed for the read"));
    }
  }

  private void serveReads() {
    long applied = kv.appliedIndex();
    while (!readsAwaitingApply.isEmpty() && readsAwaitingApply.firstKey() <= applied) {
      var ready = readsAwaitingApply.pollFirstEntry();
      for (PendingRead p : ready.getValue()) {
        p.future().complete(new ReadAnswer(kv.get(p.key()), ready.getKey()));
      }
    }
  }

  private void maybeSnapshot() {
    if (!policy.due(appliedSinceSnapshot, appliedBytesSinceSnapshot)) {
      return;
    }
    long index = kv.appliedIndex();
    if (index < raft.status().firstIndex() - 1) {
      // The core already holds a newer snapshot from the leader, which the next Ready installs;
      // it also knows no configuration below it (the one a snapshot here would have to carry).
      return;
    }
    // Streamed straight into the snapshot file; the core gets a handle that reads the file when a
    // follower needs it, not a copy of the state.
    Snapshot snap = storage.compact(new SnapshotMeta(index, kv.appliedTerm(),
            raft.membershipAt(index)),
        kv.snapshotSizeBytes(), kv::snapshot);
    long keep = policy.keepEntries(appliedSinceSnapshot, appliedBytesSinceSnapshot);
    // Never past what is durable here: compacting drops entries from the core's log.
    long compactIndex = Math.min(Math.max(0, index - keep), raft.status().stableIndex());
    raft.snapshotTaken(snap, compactIndex);
    appliedSinceSnapshot = 0;
    appliedBytesSinceSnapshot = 0;
    observer.snapshotTaken(snap, compactIndex);
  }

  // ---------------------------------------------------------------- stopping

  /**
   * Stops answering: every waiting write and read fails with {@link NodeStoppedException} saying
   * {@code why}, and so does everything asked afterwards. (A crashed process answers nothing; the
   * simulator just drops the host.)
   */
  public void stop(String why) {
    stopped = why;
    failWrites(new NodeStoppedException(why));
    for (PendingRead p : reads.values()) {
      p.future().completeExceptionally(new NodeStoppedException(why));
    }
    reads.clear();
    for (List<PendingRead> list : readsAwaitingApply.values()) {
      list.forEach(p -> p.future().completeExceptionally(new NodeStoppedException(why)));
    }
    readsAwaitingApply.clear();
  }

  private void failWrites(RuntimeException why) {
    for (PendingWrite w : writes.values()) {
      w.future().completeExceptionally(why);
    }
    writes.clear();
  }

  // ---------------------------------------------------------------- observation

  /** The core's status now. */
  public NodeStatus status() {
    return raft.status();
  }

  /** The term of the entry at {@code index} in this node's log, or -1 if it does not hold it. */
  public long termAt(long index) {
    return raft.termAt(index);
  }

  /** The configuration in force on this node: the latest in its log (thesis §4.1). */
  public Membership membership() {
    return raft.membership();
  }

  /** The leader's view of each follower's log; empty on a non-leader. */
  public Map<Integer, Long> matchIndexes() {
    return raft.matchIndexes();
  }

  /** A multi-line description of the leader's view of each follower (empty on a non-leader). */
  public String describeProgress() {
    return raft.describeProgress();
  }

  /** Hash of the key-value state at {@link #appliedIndex()}. */
  public long stateHash() {
    return kv.stateHash();
  }

  public long appliedIndex() {
    return kv.appliedIndex();
  }

  /** Number of keys stored. */
  public int keys() {
    return kv.size();
  }

  /** The storage, for what only operators and fault injectors look at (file names, sync counts). */
  public RaftStorage storage() {
    return storage;
  }
}
