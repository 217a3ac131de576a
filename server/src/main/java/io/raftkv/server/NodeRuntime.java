package io.raftkv.server;

import io.raftkv.kv.ApplyResult;
import io.raftkv.kv.Command;
import io.raftkv.kv.CommandCodec;
import io.raftkv.kv.KvStateMachine;
import io.raftkv.kv.ReadResult;
import io.raftkv.raft.Entry;
import io.raftkv.raft.ProposeResult;
import io.raftkv.raft.RaftNode;
import io.raftkv.raft.ReadState;
import io.raftkv.raft.Ready;
import io.raftkv.raft.Role;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.message.Message;
import io.raftkv.storage.RaftStorage;
import io.raftkv.trace.Trace;
import io.raftkv.trace.TraceToken;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that drives a node: it owns the {@link RaftNode}, the storage and the state
 * machine, and nothing else touches them. Other threads (gRPC handlers, the transport) hand it
 * work through an inbox; it ticks on a real clock and, after each batch of inputs, performs the
 * core's {@link Ready}: send the leader's replication traffic, persist (fsync), send the rest,
 * apply, answer, advance.
 *
 * <p>Any failure of storage or of a Raft safety check stops the node at once (the fatal handler
 * is called, normally exiting the process): continuing could acknowledge what is not durable or
 * apply what is not committed.
 */
