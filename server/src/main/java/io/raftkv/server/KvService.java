package io.raftkv.server;

import io.grpc.stub.StreamObserver;
import io.raftkv.api.v1.DeleteRequest;
import io.raftkv.api.v1.DeleteResponse;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.GetResponse;
import io.raftkv.api.v1.KVGrpc;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.api.v1.StatusRequest;
import io.raftkv.api.v1.StatusResponse;
import java.util.concurrent.CompletableFuture;

/** The client API ({@code raftkv.v1.KV}) of one server. */
final class KvService extends KVGrpc.KVImplBase {
  private final RequestExecutor executor;
  private final ClusterStatus status;

  KvService(RequestExecutor executor, ClusterStatus status) {
    this.executor = executor;
    this.status = status;
  }

  @Override
  public void put(PutRequest request, StreamObserver<PutResponse> out) {
    reply(executor.put(request, true, RequestTrace.current()), out);
  }

  @Override
  public void get(GetRequest request, StreamObserver<GetResponse> out) {
    reply(executor.get(request, true, RequestTrace.current()), out);
  }

  @Override
  public void delete(DeleteRequest request, StreamObserver<DeleteResponse> out) {
    reply(executor.delete(request, true), out);
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
    reply(status.gather(), out);
  }

  static <T> void reply(CompletableFuture<T> f, StreamObserver<T> out) {
    f.whenComplete((r, t) -> {
      if (t != null) {
        out.onError(Errors.toStatus(t));
      } else {
        out.onNext(r);
        out.onCompleted();
      }
    });
  }
}
