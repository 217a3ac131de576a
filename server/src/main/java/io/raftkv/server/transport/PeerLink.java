package io.raftkv.server.transport;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.raftkv.api.peer.v1.MessageBatch;
import io.raftkv.api.peer.v1.RaftMessage;
import io.raftkv.api.peer.v1.RaftPeerGrpc;
import io.raftkv.api.peer.v1.SendSummary;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outgoing half of one peer connection: one long-lived client stream, written by the caller's
 * thread (the node runtime's loop) with no hand-off, one batch per {@link #send} call (split at
 * {@link #MAX_BATCH} messages or {@link #MAX_BATCH_BYTES}).
 *
 * <p>Back-pressure: messages are written only while gRPC says the stream is ready; the rest wait
 * in a bounded queue that the stream's readiness callback drains (on the channel's event loop). A
 * full queue drops new messages and reports the peer unreachable (Raft tolerates loss; the leader
 * falls back to probing). A stream that stays unready for {@link #STUCK_NANOS} is cancelled, and a
 * broken stream is reopened by a later send after a back-off (0 at first, then 50 ms doubling to
 * 250 ms while it keeps failing); whatever is sent meanwhile is dropped the same way. The back-off
 * is short because a restarted peer hears nothing from its leader until this link reconnects,
 * and a try against a peer that is down costs one refused connection.
 *
 * <p>Thread safety: {@link #send} and the stream's callbacks synchronize on this link. Nothing here
 * blocks: gRPC's {@code onNext} only queues the frame for the event loop.
 */
final class PeerLink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
  static final int QUEUE_CAPACITY = 4096;
  static final int MAX_BATCH = 512;
  /** A batch stops growing at this size, well under the peers' 64 MiB inbound message limit. */
  static final int MAX_BATCH_BYTES = 4 << 20;
  static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(2);
  static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final String clusterId;
  private final int peerId;
  private final ManagedChannel channel;
  private final RaftPeerGrpc.RaftPeerStub stub;
  private final IntConsumer unreachable;
  private final LongSupplier nanoClock;
  /** Encoded messages waiting for the stream to become ready; guarded by this. */
  private final ArrayDeque<RaftMessage> waiting = new ArrayDeque<>();
  private ClientCallStreamObserver<MessageBatch> stream; // guarded by this; null when broken
  private boolean closed; // guarded by this
  private long backoffNanos; // guarded by this
  private long reopenAtNanos; // guarded by this
  /** When the queue last went from empty to not empty while the stream was unready; or -1. */
  private long waitingSinceNanos = -1; // guarded by this
  private int streamsOpened; // guarded by this

  PeerLink(String clusterId, int peerId, ManagedChannel channel, IntConsumer unreachable) {
    this(clusterId, peerId, channel, unreachable, System::nanoTime);
  }

  PeerLink(String clusterId, int peerId, ManagedChannel channel, IntConsumer unreachable,
      LongSupplier nanoClock) {
    this.clusterId = clusterId;
    this.peerId = peerId;
    this.channel = channel;
    this.stub = RaftPeerGrpc.newStub(channel);
    this.unreachable = unreachable;
    this.nanoClock = nanoClock;
    this.reopenAtNanos = nanoClock.getAsLong(); // nanoTime may be negative: compare differences
  }

  /**
   * Writes {@code messages} to the stream as one batch (split as the class says), or queues
   * what the stream cannot take yet. Returns false, having reported the peer unreachable, if they
   * were dropped: the link is closed or broken and backing off, or the queue is full.
   */
  synchronized boolean send(List<RaftMessage> messages) {
    if (messages.isEmpty()) {
      return true;
    }
    long now = nanoClock.getAsLong();
    if (closed || (stream == null && !reopen(now))) {
      unreachable.accept(peerId);
      return false;
    }
    if (waiting.size() + messages.size() > QUEUE_CAPACITY) {
      unreachable.accept(peerId);
      checkStuck(now);
      return false;
    }
    if (waiting.isEmpty() && stream.isReady()) {
      writeAll(messages); // the common case: straight onto the stream, no copy into the queue
      return true;
    }
    waiting.addAll(messages);
    drain(now);
    return true;
  }

  /** Messages queued, not yet written (for tests and status). */
  synchronized int queued() {
    return waiting.size();
  }

  /** Streams opened so far (for tests). */
  synchronized int streamsOpened() {
    return streamsOpened;
  }

  private void writeAll(List<RaftMessage> messages) {
    MessageBatch.Builder b = MessageBatch.newBuilder().setClusterId(clusterId);
    long bytes = 0;
    for (RaftMessage m : messages) {
      int size = m.getSerializedSize();
      if (full(b, bytes, size)) {
        stream.onNext(b.build());
        b = MessageBatch.newBuilder().setClusterId(clusterId);
        bytes = 0;
      }
      b.addMessages(m);
      bytes += size;
    }
    stream.onNext(b.build());
    backoffNanos = 0;
  }

  /** Whether a batch must be sent before {@code size} more bytes join it. */
  private static boolean full(MessageBatch.Builder b, long bytes, int size) {
    int n = b.getMessagesCount();
    return n > 0 && (n >= MAX_BATCH || bytes + size > MAX_BATCH_BYTES);
  }

  /** Writes queued messages while the stream is ready; notices a stream that stays unready. */
  private void drain(long now) {
    while (stream != null && !waiting.isEmpty() && stream.isReady()) {
      MessageBatch.Builder b = MessageBatch.newBuilder().setClusterId(clusterId);
      long bytes = 0;
      while (!waiting.isEmpty() && !full(b, bytes, waiting.peek().getSerializedSize())) {
        RaftMessage m = waiting.poll();
        b.addMessages(m);
        bytes += m.getSerializedSize();
      }
      stream.onNext(b.build());
      backoffNanos = 0;
    }
    if (waiting.isEmpty()) {
      waitingSinceNanos = -1;
    } else if (waitingSinceNanos < 0) {
      waitingSinceNanos = now;
    } else {
      checkStuck(now);
    }
  }

  private void checkStuck(long now) {
    if (stream != null && waitingSinceNanos >= 0 && now - waitingSinceNanos > STUCK_NANOS) {
      // The peer stopped reading: start over rather than buffer without bound.
      LOG.debug("stream to {} unready for over {} ms; reopening", peerId,
          TimeUnit.NANOSECONDS.toMillis(STUCK_NANOS));
      stream.cancel("peer stopped reading", null);
      broken(stream);
    }
  }

  /** Opens a new stream unless backing off; true if one is open. */
  private boolean reopen(long now) {
    if (now - reopenAtNanos < 0) {
      return false;
    }
    backoffNanos = backoffNanos == 0 ? FIRST_BACKOFF_NANOS
        : Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
    reopenAtNanos = now + backoffNanos; // reset to 0 delay by the first successful write
    // This link's back-off decides when to try again, not the channel's: after a refused
    // connection gRPC waits 1 s, then 1.6 s, 2.6 s ... before it connects again, failing calls
    // meanwhile, so a peer restarted after a crash heard from its leader 1-3 s after it listened.
    // The reset makes the channel reconnect now; a call started right after it may still see the
    // old failure, but the next try (one back-off later) finds the fresh connection.
    channel.resetConnectBackoff();
    streamsOpened++;
    stub.send(new Observer());
    return stream != null;
  }

  /** Forgets {@code s} if it is still the current stream; drops what waited for it. */
  private void broken(ClientCallStreamObserver<MessageBatch> s) {
    if (stream != s) {
      return;
    }
    stream = null;
    waitingSinceNanos = -1;
    if (!waiting.isEmpty()) {
      waiting.clear();
      unreachable.accept(peerId);
    }
  }

  /** Callbacks of one stream; they run on the channel's event loop. */
  private final class Observer implements ClientResponseObserver<MessageBatch, SendSummary> {
    private ClientCallStreamObserver<MessageBatch> own;

    @Override
    public void beforeStart(ClientCallStreamObserver<MessageBatch> requestStream) {
      // Runs inside stub.send, so on the thread holding the link's lock.
      own = requestStream;
      stream = requestStream;
      requestStream.setOnReadyHandler(() -> {
        synchronized (PeerLink.this) {
          if (stream == own) {
            drain(nanoClock.getAsLong());
          }
        }
      });
    }

    @Override
    public void onNext(SendSummary value) {}

    @Override
    public void onError(Throwable t) {
      LOG.debug("stream to {} ended: {}", peerId, Status.fromThrowable(t));
      synchronized (PeerLink.this) {
        broken(own);
      }
    }

    @Override
    public void onCompleted() {
      synchronized (PeerLink.this) {
        broken(own);
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    waiting.clear();
    ClientCallStreamObserver<MessageBatch> s = stream;
    stream = null;
    if (s != null) {
      try {
        s.onCompleted();
      } catch (RuntimeException ignored) {
        // already gone
      }
    }
  }
}
