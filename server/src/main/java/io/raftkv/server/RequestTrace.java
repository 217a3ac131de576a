package io.raftkv.server;

import io.grpc.Context;
import io.grpc.Metadata;
import io.raftkv.api.TraceMetadata;
import io.raftkv.trace.Trace;
import io.raftkv.trace.TraceAction;
import io.raftkv.trace.TraceToken;
import io.raftkv.trace.Tracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One traced client request at the host {@code serverN}, from its arrival to its answer: made by
 * {@link TraceServerInterceptor} from the request's trace headers and found by the services in
 * the gRPC {@link Context}. Null (no trace) when the server does not trace or the request carries
 * no token.
 *
 * <p>A request's steps follow one another (each in the completion of the one before), so the
 * fields need no lock; they are volatile because the steps run on different threads.
 */
final class RequestTrace {
  private static final Logger LOG = LoggerFactory.getLogger(RequestTrace.class);
  private static final Context.Key<RequestTrace> KEY = Context.key("raftkv-request-trace");

  private final Tracer tracer;
  private final TraceToken incoming;
  final String clientId;
  final long opId;
  private volatile Trace trace;
  private volatile TraceToken answer;

  private RequestTrace(Tracer tracer, TraceToken incoming, String clientId, long opId) {
    this.tracer = tracer;
    this.incoming = incoming;
    this.clientId = clientId;
    this.opId = opId;
  }

  /** The trace of the request the current gRPC call serves, or null. */
  static RequestTrace current() {
    return KEY.get();
  }

  Context attachTo(Context context) {
    return context.withValue(KEY, this);
  }

  /** The trace a request with {@code headers} continues; null if none or unreadable (logged). */
  static RequestTrace from(Tracer tracer, Metadata headers) {
    try {
      TraceToken token = TraceMetadata.token(headers);
      return token == null ? null
          : new RequestTrace(tracer, token, TraceMetadata.clientId(headers),
              TraceMetadata.opId(headers));
    } catch (IllegalArgumentException e) { // NumberFormatException too
      LOG.warn("ignoring a request's trace headers: {}", e.getMessage());
      return null;
    }
  }

  /** GetRecv/PutRecv: merges the sender's token and records the arrival. */
  void received(TraceAction recv) {
    Trace t = tracer.receiveToken(incoming);
    trace = t;
    t.recordAction(recv);
  }

  /** GetFwd/PutFwd: records it and returns the token to send to the leader. */
  TraceToken forwarding(TraceAction fwd) {
    trace.recordAction(fwd);
    return trace.generateToken();
  }

  /**
   * GetResultFwd/PutResultFwd: merges the leader's token (if it sent one) and records that the
   * result is passed back; the client's answer carries the token made after it.
   */
  void resultForwarded(TraceToken fromLeader, TraceAction resultFwd) {
    resultAt(fromLeader, resultFwd);
  }

  /** The hand-off of a traced proposal to this process's Raft side. */
  TraceHandoff handoff(TraceAction.RaftPutReq raftPutReq) {
    return new TraceHandoff(trace.generateToken(), raftPutReq);
  }

  /**
   * GetResult/PutResult: merges the Raft side's token (if any) and records that the result is
   * on the return path; the answer carries the token made after it.
   */
  void result(TraceToken fromRaft, TraceAction result) {
    resultAt(fromRaft, result);
  }

  private void resultAt(TraceToken merge, TraceAction action) {
    Trace t = merge == null ? trace : tracer.receiveToken(merge);
    t.recordAction(action);
    answer = t.generateToken();
  }

  /** The token the answer carries back, or null if no result was recorded. */
  TraceToken answer() {
    return answer;
  }
}
