package io.raftkv.server;

import io.grpc.Metadata;
import io.raftkv.api.TraceMetadata;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.GetResponse;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.trace.TraceAction;
import io.raftkv.trace.TraceToken;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actions one traced Get or Put records at this server (host {@code serverN}), with the
 * kvslib's client name and OpId from the request's trace headers: Recv on arrival, then either
 * Fwd and, with the leader's answer, ResultFwd (a follower), or Result once the answer is ready
 * (the leader; for a Put after the Raft side's RaftPutReq, Commit and Apply).
 *
 * @param <T> the response type
 */
final class TracedOp<T> {
  private static final Logger LOG = LoggerFactory.getLogger(TracedOp.class);

  private final RequestTrace rt;
  private final TraceAction fwd;
  private final Function<T, TraceAction> resultFwd;
  private final TraceAction.RaftPutReq raftPutReq;
  private final Function<T, TraceAction> result;

  private TracedOp(RequestTrace rt, TraceAction fwd, Function<T, TraceAction> resultFwd,
      TraceAction.RaftPutReq raftPutReq, Function<T, TraceAction> result) {
    this.rt = rt;
    this.fwd = fwd;
    this.resultFwd = resultFwd;
    this.raftPutReq = raftPutReq;
    this.result = result;
  }

  /** Records PutRecv; null (nothing recorded) if the request is not traced. */
  static TracedOp<PutResponse> put(RequestTrace rt, PutRequest req) {
    if (rt == null) {
      return null;
    }
    String c = rt.clientId;
    long o = rt.opId;
    String k = req.getKey().toStringUtf8();
    String v = req.getValue().toStringUtf8();
    rt.received(new TraceAction.PutRecv(c, o, k, v));
    return new TracedOp<>(rt, new TraceAction.PutFwd(c, o, k, v),
        r -> new TraceAction.PutResultFwd(c, o, k, v), new TraceAction.RaftPutReq(c, o, k, v),
        r -> new TraceAction.PutResult(c, o, k, v));
  }

  /** Records GetRecv; null (nothing recorded) if the request is not traced. */
  static TracedOp<GetResponse> get(RequestTrace rt, GetRequest req) {
    if (rt == null) {
      return null;
    }
    String c = rt.clientId;
    long o = rt.opId;
    String k = req.getKey().toStringUtf8();
    rt.received(new TraceAction.GetRecv(c, o, k));
    return new TracedOp<>(rt, new TraceAction.GetFwd(c, o, k),
        r -> new TraceAction.GetResultFwd(c, o, k, valueOf(r)), null,
        r -> new TraceAction.GetResult(c, o, k, valueOf(r)));
  }

  /** A Get's value as traces show it: "" when the key is absent. */
  private static String valueOf(GetResponse r) {
    return r.getFound() ? r.getValue().toStringUtf8() : "";
  }

  /** Records GetFwd/PutFwd; returns the headers the forwarded call carries. */
  Metadata forwarding() {
    return TraceMetadata.request(rt.forwarding(fwd), rt.clientId, rt.opId);
  }

  /** Records GetResultFwd/PutResultFwd after merging the token in the leader's answer headers. */
  void forwarded(T response, Metadata answerHeaders) {
    TraceToken fromLeader = null;
    try {
      fromLeader = answerHeaders == null ? null : TraceMetadata.token(answerHeaders);
    } catch (IllegalArgumentException e) {
      LOG.warn("ignoring the leader's trace token: {}", e.getMessage());
    }
    rt.resultForwarded(fromLeader, resultFwd.apply(response));
  }

  /** What a proposal hands to the Raft side (RaftPutReq for a Put). */
  TraceHandoff handoff() {
    return rt.handoff(raftPutReq);
  }

  /** Records GetResult/PutResult, after merging the Raft side's token if there is one. */
  void answered(T response, TraceToken fromRaft) {
    rt.result(fromRaft, result.apply(response));
  }
}
