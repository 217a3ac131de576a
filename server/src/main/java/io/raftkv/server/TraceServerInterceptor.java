package io.raftkv.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.raftkv.api.TraceMetadata;
import io.raftkv.trace.TraceToken;
import io.raftkv.trace.Tracer;

/**
 * Installed only on a tracing server: gives a call carrying trace headers a {@link RequestTrace}
 * in its {@link Context}, and puts the request's answer token in the response headers, which the
 * caller reads before the answer itself.
 */
final class TraceServerInterceptor implements ServerInterceptor {
  private final Tracer tracer;

  TraceServerInterceptor(Tracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    RequestTrace rt = RequestTrace.from(tracer, headers);
    if (rt == null) {
      return next.startCall(call, headers);
    }
    ServerCall<Q, R> answering = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void sendHeaders(Metadata responseHeaders) {
        TraceToken t = rt.answer();
        if (t != null) {
          responseHeaders.put(TraceMetadata.TOKEN, t.toBytes());
        }
        super.sendHeaders(responseHeaders);
      }
    };
    return Contexts.interceptCall(rt.attachTo(Context.current()), answering, headers, next);
  }
}
