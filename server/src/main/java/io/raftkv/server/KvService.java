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
  private final ClientRequests requests;
  private final ClusterStatus status;
  private final FatalErrors fatal;

  KvService(ClientRequests requests, ClusterStatus status, FatalErrors fatal) {
    this.requests = requests;
    this.status = status;
    this.fatal = fatal;
  }

  @Override
  public void put(PutRequest request, StreamObserver<PutResponse> out) {
    reply(requests.put(request, RequestTrace.current()), out, fatal);
  }

  @Override
  public void get(GetRequest request, StreamObserver<GetResponse> out) {
    reply(requests.get(request, RequestTrace.current()), out, fatal);
  }

  @Override
  public void delete(DeleteRequest request, StreamObserver<DeleteResponse> out) {
    reply(requests.delete(request), out, fatal);
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
    reply(status.gather(), out, fatal);
  }

  /**
   * Sends {@code f}'s outcome to {@code out}; an {@link Error} in it stops the node ({@link
   * FatalErrors}) before the client is told anything.
   */
  static <T> void reply(CompletableFuture<T> f, StreamObserver<T> out, FatalErrors fatal) {
    f.whenComplete((r, t) -> {
      if (t != null) {
        fatal.check(t);
        out.onError(Errors.toStatus(t));
      } else {
        out.onNext(r);
        out.onCompleted();
      }
    });
  }
}
