package io.raftkv.server;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.raftkv.api.v1.DeleteRequest;
import io.raftkv.api.v1.DeleteResponse;
import io.raftkv.api.v1.ForwardRequest;
import io.raftkv.api.v1.ForwardResponse;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.GetResponse;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.api.v1.RaftPeerGrpc;
import io.raftkv.api.v1.ReadConsistency;
import io.raftkv.api.v1.RequestHeader;
import io.raftkv.api.v1.ResponseHeader;
import io.raftkv.kv.ApplyResult;
import io.raftkv.kv.Command;
import io.raftkv.kv.ReadResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Carries out client requests on this server: on the leader through the node runtime, elsewhere by
 * forwarding to the leader this server knows (the seed's design) and relaying the answer. A
 * forwarded request is never forwarded again: if its target is not the leader, the client gets a
 * retryable UNAVAILABLE and tries again.
 */
final class RequestExecutor {
  private final ClusterConfig config;
  private final NodeRuntime runtime;
  private final IntFunction<ManagedChannel> peerChannel;
  private final AtomicInteger inFlight = new AtomicInteger();

  RequestExecutor(ClusterConfig config, NodeRuntime runtime,
      IntFunction<ManagedChannel> peerChannel) {
    this.config = config;
    this.runtime = runtime;
    this.peerChannel = peerChannel;
  }

  CompletableFuture<PutResponse> put(PutRequest req, boolean mayForward) {
    return bounded(() -> {
      RequestHeader h = req.getHeader();
      Command cmd = new Command.Put(h.getClientId(), h.getOpId(), 0, req.getKey().toByteArray(),
          req.getValue().toByteArray());
      return write(cmd, mayForward, ForwardRequest.newBuilder().setPut(req).build(),
          ForwardResponse::getPut, a -> {
            ApplyResult.Put p = as(a.result(), ApplyResult.Put.class);
            PutResponse.Builder b = PutResponse.newBuilder().setHeader(header(a.index(), a.term()));
            if (p.previous() != null) {
              b.setHadPrevious(true).setPrevious(ByteString.copyFrom(p.previous()));
            }
            return b.build();
          });
    });
  }

  CompletableFuture<DeleteResponse> delete(DeleteRequest req, boolean mayForward) {
    return bounded(() -> {
      RequestHeader h = req.getHeader();
      Command cmd = new Command.Delete(h.getClientId(), h.getOpId(), 0,
          req.getKey().toByteArray());
      return write(cmd, mayForward, ForwardRequest.newBuilder().setDelete(req).build(),
          ForwardResponse::getDelete, a -> DeleteResponse.newBuilder()
              .setHeader(header(a.index(), a.term()))
              .setExisted(as(a.result(), ApplyResult.Delete.class).existed()).build());
    });
  }

  CompletableFuture<GetResponse> get(GetRequest req, boolean mayForward) {
    return bounded(() -> {
      byte[] key = req.getKey().toByteArray();
      io.raftkv.kv.KvLimits.checkKey(key);
      if (req.getConsistency() == ReadConsistency.SERIALIZABLE) {
        return runtime.readLocal(key).thenApply(this::getResponse);
      }
      NodeView v = runtime.view();
      if (!v.isLeader() && mayForward) {
        return forward(v.status().leader(), ForwardRequest.newBuilder().setGet(req).build())
            .thenApply(ForwardResponse::getGet);
      }
      return runtime.readLinearizable(key).thenApply(this::getResponse)
          .exceptionallyCompose(t -> retryOnLeader(t, mayForward,
              ForwardRequest.newBuilder().setGet(req).build(), ForwardResponse::getGet));
    });
  }

  private GetResponse getResponse(ReadResult r) {
    GetResponse.Builder b = GetResponse.newBuilder().setHeader(header(r.appliedIndex(), 0));
    if (r.found()) {
      b.setFound(true).setValue(ByteString.copyFrom(r.value()));
    }
    return b.build();
  }

  private <T> CompletableFuture<T> write(Command cmd, boolean mayForward, ForwardRequest fwd,
      Function<ForwardResponse, T> unwrap, Function<NodeRuntime.Applied, T> answer) {
    NodeView v = runtime.view();
    if (!v.isLeader() && mayForward) {
      return forward(v.status().leader(), fwd).thenApply(unwrap);
    }
    return runtime.propose(cmd).thenApply(a -> {
      if (a.result() instanceof ApplyResult.Rejected r) {
        throw new CompletionException(Status.FAILED_PRECONDITION
            .withDescription(r.reason() + ": " + r.message()).asRuntimeException());
      }
      return answer.apply(a);
    }).exceptionallyCompose(t -> retryOnLeader(t, mayForward, fwd, unwrap));
  }

  /** Our view said we lead but we did not: forward once to the leader the core named. */
  private <T> CompletableFuture<T> retryOnLeader(Throwable t, boolean mayForward,
      ForwardRequest fwd, Function<ForwardResponse, T> unwrap) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (mayForward && c instanceof NotLeaderException nl && nl.leaderHint() != 0
        && nl.leaderHint() != runtime.id()) {
      return forward(nl.leaderHint(), fwd).thenApply(unwrap);
    }
    return CompletableFuture.failedFuture(c);
  }

  private CompletableFuture<ForwardResponse> forward(int leader, ForwardRequest req) {
    if (leader == 0 || leader == runtime.id()) {
      return CompletableFuture.failedFuture(new NotLeaderException(0,
          "no leader is known to server " + runtime.id() + " (an election may be under way)"));
    }
    ManagedChannel ch = peerChannel.apply(leader);
    CompletableFuture<ForwardResponse> f = new CompletableFuture<>();
    RaftPeerGrpc.newStub(ch).withDeadlineAfter(config.options().requestTimeoutMillis(),
        TimeUnit.MILLISECONDS).forward(
        req.toBuilder().setClusterId(config.clusterId()).setFrom(runtime.id()).build(),
        Unary.into(f));
    return f;
  }

  /** Admits a request if fewer than the configured maximum are in flight (back-pressure). */
  private <T> CompletableFuture<T> bounded(java.util.function.Supplier<CompletableFuture<T>> op) {
    if (inFlight.incrementAndGet() > config.options().maxPendingRequests()) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(new OverloadedException("server " + runtime.id()
          + " holds " + config.options().maxPendingRequests() + " requests already"));
    }
    CompletableFuture<T> f;
    try {
      f = op.get();
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(e);
    }
    return f.orTimeout(config.options().requestTimeoutMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((r, t) -> inFlight.decrementAndGet());
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
