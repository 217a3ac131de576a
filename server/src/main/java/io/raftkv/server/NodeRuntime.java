package io.raftkv.server;

import io.raftkv.kv.ApplyResult;
import io.raftkv.kv.Command;
import io.raftkv.kv.ReadResult;
import io.raftkv.node.MalformedPeerInputException;
import io.raftkv.node.NodeHost;
import io.raftkv.node.NodeObserver;
import io.raftkv.node.NodeStoppedException;
import io.raftkv.raft.ConfChange;
import io.raftkv.raft.Entry;
import io.raftkv.raft.Membership;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.SoftState;
import io.raftkv.raft.message.Message;
import io.raftkv.trace.Trace;
import io.raftkv.trace.TraceToken;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that drives a node: the {@link NodeHost} (core, storage, state machine, pending
 * answers, snapshot policy) is touched only here. Other threads (gRPC handlers, the transport)
 * hand it work through an inbox; it ticks on a real clock and, after each batch of inputs, runs
 * the host's Ready cycle, and publishes a {@link NodeView} for the other threads to read.
 *
 * <p>Any failure of storage or of a Raft safety check stops the node at once (the fatal handler
 * is called, normally exiting the process): continuing could acknowledge what is not durable or
 * apply what is not committed.
 */
final class NodeRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);
  /** Inputs handled per loop turn before the Ready is processed, to bound latency. */
  private static final int MAX_INPUTS_PER_TURN = 4096;

  /**
   * A write that took effect: its result and where in the log.
   *
   * @param trace the Raft side's trace token handing the result back to the server, or null when
   *     not tracing
   */
  public record Applied(long index, long term, ApplyResult result, TraceToken trace) {}

  /**
   * A membership change that took effect: the index of its configuration entry (committed) and
   * the configuration it set.
   */
  public record ConfChanged(long index, Membership membership) {}

  /** An input for the loop; {@code future}, if any, is failed should the node stop first. */
  private record Task(Runnable action, CompletableFuture<?> future) {}

  private final int id;
  private final ClusterConfig.Options options;
  private final NodeHost host;
  private final Consumer<List<Message>> sender;
  private final Consumer<Throwable> onFatal;
  private final RaftTracing tracing;
  private final LinkedBlockingQueue<Task> inbox = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile NodeView view;
  /** Told when the published view starts or stops knowing a leader; see {@link #onLeaderKnown}. */
  private volatile Runnable leaderKnownListener;
  /** Told (on the node thread) when the configuration in force or the leader's peers change. */
  private volatile Consumer<NodeView> peersListener;
  /** Whether a configuration in force held this node, now or before (node thread only). */
  private boolean wasMember;
  /** See {@link NodeView#removedAt()} (node thread only). */
  private long removedAt;

  /**
   * Starts the loop thread over {@code host} (built by the caller with {@link #observer}).
   * {@code sender} receives each Ready's early messages before its persistence and the others
   * once it is durable; {@code onFatal} is called once if the node must stop.
   */
  NodeRuntime(ClusterConfig.Options options, NodeHost host, Consumer<List<Message>> sender,
      Consumer<Throwable> onFatal, RaftTracing tracing) {
    this(options, host, sender, onFatal, tracing, false);
  }

  /**
   * As above; {@code wasMember} says whether this node's data shows it was a member of an earlier
   * configuration than the one in force (so that one not holding it means it was removed).
   */
  NodeRuntime(ClusterConfig.Options options, NodeHost host, Consumer<List<Message>> sender,
      Consumer<Throwable> onFatal, RaftTracing tracing, boolean wasMember) {
    this.wasMember = wasMember;
    this.id = host.id();
    this.options = options;
    this.host = host;
    this.sender = sender;
    this.onFatal = onFatal;
    this.tracing = tracing;
    publishView();
    this.thread = new Thread(this::loop, "raftkv-node-" + id);
    this.thread.start();
  }

  /**
   * What the server records and logs of node {@code id}'s Ready cycle: the seed's trace actions
   * (LeaderElected, Commit, Apply) and the log lines operators read.
   */
  static NodeObserver observer(int id, RaftTracing tracing) {
    return new NodeObserver() {
      @Override
      public void roleChanged(SoftState soft, long term) {
        tracing.roleChanged(soft, term); // LeaderElected
      }

      @Override
      public void applying(Entry e) {
        tracing.applying(e); // Commit (on the leader) and Apply
      }

      @Override
      public void rejoined(int leader) {
        LOG.info("node {} has rejoined: leader {} caught it up past everything it may have"
            + " promised before it lost data; it votes and counts toward quorums again", id,
            leader);
      }

      @Override
      public void rejoinNoticed(String notice) {
        LOG.warn("node {} (leader): {}", id, notice);
      }

      @Override
      public void snapshotInstalled(SnapshotMeta meta, long stateHash) {
        LOG.info("node {} installed snapshot {}/{}", id, meta.index(), meta.term());
      }

      @Override
      public void snapshotTaken(Snapshot snapshot, long compactIndex) {
        LOG.info("node {} took snapshot at index {} ({} bytes), log compacted to {}", id,
            snapshot.meta().index(), snapshot.data().sizeBytes(), compactIndex);
      }
    };
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

  /**
   * Calls {@code listener} on the node thread with each published view whose configuration in
   * force (compared by identity) or whose leader's set of followers differs from the previous
   * one's. Set it before the first input arrives; it is called once at once, from this thread.
   */
  void onPeersChanged(Consumer<NodeView> listener) {
    this.peersListener = listener;
    listener.accept(view);
  }

  // ---------------------------------------------------------------- inputs from other threads

  /** A message from a peer. Malformed ones are logged and dropped. */
  public void deliver(Message m) {
    enqueue(() -> {
      try {
        host.step(m);
      } catch (MalformedPeerInputException e) {
        LOG.warn("node {} dropped a message: {}", id, e.getMessage());
      }
    });
  }

  public void reportUnreachable(int peer) {
    enqueue(() -> host.reportUnreachable(peer));
  }

  public void reportSnapshot(int peer, boolean ok) {
    enqueue(() -> host.reportSnapshot(peer, ok));
  }

  /**
   * Proposes a write. Completes with its result once applied here; fails as {@link
   * NodeHost#propose} says (not leader, overloaded, outcome unknown, stopped).
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
      NodeHost.Proposal p = host.propose(stamped);
      if (p.result().isAccepted()) {
        tracing.proposed(p.result().index(), traced);
      }
      // Completed on this thread, while the entry is applied: the trace token is taken then.
      relay(p.answer(), f, a -> new Applied(a.index(), a.term(), a.result(),
          tracing.resultToken(a.index())));
    });
    return f;
  }

  /**
   * A linearizable read (ReadIndex, thesis §6.4): answered once this node has applied the commit
   * index the leader confirmed after the read arrived.
   */
  public CompletableFuture<ReadResult> readLinearizable(byte[] key) {
    CompletableFuture<ReadResult> f = new CompletableFuture<>();
    enqueue(f, () -> relay(host.readLinearizable(key), f, NodeHost.ReadAnswer::result));
    return f;
  }

  /** A read of this node's applied state, possibly stale (serializable). */
  public CompletableFuture<ReadResult> readLocal(byte[] key) {
    CompletableFuture<ReadResult> f = new CompletableFuture<>();
    enqueue(f, () -> f.complete(host.readLocal(key)));
    return f;
  }

  /**
   * Proposes a single-server membership change (thesis §4.1). Completes once its configuration
   * entry is committed (applied here); fails as {@link NodeHost#proposeConfChange} says.
   */
  public CompletableFuture<ConfChanged> proposeConfChange(ConfChange change) {
    CompletableFuture<ConfChanged> f = new CompletableFuture<>();
    enqueue(f, () -> relay(host.proposeConfChange(change).answer(), f,
        // Completed on this thread while the entry is applied: no later change can be in the
        // log yet (one uncommitted change at a time), so the one in force is the one it set.
        a -> new ConfChanged(a.index(), host.membership())));
    return f;
  }

  /** Asks this node, if leader, to hand leadership to {@code target} (thesis §3.10). */
  public CompletableFuture<Boolean> transferLeadership(int target) {
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    enqueue(f, () -> f.complete(host.transferLeadership(target)));
    return f;
  }

  private static <A, B> void relay(CompletableFuture<A> from, CompletableFuture<B> to,
      Function<A, B> map) {
    from.whenComplete((a, t) -> {
      if (t != null) {
        to.completeExceptionally(t);
      } else {
        to.complete(map.apply(a));
      }
    });
  }

  private void enqueue(Runnable r) {
    if (running) {
      inbox.add(new Task(r, null));
    }
  }

  private void enqueue(CompletableFuture<?> f, Runnable r) {
    if (!running) {
      f.completeExceptionally(new NodeStoppedException("node " + id + " is stopped"));
      return;
    }
    inbox.add(new Task(r, f));
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
          host.tick();
          nextTick += tickNanos;
          if (now - nextTick > 5 * tickNanos) {
            nextTick = now + tickNanos; // after a long pause, do not fire a burst of ticks
          }
        }
        host.processReadies(sender); // throws, and so stops the node, if data is not durable
        publishView();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      fatal(t);
    } finally {
      failAllPending("node " + id + " is stopping");
    }
  }

  private void publishView() {
    NodeView old = view;
    io.raftkv.raft.NodeStatus status = host.status();
    if (old == null || old.membership() != status.membership()) {
      noticeMembership(status.membership());
    }
    view = new NodeView(status, host.stateHash(), host.appliedIndex(), host.keys(),
        host.matchIndexes(), removedAt);
    Runnable l = leaderKnownListener;
    if (l != null && (old == null || old.leaderKnown() != view.leaderKnown()
        || old.removed() != view.removed())) {
      l.run();
    }
    Consumer<NodeView> p = peersListener;
    if (p != null && old != null && (old.membership() != view.membership()
        || !old.matchIndex().keySet().equals(view.matchIndex().keySet()))) {
      p.accept(view);
    }
  }

  /** Notes whether the configuration {@code m}, now in force, holds this node. */
  private void noticeMembership(Membership m) {
    if (m.contains(id)) {
      wasMember = true;
      removedAt = 0; // its removal was truncated away (§4.1: the previous configuration applies)
    } else if (wasMember && removedAt == 0) {
      removedAt = Math.max(1, m.index());
      LOG.warn("node {} was removed from the cluster (configuration index {}); it no longer votes"
          + " or serves", id, m.index());
    }
  }

  private void failAllPending(String why) {
    host.stop(why);
    Task t;
    while ((t = inbox.poll()) != null) {
      if (t.future() != null) {
        t.future().completeExceptionally(new NodeStoppedException(why));
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
    host.storage().close();
  }
}
