package io.raftkv.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raftkv.api.v1.MessageBatch;
import io.raftkv.api.v1.RaftMessage;
import io.raftkv.api.v1.RaftPeerGrpc;
import io.raftkv.api.v1.SendSummary;
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

  /** A peer that records every batch it reads; {@code reading} false: it never asks for one. */
  private static final class Peer extends RaftPeerGrpc.RaftPeerImplBase {
    final boolean reading;
    final List<List<Long>> batches = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();

    Peer(boolean reading) {
      this.reading = reading;
    }

    @Override
    public StreamObserver<MessageBatch> send(StreamObserver<SendSummary> out) {
      calls.incrementAndGet();
      if (!reading) {
        ((ServerCallStreamObserver<SendSummary>) out).disableAutoRequest();
      }
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
    Peer peer = new Peer(true);
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
    Peer peer = new Peer(true);
    PeerLink link = link(serve(peer, 0));
    int n = PeerLink.MAX_BATCH * 2 + 7;
    assertTrue(link.send(messages(1, n, 0)));
    await("every message arrived", () -> peer.all().size() == n);
    for (int i = 0; i < n; i++) {
      assertEquals(i + 1, peer.all().get(i));
    }
    peer.batches.forEach(b -> assertTrue(b.size() <= PeerLink.MAX_BATCH, "batch of " + b.size()));
  }

  @Test
  void aPeerThatStopsReadingFillsTheQueueThenItsStreamIsReplaced() throws Exception {
    Peer peer = new Peer(false);
    PeerLink link = link(serve(peer, 0));
    // 64 KiB messages: the HTTP/2 flow-control window fills after a few dozen.
    long next = 1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (link.queued() == 0) {
      assertTrue(System.nanoTime() < deadline, "the stream never became unready");
      assertTrue(link.send(messages(next++, 1, 64 << 10)));
      Thread.sleep(1);
    }
    // Unready: further messages wait, up to the queue's capacity, then are dropped.
    int room = PeerLink.QUEUE_CAPACITY - link.queued();
    assertTrue(link.send(messages(next, room, 0)));
    assertEquals(PeerLink.QUEUE_CAPACITY, link.queued());
    assertEquals(0, unreachable.get());
    assertFalse(link.send(messages(next + room, 1, 0)), "a full queue drops");
    assertEquals(1, unreachable.get());

    // Still unready after the stuck limit: the stream is cancelled and what waited is dropped.
    clock.addAndGet(PeerLink.STUCK_NANOS + 1);
    assertFalse(link.send(messages(next + room + 1, 1, 0)));
    assertEquals(0, link.queued());
    assertTrue(unreachable.get() >= 2);

    // The next send opens a new stream.
    assertTrue(link.send(messages(1_000_000, 1, 0)));
    await("a second stream was opened", () -> peer.calls.get() == 2);
  }

  @Test
  void anUnreachablePeerIsRetriedAfterABackoffAndReachedOnceUp() throws Exception {
    Peer probe = new Peer(true);
    int port = serve(probe, 0);
    servers.remove(0).shutdownNow().awaitTermination(5, TimeUnit.SECONDS); // a port nobody serves
    PeerLink link = link(port);

    link.send(messages(1, 1, 0)); // opens a stream; the connection then fails
    await("the failure was reported", () -> unreachable.get() >= 1);
    int before = unreachable.get();
    assertFalse(link.send(messages(2, 1, 0)), "within the back-off nothing is tried");
    assertEquals(before + 1, unreachable.get());

    Peer peer = new Peer(true);
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
    Peer probe = new Peer(true);
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
    Peer peer = new Peer(true);
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
    Peer peer = new Peer(true);
    PeerLink link = link(serve(peer, 0));
    assertTrue(link.send(messages(1, 1, 0)));
    await("delivered", () -> peer.all().size() == 1);
    link.close();
    assertFalse(link.send(messages(2, 1, 0)));
    assertEquals(1, unreachable.get());
  }
}
