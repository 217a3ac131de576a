package io.raftkv.server;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** Adapts a unary gRPC call's response observer to a {@link CompletableFuture}. */
final class Unary {
  private Unary() {}

  /** An observer completing {@code f} with the one response, or failing it with the error. */
  static <T> StreamObserver<T> into(CompletableFuture<T> f) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        f.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        f.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        if (!f.isDone()) {
          f.completeExceptionally(Status.INTERNAL.withDescription("the call ended without an "
              + "answer").asRuntimeException());
        }
      }
    };
  }
}
