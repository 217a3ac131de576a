package io.raftkv.server;

import com.google.protobuf.ByteString;
import io.grpc.Status;
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
import io.raftkv.kv.KvLimits;
import io.raftkv.kv.ReadResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Carries out requests on this node, never elsewhere: checks a request's fields, proposes a write
 * or reads through the node runtime, and builds the answer. A node that is not the leader fails
 * a write or a linearizable read with {@link io.raftkv.node.NotLeaderException} (or, having lost
 * the leadership while a write was pending, {@link io.raftkv.node.OutcomeUnknownException});
 * whether to forward is for the entry points to decide ({@link ClientRequests}, {@link
 * ForwardedRequests}).
 */
final class LocalRequests {
  private final NodeRuntime runtime;

  LocalRequests(NodeRuntime runtime) {
    this.runtime = runtime;
  }

  int id() {
    return runtime.id();
  }

  NodeView view() {
    return runtime.view();
  }

  /**
   * The write {@code req} asks for.
   *
   * @throws InvalidRequestException if it breaks a limit (key or value size, op id 0)
   */
  static Command.Put command(PutRequest req) {
    RequestHeader h = req.getHeader();
    try {
      return new Command.Put(h.getClientId(), h.getOpId(), 0, req.getKey().toByteArray(),
          req.getValue().toByteArray());
    } catch (IllegalArgumentException e) { // the command checks the client's fields, only those
      throw new InvalidRequestException(e);
    }
  }

  /** As {@link #command(PutRequest)}, for a Delete. */
  static Command.Delete command(DeleteRequest req) {
    RequestHeader h = req.getHeader();
    try {
      return new Command.Delete(h.getClientId(), h.getOpId(), 0, req.getKey().toByteArray());
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(e);
    }
  }

  /**
   * The key a Get asks for.
   *
   * @throws InvalidRequestException if it is empty or too long
   */
  static byte[] key(GetRequest req) {
    byte[] key = req.getKey().toByteArray();
    try {
      KvLimits.checkKey(key);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(e);
    }
    return key;
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

  /** Proposes {@code cmd} here; {@code traced} is its trace at this server, or null. */
  CompletableFuture<PutResponse> put(Command.Put cmd, TracedOp<PutResponse> traced) {
    return write(cmd, this::putResponse, traced);
  }

  CompletableFuture<DeleteResponse> delete(Command.Delete cmd) {
    return write(cmd, a -> DeleteResponse.newBuilder().setHeader(header(a.index(), a.term()))
        .setExisted(as(a.result(), ApplyResult.Delete.class).existed()).build(), null);
  }

  /** A read of this node's applied state, possibly stale (serializable). */
  CompletableFuture<GetResponse> readLocal(byte[] key, TracedOp<GetResponse> traced) {
    return answered(runtime.readLocal(key).thenApply(this::getResponse), traced);
  }

  /** A linearizable read (ReadIndex; on a follower the core asks the leader for the index). */
  CompletableFuture<GetResponse> readLinearizable(byte[] key, TracedOp<GetResponse> traced) {
    return answered(runtime.readLinearizable(key).thenApply(this::getResponse), traced);
  }

  private <T> CompletableFuture<T> write(Command cmd, Function<NodeRuntime.Applied, T> answer,
      TracedOp<T> traced) {
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
