package io.raftkv.server;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.raftkv.api.peer.v1.ForwardRequest;
import io.raftkv.api.peer.v1.ForwardResponse;
import io.raftkv.api.peer.v1.RaftPeerGrpc;
import io.raftkv.node.NotLeaderException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Sends a client's request to the leader over the peer protocol ({@code RaftPeer.Forward}) and
 * relays its answer. Only {@link ClientRequests} holds one: a forwarded request is served where
 * it arrives ({@link ForwardedRequests}) and never forwarded again.
 */
final class Forwarder {
  private final String clusterId;
  private final long timeoutMillis;
  private final int selfId;
  private final IntFunction<ManagedChannel> peerChannel;
  private final AtomicLong forwarded = new AtomicLong();

  /** Forwards with {@code timeoutMillis} per call, over {@code peerChannel}'s channels. */
  Forwarder(String clusterId, long timeoutMillis, int selfId,
      IntFunction<ManagedChannel> peerChannel) {
    this.clusterId = clusterId;
    this.timeoutMillis = timeoutMillis;
    this.selfId = selfId;
    this.peerChannel = peerChannel;
  }

  /**
   * Forwards {@code req} to {@code leader} and relays its answer; fails with {@link
   * NotLeaderException} if no leader other than this server is known. When traced, records
   * GetFwd/PutFwd, sends the trace headers along, and records GetResultFwd/PutResultFwd with the
   * leader's answer.
   */
  <T> CompletableFuture<T> forward(int leader, ForwardRequest req,
      Function<ForwardResponse, T> unwrap, TracedOp<T> traced) {
    if (leader == 0 || leader == selfId) {
      return CompletableFuture.failedFuture(new NotLeaderException(0,
          "no leader is known to server " + selfId + " (an election may be under way)"));
    }
    ManagedChannel ch = peerChannel.apply(leader);
    if (ch == null) {
      return CompletableFuture.failedFuture(new NotLeaderException(leader, "server " + selfId
          + " knows no address for leader " + leader + " (it is not in the configuration in force"
          + " here yet)"));
    }
    forwarded.incrementAndGet();
    CompletableFuture<ForwardResponse> f = new CompletableFuture<>();
    RaftPeerGrpc.RaftPeerStub stub = RaftPeerGrpc.newStub(ch).withDeadlineAfter(
        timeoutMillis, TimeUnit.MILLISECONDS);
    AtomicReference<Metadata> answerHeaders = traced == null ? null : new AtomicReference<>();
    if (traced != null) {
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(traced.forwarding()),
          MetadataUtils.newCaptureMetadataInterceptor(answerHeaders, new AtomicReference<>()));
    }
    stub.forward(req.toBuilder().setClusterId(clusterId).setFrom(selfId).build(),
        Unary.into(f));
    return f.thenApply(r -> {
      T response = unwrap.apply(r);
      if (traced != null) {
        traced.forwarded(response, answerHeaders.get()); // headers arrive before the message
      }
      return response;
    });
  }

  /** Client requests this server has forwarded to a leader since it started (Status reports it). */
  long forwardedRequests() {
    return forwarded.get();
  }
}
