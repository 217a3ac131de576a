package io.raftkv.server;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Stops the node on a JVM {@link Error} (OutOfMemoryError, StackOverflowError, ...) wherever a
 * request's code meets one: in a gRPC handler, or captured in a request's future (an Error thrown
 * in a {@code thenApply} stage does not reach any thread's handler). A node that lost an
 * allocation halfway may hold broken state, so it must not answer anything more: the fatal
 * handler is called once, normally halting the process with exit code 2. The node thread stops
 * the same way on its own ({@link NodeRuntime}); the server processes also run with {@code
 * -XX:+ExitOnOutOfMemoryError} and a default uncaught-exception handler for the other threads.
 */
final class FatalErrors implements ServerInterceptor {
  private final Consumer<Throwable> onFatal;
  private final AtomicBoolean fired = new AtomicBoolean();

  FatalErrors(Consumer<Throwable> onFatal) {
    this.onFatal = onFatal;
  }

  /** Whether {@code t} or any of its causes is an {@link Error}. */
  static boolean isFatal(Throwable t) {
    for (int depth = 0; t != null && depth < 16; t = t.getCause(), depth++) {
      if (t instanceof Error) {
        return true;
      }
    }
    return false;
  }

  /** Calls the fatal handler (once per node) if {@code t} is or wraps an {@link Error}. */
  void check(Throwable t) {
    if (isFatal(t) && fired.compareAndSet(false, true)) {
      onFatal.accept(t);
    }
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    ServerCall.Listener<Q> delegate;
    try {
      delegate = next.startCall(call, headers);
    } catch (Error e) {
      check(e);
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onMessage(Q message) {
        try {
          super.onMessage(message);
        } catch (Error e) {
          check(e);
          throw e;
        }
      }

      @Override
      public void onHalfClose() {
        try {
          super.onHalfClose();
        } catch (Error e) {
          check(e);
          throw e;
        }
      }
    };
  }
}
