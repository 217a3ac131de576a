package io.raftkv.server.transport;

import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.raftkv.api.v1.MessageBatch;
import io.raftkv.api.v1.RaftMessage;
import io.raftkv.api.v1.RaftPeerGrpc;
import io.raftkv.api.v1.SendSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outgoing half of one peer connection: a bounded queue drained by one thread into one
 * long-lived client stream, many messages per batch.
 *
 * <p>Back-pressure: the thread writes only while gRPC says the stream is ready, so a slow peer
 * fills this link's queue, and a full queue drops new messages and reports the peer unreachable
 * (Raft tolerates loss; the leader falls back to probing). A broken stream is reopened on the next
 * batch after a back-off; what was queued meanwhile is dropped the same way.
 */
final class PeerLink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);
  private static final int QUEUE_CAPACITY = 4096;
  private static final int MAX_BATCH = 512;
  private static final long MAX_BACKOFF_MILLIS = 250;

  private final String clusterId;
  private final int peerId;
  private final ManagedChannel channel;
  private final RaftPeerGrpc.RaftPeerStub stub;
  private final IntConsumer unreachable;
  private final BlockingQueue<RaftMessage> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Thread thread;
  private final Object readyLock = new Object();
  private volatile boolean closed;
  private ClientCallStreamObserver<MessageBatch> stream;
  private volatile boolean broken = true;
  /**
   * Pause before reopening a broken stream: 0 at first, doubling to {@value #MAX_BACKOFF_MILLIS}
   * ms while it keeps failing. Short, because a restarted peer hears nothing from its leader
   * until this link reconnects; a try against a peer that is down costs one refused connection.
   */
  private long backoffMillis;

  PeerLink(String clusterId, int selfId, int peerId, ManagedChannel channel,
      IntConsumer unreachable) {
    this.clusterId = clusterId;
    this.peerId = peerId;
    this.channel = channel;
    this.stub = RaftPeerGrpc.newStub(channel);
    this.unreachable = unreachable;
    this.thread = new Thread(this::run, "raftkv-" + selfId + "-to-" + peerId);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Queues a message; false if the queue is full and the message was dropped. */
  boolean offer(RaftMessage m) {
    if (closed || !queue.offer(m)) {
      unreachable.accept(peerId);
      return false;
    }
    return true;
  }

  private void run() {
    List<RaftMessage> batch = new ArrayList<>(MAX_BATCH);
    while (!closed) {
      try {
        RaftMessage first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        sendBatch(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.debug("sending to {} failed: {}", peerId, e.toString());
        markBroken();
      } finally {
        batch.clear();
      }
    }
  }

  private void sendBatch(List<RaftMessage> batch) throws InterruptedException {
    if (broken && !reopen()) {
      unreachable.accept(peerId);
      return; // dropped: the peer is unreachable, Raft will retry what matters
    }
    synchronized (readyLock) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (!stream.isReady() && !broken && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          markBroken(); // the peer stopped reading: start over rather than buffer without bound
          unreachable.accept(peerId);
          return;
        }
        readyLock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
      if (broken || closed) {
        unreachable.accept(peerId);
        return;
      }
      stream.onNext(MessageBatch.newBuilder().setClusterId(clusterId).addAllMessages(batch)
          .build());
      backoffMillis = 0;
    }
  }

  private boolean reopen() throws InterruptedException {
    // This link's back-off decides when to try again, not the channel's: after a refused
    // connection gRPC waits 1 s, then 1.6 s, 2.6 s ... before it connects again, and calls fail
    // at once meanwhile, so a peer restarting after a crash heard from its leader 1-3 s after it
    // listened. Resetting first lets the channel reconnect while this link waits, so the stream
    // opens on a fresh connection (a call started right after the reset still sees the old
    // failure and fails).
    channel.resetConnectBackoff();
    Thread.sleep(backoffMillis);
    backoffMillis = backoffMillis == 0 ? 50 : Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
    broken = false;
    stub.send(new ClientResponseObserver<MessageBatch, SendSummary>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<MessageBatch> requestStream) {
        stream = requestStream;
        requestStream.setOnReadyHandler(() -> {
          synchronized (readyLock) {
            readyLock.notifyAll();
          }
        });
      }

      @Override
      public void onNext(SendSummary value) {}

      @Override
      public void onError(Throwable t) {
        LOG.debug("stream to {} ended: {}", peerId, t.toString());
        markBroken();
      }

      @Override
      public void onCompleted() {
        markBroken();
      }
    });
    return !broken;
  }

  /** Called from the stream's callbacks; wakes a sender waiting for readiness. */
  private void markBroken() {
    broken = true;
    synchronized (readyLock) {
      readyLock.notifyAll();
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    ClientCallStreamObserver<MessageBatch> s = stream;
    if (s != null && !broken) {
      try {
        s.onCompleted();
      } catch (RuntimeException ignored) {
        // already gone
      }
    }
  }
}
