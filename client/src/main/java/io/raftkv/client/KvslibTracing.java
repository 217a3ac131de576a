package io.raftkv.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.MetadataUtils;
import io.raftkv.api.TraceMetadata;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.StatusResponse;
import io.raftkv.trace.Trace;
import io.raftkv.trace.TraceAction;
import io.raftkv.trace.TraceToken;
import io.raftkv.trace.Tracer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one kvslib session records (the seed's ktrace and the client's part of the get and put
 * traces): KvslibStart, NewServerConnection, GetStart/PutStart (a new trace per OpId),
 * GetSend/PutSend before every attempt with the token sent in the request headers, the answer's
 * token merged as soon as its headers arrive, and KvslibStop. Nothing is recorded after
 * KvslibStop, even by an attempt racing with {@link Kvslib#stop}.
 */
final class KvslibTracing {
  private static final Logger log = LoggerFactory.getLogger(KvslibTracing.class);

  private final Tracer tracer;
  private final String clientId;
  private final Trace session;
  private final Map<String, Integer> serverIds = new ConcurrentHashMap<>();
  private final ClientInterceptor mergeAnswerToken = new MergeAnswerToken();
  private boolean stopped; // guarded by this

  KvslibTracing(Tracer tracer, String clientId) {
    this.tracer = tracer;
    this.clientId = clientId;
    this.session = tracer.createTrace();
  }

  void started() {
    record(session, new TraceAction.KvslibStart(clientId));
  }

  /**
   * Learns the servers' node ids from a Status answer: each member's client address, and the
   * answering server's id for the address it was reached at.
   */
  void learnServerIds(String answeredAddress, StatusResponse status) {
    for (MemberStatus m : status.getMembersList()) {
      serverIds.put(m.getClientAddress(), m.getId());
    }
    if (status.getHeader().getServerId() != 0) {
      serverIds.put(answeredAddress, status.getHeader().getServerId());
    }
  }

  /** The connection listener that records NewServerConnection, then tells {@code also}. */
  ServerConnectionListener listener(ServerConnectionListener also) {
    return (index, address) -> {
      // The node id if a Status answer named this address, else the position in the list + 1.
      int serverId = serverIds.getOrDefault(address, index + 1);
      record(session, new TraceAction.NewServerConnection(clientId, serverId, address));
      also.onNewServerConnection(index, address);
    };
  }

  OpTracer get(long opId, String key) {
    return op(new TraceAction.GetStart(clientId, opId, key), opId,
        new TraceAction.GetSend(clientId, opId, key));
  }

  OpTracer put(long opId, String key, String value) {
    return op(new TraceAction.PutStart(clientId, opId, key, value), opId,
        new TraceAction.PutSend(clientId, opId, key, value));
  }

  private OpTracer op(TraceAction start, long opId, TraceAction send) {
    Trace trace = tracer.createTrace();
    record(trace, start);
    return stub -> {
      TraceToken token = sendToken(trace, send);
      if (token == null) {
        return stub;
      }
      return stub.withInterceptors(
          MetadataUtils.newAttachHeadersInterceptor(TraceMetadata.request(token, clientId, opId)),
          mergeAnswerToken);
    };
  }

  /** KvslibStop, the session's last event. */
  synchronized void stopped() {
    if (!stopped) {
      session.recordAction(new TraceAction.KvslibStop(clientId));
      stopped = true;
    }
  }

  private synchronized void record(Trace trace, TraceAction action) {
    if (!stopped) {
      trace.recordAction(action);
    }
  }

  private synchronized TraceToken sendToken(Trace trace, TraceAction send) {
    if (stopped) {
      return null;
    }
    trace.recordAction(send);
    return trace.generateToken();
  }

  private synchronized void merge(byte[] token) {
    if (stopped) {
      return;
    }
    try {
      tracer.receiveToken(TraceToken.fromBytes(token));
    } catch (IllegalArgumentException e) {
      log.warn("kvslib {} ignores a server's trace token: {}", clientId, e.getMessage());
    }
  }

  /**
   * Merges the token in an answer's headers, which arrive before the answer itself, so the
   * result reaches the caller only after the merge.
   */
  private final class MergeAnswerToken implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
        CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(
              listener) {
            @Override
            public void onHeaders(Metadata answerHeaders) {
              byte[] token = answerHeaders.get(TraceMetadata.TOKEN);
              if (token != null) {
                merge(token);
              }
              super.onHeaders(answerHeaders);
            }
          }, headers);
        }
      };
    }
  }
}
