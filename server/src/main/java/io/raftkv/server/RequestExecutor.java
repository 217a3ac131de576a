package io.raftkv.server;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.raftkv.api.peer.v1.ForwardRequest;
import io.raftkv.api.peer.v1.ForwardResponse;
import io.raftkv.api.peer.v1.RaftPeerGrpc;
import io.raftkv.api.v1.DeleteRequest;
import io.raftkv.api.v1.DeleteResponse;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.GetResponse;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.api.v1.ReadConsistency;
import io.raftkv.api.v1.RequestHeader;
import io.raftkv.api.v1.ResponseHeader;
import io.raftkv.kv.ApplyResult;
import io.raftkv.kv.Command;
import io.raftkv.kv.ReadResult;
import io.raftkv.node.NotLeaderException;
import io.raftkv.node.OutcomeUnknownException;
import io.raftkv.node.OverloadedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Carries out client requests on this server: on the leader through the node runtime, elsewhere by
 * forwarding to the leader this server knows (the seed's design) and relaying the answer. A
 * forwarded request is never forwarded again: if its target is not the leader, the client gets a
 * retryable UNAVAILABLE and tries again.
 */
final class RequestExecutor implements AutoCloseable {
  private final ClusterConfig config;
  private final NodeRuntime runtime;
  private final IntFunction<ManagedChannel> peerChannel;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong inFlightBytes = new AtomicLong();
  private final AtomicLong forwarded = new AtomicLong();
  private final RequestDeadlines deadlines;

  RequestExecutor(ClusterConfig config, NodeRuntime runtime,
      IntFunction<ManagedChannel> peerChannel) {
    this.config = config;
    this.runtime = runtime;
    this.peerChannel = peerChannel;
    this.deadlines = new RequestDeadlines(runtime.id(), config.options().requestTimeoutMillis());
  }

  /** Stops the deadline sweeper; requests still in flight then only end when answered. */
  @Override
  public void close() {
    deadlines.close();
  }

  /** A Put; {@code rt} is its trace at this server, or null. */
  CompletableFuture<PutResponse> put(PutRequest req, boolean mayForward, RequestTrace rt) {
    return bounded(req.getSerializedSize(), () -> {
      TracedOp<PutResponse> traced = TracedOp.put(rt, req);
      RequestHeader h = req.getHeader();
      Command cmd = new Command.Put(h.getClientId(), h.getOpId(), 0, req.getKey().toByteArray(),
          req.getValue().toByteArray());
      return write(cmd, mayForward, () -> ForwardRequest.newBuilder().setPut(req).build(),
          ForwardResponse::getPut, this::putResponse, traced);
    });
  }

  /**
   * The answer to an applied Put. A retry whose previous value the sessions no longer keep says
   * so ({@code previous_unknown}) with the index at which the put took effect.
   */
  private PutResponse putResponse(NodeRuntime.Applied a) {
    if (a.result() instanceof ApplyResult.ValueForgotten f) {
      return PutResponse.newBuilder().setHeader(header(f.index(), a.term()))
          .setPreviousUnknown(true).build();
    }
    ApplyResult.Put p = as(a.result(), ApplyResult.Put.class);
    PutResponse.Builder b = PutResponse.newBuilder().setHeader(header(a.index(), a.term()));
    if (p.previous() != null) {
      b.setHadPrevious(true).setPrevious(ByteString.copyFrom(p.previous()));
    }
    return b.build();
  }

  CompletableFuture<DeleteResponse> delete(DeleteRequest req, boolean mayForward) {
    return bounded(req.getSerializedSize(), () -> {
      RequestHeader h = req.getHeader();
      Command cmd = new Command.Delete(h.getClientId(), h.getOpId(), 0,
          req.getKey().toByteArray());
      return write(cmd, mayForward, () -> ForwardRequest.newBuilder().setDelete(req).build(),
          ForwardResponse::getDelete, a -> DeleteResponse.newBuilder()
              .setHeader(header(a.index(), a.term()))
              .setExisted(as(a.result(), ApplyResult.Delete.class).existed()).build(), null);
    });
  }

  /** A Get; {@code rt} is its trace at this server, or null. */
  CompletableFuture<GetResponse> get(GetRequest req, boolean mayForward, RequestTrace rt) {
    return bounded(req.getSerializedSize(), () -> {
      TracedOp<GetResponse> traced = TracedOp.get(rt, req);
      byte[] key = req.getKey().toByteArray();
      io.raftkv.kv.KvLimits.checkKey(key);
      if (!linearizable(req.getConsistency())) {
        return answered(runtime.readLocal(key).thenApply(this::getResponse), traced);
      }
      // The forward request is built only on the paths that forward, not for every local read.
      NodeView v = runtime.view();
      if (!v.isLeader() && mayForward) {
        return forward(v.status().leader(), ForwardRequest.newBuilder().setGet(req).build(),
            ForwardResponse::getGet, traced);
      }
      return answered(runtime.readLinearizable(key).thenApply(this::getResponse), traced)
          .exceptionallyCompose(t -> retryOnLeader(t, mayForward,
              ForwardRequest.newBuilder().setGet(req).build(), ForwardResponse::getGet, traced));
    });
  }

  /**
   * Whether a Get asking {@code c} is served linearizably: every value but SERIALIZABLE is.
   * READ_CONSISTENCY_UNSPECIFIED (0, an unset field) is the documented default, and is what
   * clients from before it existed send for LINEARIZABLE (then 0); a value from a newer client
   * this server does not know is served the safe way too.
   */
  static boolean linearizable(ReadConsistency c) {
    return c != ReadConsistency.SERIALIZABLE;
  }

  private GetResponse getResponse(ReadResult r) {
    GetResponse.Builder b = GetResponse.newBuilder().setHeader(header(r.appliedIndex(), 0));
    if (r.found()) {
      b.setFound(true).setValue(ByteString.copyFrom(r.value()));
    }
    return b.build();
  }

  /** Records the result of a request answered here (GetResult), if traced. */
  private static <T> CompletableFuture<T> answered(CompletableFuture<T> f, TracedOp<T> traced) {
    return traced == null ? f : f.thenApply(r -> {
      traced.answered(r, null);
      return r;
    });
  }

  /** {@code fwd} builds the request to forward, only on the paths that forward. */
  private <T> CompletableFuture<T> write(Command cmd, boolean mayForward,
      Supplier<ForwardRequest> fwd,
      Function<ForwardResponse, T> unwrap, Function<NodeRuntime.Applied, T> answer,
      TracedOp<T> traced) {
    NodeView v = runtime.view();
    if (!v.isLeader() && mayForward) {
      return forward(v.status().leader(), fwd.get(), unwrap, traced);
    }
    return runtime.propose(cmd, traced == null ? null : traced.handoff()).thenApply(a -> {
      if (a.result() instanceof ApplyResult.Rejected r) {
        throw new CompletionException(Status.FAILED_PRECONDITION
            .withDescription(r.reason() + ": " + r.message()).asRuntimeException());
      }
      T response = answer.apply(a);
      if (traced != null) {
        traced.answered(response, a.trace());
      }
      return response;
    }).exceptionallyCompose(t -> retryOnLeader(t, mayForward, fwd.get(), unwrap, traced));
  }

  /** Our view said we lead but we did not: forward once to the leader the core named. */
  private <T> CompletableFuture<T> retryOnLeader(Throwable t, boolean mayForward,
      ForwardRequest fwd, Function<ForwardResponse, T> unwrap, TracedOp<T> traced) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    // A write whose outcome is unknown (we lost the leadership) is retried on the new leader
    // with the same op id: the sessions apply it at most once.
    int hint = c instanceof NotLeaderException nl ? nl.leaderHint()
        : c instanceof OutcomeUnknownException ou ? ou.leaderHint() : 0;
    if (mayForward && hint != 0 && hint != runtime.id()) {
      return forward(hint, fwd, unwrap, traced);
    }
    return CompletableFuture.failedFuture(c);
  }

  /**
   * Forwards to {@code leader} and relays its answer. When traced, records GetFwd/PutFwd, sends
   * the trace headers along, and records GetResultFwd/PutResultFwd with the leader's answer.
   */
  private <T> CompletableFuture<T> forward(int leader, ForwardRequest req,
      Function<ForwardResponse, T> unwrap, TracedOp<T> traced) {
    if (leader == 0 || leader == runtime.id()) {
      return CompletableFuture.failedFuture(new NotLeaderException(0,
          "no leader is known to server " + runtime.id() + " (an election may be under way)"));
    }
    forwarded.incrementAndGet();
    ManagedChannel ch = peerChannel.apply(leader);
    CompletableFuture<ForwardResponse> f = new CompletableFuture<>();
    RaftPeerGrpc.RaftPeerStub stub = RaftPeerGrpc.newStub(ch).withDeadlineAfter(
        config.options().requestTimeoutMillis(), TimeUnit.MILLISECONDS);
    AtomicReference<Metadata> answerHeaders = traced == null ? null : new AtomicReference<>();
    if (traced != null) {
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(traced.forwarding()),
          MetadataUtils.newCaptureMetadataInterceptor(answerHeaders, new AtomicReference<>()));
    }
    stub.forward(req.toBuilder().setClusterId(config.clusterId()).setFrom(runtime.id()).build(),
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

  /**
   * Admits a request of {@code bytes} (its encoded size) if fewer than the configured maximum
   * number and bytes of requests are in flight (back-pressure): many clients each sending a 1 MiB
   * value must not fill the heap with requests waiting to commit.
   */
  private <T> CompletableFuture<T> bounded(long bytes,
      java.util.function.Supplier<CompletableFuture<T>> op) {
    if (inFlight.incrementAndGet() > config.options().maxPendingRequests()) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(new OverloadedException("server " + runtime.id()
          + " holds " + config.options().maxPendingRequests() + " requests already"));
    }
    if (inFlightBytes.addAndGet(bytes) > config.options().maxPendingRequestBytes()) {
      inFlightBytes.addAndGet(-bytes);
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(new OverloadedException("server " + runtime.id()
          + " holds " + config.options().maxPendingRequestBytes() + " bytes of requests already"
          + " (maxPendingRequestBytes)"));
    }
    Runnable release = () -> {
      inFlightBytes.addAndGet(-bytes);
      inFlight.decrementAndGet();
    };
    CompletableFuture<T> f;
    try {
      f = op.get();
    } catch (RuntimeException e) {
      release.run();
      return CompletableFuture.failedFuture(e);
    }
    return deadlines.watch(f, release);
  }

  private ResponseHeader header(long index, long term) {
    NodeView v = runtime.view();
    return ResponseHeader.newBuilder().setServerId(runtime.id()).setLeaderId(v.status().leader())
        .setIndex(index).setTerm(term != 0 ? term : v.status().term()).build();
  }

  private static <R extends ApplyResult> R as(ApplyResult r, Class<R> type) {
    if (!type.isInstance(r)) {
      throw new IllegalStateException("expected " + type.getSimpleName() + " but the state "
          + "machine answered " + r);
    }
    return type.cast(r);
  }
}