public final class NodeRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);
  /** Inputs handled per loop turn before the Ready is processed, to bound latency. */
  private static final int MAX_INPUTS_PER_TURN = 4096;
  /**
   * Snapshot once this many bytes of entries were applied since the last one, however few the
   * entries: the core holds its log in memory until a snapshot compacts it, and 10,000 entries
   * of 1 MiB values would be 10 GiB.
   */
  static final long SNAPSHOT_LOG_BYTES = 64L << 20;
  /** At most this many bytes of entries (by their average size) stay in the log after one. */
  static final long KEEP_TAIL_BYTES = 16L << 20;

  /**
   * A write that took effect: its result and where in the log.
   *
   * @param trace the Raft side's trace token handing the result back to the server, or null when
   *     not tracing
   */
  public record Applied(long index, long term, ApplyResult result, TraceToken trace) {}

  private record PendingWrite(long term, CompletableFuture<Applied> future) {}

  private record PendingRead(byte[] key, CompletableFuture<ReadResult> future) {}

  /** An input for the loop; {@code future}, if any, is failed should the node stop first. */
  private record Task(Runnable action, CompletableFuture<?> future) {}

  private final int id;
  private final List<Integer> voters;
  private final ClusterConfig.Options options;
  private final RaftNode node;
  private final RaftStorage storage;
  private final KvStateMachine kv;
  private final Consumer<Message[]> sender;
  private final Consumer<Throwable> onFatal;
  private final RaftTracing tracing;
  private final LinkedBlockingQueue<Task> inbox = new LinkedBlockingQueue<>();
  private final Map<Long, PendingWrite> writes = new HashMap<>();
  private final Map<Long, PendingRead> reads = new HashMap<>();
  private final TreeMap<Long, List<PendingRead>> readsAwaitingApply = new TreeMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile NodeView view;
  /** Told when the published view starts or stops knowing a leader; see {@link #onLeaderKnown}. */
  private volatile Runnable leaderKnownListener;
  private long nextReadContext = 1;
  private long appliedSinceSnapshot;
  private long appliedBytesSinceSnapshot;
  /** {@code node.rejoinsNoticed()} when last logged. */
  private long rejoinsLogged;

  /**
   * Starts the loop thread. {@code sender} receives each Ready's early messages before its
   * persistence and the others once it is durable; {@code onFatal} is called once if the node
   * must stop.
   */
  public NodeRuntime(int id, List<Integer> voters, ClusterConfig.Options options, RaftNode node,
      RaftStorage storage, KvStateMachine kv, Consumer<Message[]> sender,
      Consumer<Throwable> onFatal) {
    this(id, voters, options, node, storage, kv, sender, onFatal, RaftTracing.OFF);
  }

  /** As above, recording the host {@code raftN}'s trace actions through {@code tracing}. */
  NodeRuntime(int id, List<Integer> voters, ClusterConfig.Options options, RaftNode node,
      RaftStorage storage, KvStateMachine kv, Consumer<Message[]> sender,
      Consumer<Throwable> onFatal, RaftTracing tracing) {
    this.id = id;
    this.voters = List.copyOf(voters);
    this.options = options;
    this.node = node;
    this.storage = storage;
    this.kv = kv;
    this.sender = sender;
    this.onFatal = onFatal;
    this.tracing = tracing;
    publishView();
    this.thread = new Thread(this::loop, "raftkv-node-" + id);
    this.thread.start();
  }

  public int id() {
    return id;
  }

  /** The latest published view of this node; safe from any thread. */
  public NodeView view() {
    return view;
  }

  /**
   * Calls {@code listener} (on the node thread) after each published view that starts or stops
   * knowing a leader. It may miss a change published before this call, so callers read
   * {@link #view()} once after setting it, and the listener reads {@link #view()} itself rather
   * than trusting the change it was told of.
   */
  public void onLeaderKnown(Runnable listener) {
    this.leaderKnownListener = listener;
  }

  // ---------------------------------------------------------------- inputs from other threads

  /** A message from a peer. Malformed ones are logged and dropped. */
  public void deliver(Message m) {
    enqueue(() -> {
      try {
        node.step(m);
      } catch (IllegalArgumentException e) {
        LOG.warn("node {} dropped a message: {}", id, e.getMessage());
      }
    });
  }

  public void reportUnreachable(int peer) {
    enqueue(() -> node.reportUnreachable(peer));
  }

  public void reportSnapshot(int peer, boolean ok) {
    enqueue(() -> node.reportSnapshot(peer, ok));
  }

  /**
   * Proposes a write. Completes with its result once applied here; fails with {@link
   * NotLeaderException} if this node is not (or stops being) the leader before that, or with
   * {@link OverloadedException} under back-pressure.
   */
  public CompletableFuture<Applied> propose(Command command) {
    return propose(command, null);
  }

  /** As above, continuing the server's trace through {@code handoff} (null: not traced). */
  CompletableFuture<Applied> propose(Command command, TraceHandoff handoff) {
    CompletableFuture<Applied> f = new CompletableFuture<>();
    enqueue(f, () -> {
      Command stamped = command.withProposedAtMillis(System.currentTimeMillis());
      Trace traced = tracing.proposing(handoff);
      ProposeResult r = node.propose(CommandCodec.encode(stamped));
      switch (r.status()) {
        case ACCEPTED -> {
          writes.put(r.index(), new PendingWrite(r.term(), f));
          tracing.proposed(r.index(), traced);
        }
        case NOT_LEADER -> f.completeExceptionally(
            new NotLeaderException(r.leaderHint(), "node " + id + " is not the leader"));
        case TRANSFERRING -> f.completeExceptionally(
            new NotLeaderException(0, "leadership is being transferred"));
        case OVERLOADED -> f.completeExceptionally(new OverloadedException(
            "too many uncommitted writes on the leader"));
      }
    });
    return f;
  }

  /**
   * A linearizable read (ReadIndex, thesis §6.4): answered once this node has applied the commit
   * index the leader confirmed after the read arrived.
   */
  public CompletableFuture<ReadResult> readLinearizable(byte[] key) {
    CompletableFuture<ReadResult> f = new CompletableFuture<>();
    enqueue(f, () -> {
      long ctx = nextReadContext++;
      reads.put(ctx, new PendingRead(key, f));
      node.readIndex(ctx);
    });
    return f;
  }

  /** A read of this node's applied state, possibly stale (serializable). */
  public CompletableFuture<ReadResult> readLocal(byte[] key) {
    CompletableFuture<ReadResult> f = new CompletableFuture<>();
    enqueue(f, () -> f.complete(kv.get(key)));
    return f;
  }

  /** Asks this node, if leader, to hand leadership to {@code target} (thesis §3.10). */
  public CompletableFuture<Boolean> transferLeadership(int target) {
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    enqueue(f, () -> f.complete(node.transferLeadership(target)));
    return f;
  }

  private void enqueue(Runnable r) {
    if (running) {
      inbox.add(new Task(r, null));
    }
  }

  private void enqueue(CompletableFuture<?> f, Runnable r) {
    if (!running) {
      f.completeExceptionally(new NotLeaderException(0, "node " + id + " is stopped"));
      return;
    }
    inbox.add(new Task(r, f));
  }

  /** Requests waiting in the inbox, for back-pressure decisions by the services. */
  public int queuedInputs() {
    return inbox.size();
  }

  // ---------------------------------------------------------------- the loop

  private void loop() {
    long tickNanos = TimeUnit.MILLISECONDS.toNanos(options.tickMillis());
    long nextTick = System.nanoTime() + tickNanos;
    try {
      while (running) {
        long wait = nextTick - System.nanoTime();
        Task r = wait > 0 ? inbox.poll(wait, TimeUnit.NANOSECONDS) : inbox.poll();
        for (int n = 0; r != null; n++) {
          r.action().run();
          if (n >= MAX_INPUTS_PER_TURN) {
            break;
          }
          r = inbox.poll();
        }
        long now = System.nanoTime();
        if (now >= nextTick) {
          node.tick();
          nextTick += tickNanos;
          if (now - nextTick > 5 * tickNanos) {
            nextTick = now + tickNanos; // after a long pause, do not fire a burst of ticks
          }
        }
        processReady();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      fatal(t);
    } finally {
      failAllPending("node " + id + " is stopping");
    }
  }

  private void processReady() {
    while (node.hasReady()) {
      Ready rd = node.ready();
      if (rd.softState() != null) {
        tracing.roleChanged(rd.softState(), node.status().term()); // LeaderElected
      }
      // Thesis §10.2.1: the leader's AppendEntries go out first, so the followers write while we
      // do; the core counts our own copy toward the majority only after advance().
      if (!rd.earlyMessages().isEmpty()) {
        sender.accept(rd.earlyMessages().toArray(new Message[0]));
      }
      storage.persist(rd); // throws, and so stops the node, if the data is not durable
      if (rd.rejoined()) {
        LOG.info("node {} has rejoined: leader {} caught it up past everything it may have"
            + " promised before it lost data; it votes and counts toward quorums again", id,
            node.status().leader());
      }
      if (node.rejoinsNoticed() != rejoinsLogged) {
        rejoinsLogged = node.rejoinsNoticed();
        LOG.warn("node {} (leader): {}", id, node.lastRejoinNotice());
      }
      if (!rd.messages().isEmpty()) {
        sender.accept(rd.messages().toArray(new Message[0]));
      }
      if (rd.snapshot() != null) {
        kv.restore(rd.snapshot());
        appliedSinceSnapshot = 0;
        appliedBytesSinceSnapshot = 0;
        // The core now holds the received bytes as its latest snapshot; give it the stored file
        // instead, so they can be freed and later sends stream from disk.
        Snapshot stored = storage.snapshot();
        if (stored != null && stored.meta().index() == rd.snapshot().meta().index()) {
          node.snapshotStored(stored);
        }
        LOG.info("node {} installed snapshot {}", id, rd.snapshot());
      }
      for (Entry e : rd.committedEntries()) {
        tracing.applying(e); // Commit (on the leader) and Apply
        ApplyResult result = kv.apply(e);
        appliedSinceSnapshot++;
        appliedBytesSinceSnapshot += e.data() == null ? 0 : e.data().length;
        PendingWrite w = writes.remove(e.index());
        if (w != null) {
          if (w.term() == e.term()) {
            w.future().complete(new Applied(e.index(), e.term(), result,
                tracing.resultToken(e.index())));
          } else {
            w.future().completeExceptionally(new NotLeaderException(0,
                "the write was lost in a leader change; retry it"));
          }
        }
      }
      for (ReadState rs : rd.readStates()) {
        PendingRead p = reads.remove(rs.context());
        if (p == null) {
          continue;
        }
        if (rs.outcome() == ReadState.Outcome.READY) {
          readsAwaitingApply.computeIfAbsent(rs.index(), k -> new ArrayList<>()).add(p);
        } else {
          p.future().completeExceptionally(new NotLeaderException(node.status().leader(),
              "leadership could not be confirmed for the read"));
        }
      }
      if (rd.softState() != null && rd.softState().role() != Role.LEADER) {
        failWrites("node " + id + " is no longer the leader");
      }
      node.advance(rd);
      serveReads();
      maybeSnapshot();
    }
    publishView();
  }

  private void serveReads() {
    long applied = kv.appliedIndex();
    while (!readsAwaitingApply.isEmpty() && readsAwaitingApply.firstKey() <= applied) {
      for (PendingRead p : readsAwaitingApply.pollFirstEntry().getValue()) {
        p.future().complete(kv.get(p.key()));
      }
    }
  }

  private void maybeSnapshot() {
    if (appliedSinceSnapshot < options.snapshotEntries()
        && appliedBytesSinceSnapshot < SNAPSHOT_LOG_BYTES) {
      return;
    }
    long index = kv.appliedIndex();
    long start = System.nanoTime();
    // Streamed straight into the snapshot file; the core gets a handle that reads the file when a
    // follower needs it, not a copy of the state.
    Snapshot snap = storage.compact(new SnapshotMeta(index, kv.appliedTerm(), voters),
        kv.snapshotSizeBytes(), kv::snapshot);
    // Keep a tail of entries so a follower a little behind catches up by log, not by snapshot.
    long averageBytes = Math.max(1, appliedBytesSinceSnapshot / Math.max(1, appliedSinceSnapshot));
    long keep = Math.min(Math.min(options.snapshotEntries() / 2, 10_000),
        KEEP_TAIL_BYTES / averageBytes);
    node.snapshotTaken(snap, Math.max(0, index - keep));
    appliedSinceSnapshot = 0;
    appliedBytesSinceSnapshot = 0;
    LOG.info("node {} took snapshot at index {} ({} bytes) in {} ms", id, index,
        snap.data().sizeBytes(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  private void publishView() {
    NodeView old = view;
    view = new NodeView(node.status(), kv.stateHash(), kv.appliedIndex(), kv.size(),
        node.matchIndexes());
    Runnable l = leaderKnownListener;
    if (l != null && (old == null || old.leaderKnown() != view.leaderKnown())) {
      l.run();
    }
  }

  private void failWrites(String why) {
    int leader = node.status().leader();
    for (PendingWrite w : writes.values()) {
      w.future().completeExceptionally(new NotLeaderException(leader == id ? 0 : leader, why));
    }
    writes.clear();
  }

  private void failAllPending(String why) {
    failWrites(why);
    for (PendingRead p : reads.values()) {
      p.future().completeExceptionally(new NotLeaderException(0, why));
    }
    reads.clear();
    for (List<PendingRead> list : readsAwaitingApply.values()) {
      list.forEach(p -> p.future().completeExceptionally(new NotLeaderException(0, why)));
    }
    readsAwaitingApply.clear();
    Task t;
    while ((t = inbox.poll()) != null) {
      if (t.future() != null) {
        t.future().completeExceptionally(new NotLeaderException(0, why));
      }
    }
  }

  private void fatal(Throwable t) {
    running = false;
    LOG.error("node {} is stopping: {}", id, t.toString(), t);
    onFatal.accept(t);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    storage.close();
  }
}
