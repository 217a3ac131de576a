package io.raftkv.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.raftkv.api.peer.v1.MessageBatch;
import io.raftkv.api.peer.v1.RaftMessage;
import io.raftkv.api.peer.v1.RaftPeerGrpc;
import io.raftkv.api.peer.v1.SendSummary;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PeerLinkTest {
  private static final String CLUSTER = "test-cluster";

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final AtomicInteger unreachable = new AtomicInteger();
  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  /** A peer that records every batch it reads. */
  private static final class Peer extends RaftPeerGrpc.RaftPeerImplBase {
    final List<List<Long>> batches = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();


    @Override
    public StreamObserver<MessageBatch> send(StreamObserver<SendSummary> out) {
      calls.incrementAndGet();
      return new StreamObserver<>() {
        @Override
        public void onNext(MessageBatch b) {
          List<Long> terms = new ArrayList<>();
          b.getMessagesList().forEach(m -> terms.add(m.getTerm()));
          batches.add(terms);
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          out.onCompleted();
        }
      };
    }

    List<Long> all() {
      List<Long> all = new ArrayList<>();
      batches.forEach(all::addAll);
      return all;
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (Server s : servers) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private int serve(Peer peer, int port) throws IOException {
    Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .directExecutor().addService(peer).build().start();
    servers.add(s);
    return s.getPort();
  }

  private PeerLink link(int port) {
    ManagedChannel ch = NettyChannelBuilder.forTarget("127.0.0.1:" + port).usePlaintext()
        .directExecutor().build();
    channels.add(ch);
    return new PeerLink(CLUSTER, 2, ch, peer -> {
      assertEquals(2, peer);
      unreachable.incrementAndGet();
    }, clock::get);
  }

  private static List<RaftMessage> messages(long from, int n, int padBytes) {
    List<RaftMessage> list = new ArrayList<>();
    for (long t = from; t < from + n; t++) {
      list.add(RaftMessage.newBuilder().setFrom(1).setTo(2).setTerm(t)
          .setTraceToken(ByteString.copyFrom(new byte[padBytes])).build());
    }
    return list;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(5);
    }
  }

  @Test
  void eachSendArrivesAsOneBatchInOrder() throws Exception {
    Peer peer = new Peer();
    PeerLink link = link(serve(peer, 0));
    assertTrue(link.send(messages(1, 3, 0)));
    await("the stream is open and the first batch arrived", () -> peer.batches.size() == 1);
    assertTrue(link.send(messages(4, 1, 0)));
    assertTrue(link.send(messages(5, 2, 0)));
    await("all batches arrived", () -> peer.all().size() == 6);
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), peer.all());
    assertEquals(List.of(List.of(1L, 2L, 3L), List.of(4L), List.of(5L, 6L)), peer.batches);
    assertEquals(1, peer.calls.get(), "one long-lived stream");
    assertEquals(0, unreachable.get());
    assertEquals(0, link.queued());
  }

  @Test
  void aSendLargerThanOneBatchIsSplitInOrder() throws Exception {
    Peer peer = new Peer();
    PeerLink link = link(serve(peer, 0));
    int n = PeerLink.MAX_BATCH * 2 + 7;
    assertTrue(link.send(messages(1, n, 0)));
    await("every message arrived", () -> peer.all().size() == n);
    for (int i = 0; i < n; i++) {
      assertEquals(i + 1, peer.all().get(i));
    }
    peer.batches.forEach(b -> assertTrue(b.size() <= PeerLink.MAX_BATCH, "batch of " + b.size()));
  }

  /**
   * A channel whose calls are under the test's control: readiness is a flag, sent messages are
   * recorded, and cancellations counted. HTTP/2 flow control decides when a real stream to a peer
   * that stopped reading turns unready (and whether it turns ready again), which a test cannot
   * pin down; this one can.
   */
  private static final class ScriptedChannel extends ManagedChannel {
    final List<ScriptedCall> calls = new CopyOnWriteArrayList<>();
    volatile boolean ready;

    final class ScriptedCall extends io.grpc.ClientCall<MessageBatch, SendSummary> {
      final List<MessageBatch> sent = new ArrayList<>();
      Listener<SendSummary> listener;
      String cancelledBecause;

      @Override
      public void start(Listener<SendSummary> l, io.grpc.Metadata headers) {
        listener = l;
      }

      @Override
      public void request(int n) {}

      @Override
      public void cancel(String message, Throwable cause) {
        cancelledBecause = message;
      }

      @Override
      public void halfClose() {}

      @Override
      public void sendMessage(MessageBatch m) {
        sent.add(m);
      }

      @Override
      public boolean isReady() {
        return ready;
      }

      int messagesSent() {
        return sent.stream().mapToInt(MessageBatch::getMessagesCount).sum();
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <Q, A> io.grpc.ClientCall<Q, A> newCall(io.grpc.MethodDescriptor<Q, A> method,
        io.grpc.CallOptions options) {
      ScriptedCall c = new ScriptedCall();
      calls.add(c);
      return (io.grpc.ClientCall<Q, A>) c;
    }

    @Override
    public String authority() {
      return "scripted";
    }

    @Override
    public ManagedChannel shutdown() {
      return this;
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public ManagedChannel shutdownNow() {
      return this;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }

  @Test
  void aStreamThatStaysUnreadyQueuesThenDropsThenIsReplaced() {
    ScriptedChannel ch = new ScriptedChannel();
    PeerLink link = new PeerLink(CLUSTER, 2, ch, peer -> unreachable.incrementAndGet(), clock::get);
    ch.ready = true;
    assertTrue(link.send(messages(1, 2, 0)));
    assertEquals(1, ch.calls.size());
    ScriptedChannel.ScriptedCall first = ch.calls.get(0);
    assertEquals(2, first.messagesSent(), "a ready stream is written at once");

    // Unready: messages wait, up to the queue's capacity, then are dropped.
    ch.ready = false;
    assertTrue(link.send(messages(3, PeerLink.QUEUE_CAPACITY, 0)));
    assertEquals(PeerLink.QUEUE_CAPACITY, link.queued());
    assertFalse(link.send(messages(5000, 1, 0)), "a full queue drops");
    assertEquals(1, unreachable.get());
    assertEquals(2, first.messagesSent());

    // Ready again: the readiness callback drains the queue in order, in bounded batches.
    ch.ready = true;
    first.listener.onReady();
    assertEquals(0, link.queued());
    assertEquals(2 + PeerLink.QUEUE_CAPACITY, first.messagesSent());
    first.sent.forEach(b -> assertTrue(b.getMessagesCount() <= PeerLink.MAX_BATCH));
    long expected = 1;
    for (MessageBatch b : first.sent) {
      for (RaftMessage m : b.getMessagesList()) {
        assertEquals(expected++, m.getTerm());
      }
    }

    // Unready for longer than the stuck limit: the stream is cancelled, what waited is dropped.
    ch.ready = false;
    assertTrue(link.send(messages(10_000, 3, 0)));
    clock.addAndGet(PeerLink.STUCK_NANOS / 2);
    assertTrue(link.send(messages(10_003, 1, 0)));
    assertEquals(null, first.cancelledBecause, "not stuck yet");
    clock.addAndGet(PeerLink.STUCK_NANOS);
    link.send(messages(10_004, 1, 0));
    assertEquals("peer stopped reading", first.cancelledBecause);
    assertEquals(0, link.queued());
    int droppedReports = unreachable.get();
    assertTrue(droppedReports >= 2);

    // The next send opens a new stream, and what it carries goes there once it is ready.
    ch.ready = true;
    assertTrue(link.send(messages(20_000, 1, 0)));
    assertEquals(2, ch.calls.size());
    assertEquals(2, link.streamsOpened());
    assertEquals(1, ch.calls.get(1).messagesSent());
    // Callbacks of the cancelled stream no longer touch the link.
    first.listener.onClose(io.grpc.Status.CANCELLED, new io.grpc.Metadata());
    assertTrue(link.send(messages(20_001, 1, 0)));
    assertEquals(2, ch.calls.get(1).messagesSent());
    assertEquals(droppedReports, unreachable.get());
  }

  @Test
  void batchesStopGrowingAtTheirByteLimit() throws Exception {
    Peer peer = new Peer();
    PeerLink link = link(serve(peer, 0)); // the test server refuses messages over 4 MiB
    int pad = PeerLink.MAX_BATCH_BYTES / 2 - 1024;
    assertTrue(link.send(messages(1, 5, pad)));
    await("every message arrived", () -> peer.all().size() == 5);
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), peer.all());
    assertEquals(List.of(List.of(1L, 2L), List.of(3L, 4L), List.of(5L)), peer.batches);
    assertEquals(1, peer.calls.get(), "the stream was never refused");
  }

  @Test
  void anUnreachablePeerIsRetriedAfterABackoffAndReachedOnceUp() throws Exception {
    Peer probe = new Peer();
    int port = serve(probe, 0);
    servers.remove(0).shutdownNow().awaitTermination(5, TimeUnit.SECONDS); // a port nobody serves
    PeerLink link = link(port);

    link.send(messages(1, 1, 0)); // opens a stream; the connection then fails
    await("the failure was reported", () -> unreachable.get() >= 1);
    int before = unreachable.get();
    assertFalse(link.send(messages(2, 1, 0)), "within the back-off nothing is tried");
    assertEquals(before + 1, unreachable.get());

    Peer peer = new Peer();
    serve(peer, port);
    // Past the back-off the link tries again; the channel may itself wait before reconnecting,
    // so keep sending (as heartbeats would) until a message arrives.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    long t = 3;
    while (peer.all().isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "the peer was never reached");
      clock.addAndGet(TimeUnit.SECONDS.toNanos(2));
      link.send(messages(t++, 1, 0));
      Thread.sleep(50);
    }
    assertTrue(peer.all().get(0) >= 3);
  }

  @Test
  void aPeerThatComesBackIsReachedOnTheLinksBackoffNotOnGrpcsReconnectSchedule() throws Exception {
    // Left alone, a channel whose connections are refused reconnects after 1 s, then 1.6 s, then
    // 2.56 s (each +-20 %): its third try comes at least 4.1 s after the first failure. The peer
    // comes back 3.5 s after it, past the second try: only a link that resets the channel's
    // back-off reaches it within half a second (a restarted follower then hears from its leader
    // at once instead of 1-3 s later).
    Peer probe = new Peer();
    int port = serve(probe, 0);
    servers.remove(0).shutdownNow().awaitTermination(5, TimeUnit.SECONDS); // a port nobody serves
    PeerLink link = link(port);
    long t = 1;
    link.send(messages(t++, 1, 0));
    await("the first failure was reported", () -> unreachable.get() >= 1);
    long firstFailure = System.nanoTime();
    while (System.nanoTime() - firstFailure < TimeUnit.MILLISECONDS.toNanos(3500)) {
      clock.addAndGet(PeerLink.MAX_BACKOFF_NANOS); // every send is past the link's back-off
      link.send(messages(t++, 1, 0)); // as heartbeats would
      Thread.sleep(20);
    }
    Peer peer = new Peer();
    serve(peer, port);
    long up = System.nanoTime();
    while (peer.all().isEmpty()) {
      long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - up);
      assertTrue(waitedMillis < 500, "the peer was back but not reached for " + waitedMillis
          + " ms: the link waited for gRPC's reconnect schedule");
      clock.addAndGet(PeerLink.MAX_BACKOFF_NANOS);
      link.send(messages(t++, 1, 0));
      Thread.sleep(20);
    }
  }

  @Test
  void aClosedLinkDropsEverything() throws Exception {
    Peer peer = new Peer();
    PeerLink link = link(serve(peer, 0));
    assertTrue(link.send(messages(1, 1, 0)));
    await("delivered", () -> peer.all().size() == 1);
    link.close();
    assertFalse(link.send(messages(2, 1, 0)));
    assertEquals(1, unreachable.get());
  }
}
