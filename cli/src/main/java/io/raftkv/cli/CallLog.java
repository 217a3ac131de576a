package io.raftkv.cli;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sees every call a CLI command's {@code RaftKvClient} makes (attempts, retries, its Status
 * probes) with the address it went to, so that a failure can say which servers were tried and
 * what each said, and a success which server answered.
 */
final class CallLog implements ClientInterceptor {
  /** One finished call: the address, the method ({@code Put}, {@code Status}...), the outcome. */
  record Call(String address, String method, Status status, Object answer) {}

  private final List<Call> calls = new ArrayList<>(); // guarded by this

  @Override
  public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method,
      CallOptions options, Channel next) {
    String address = next.authority();
    String name = method.getBareMethodName();
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<A> listener, Metadata headers) {
        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(
            listener) {
          private Object answer;

          @Override
          public void onMessage(A message) {
            answer = message;
            super.onMessage(message);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            record(new Call(address, name, status, answer));
            super.onClose(status, trailers);
          }
        }, headers);
      }
    };
  }

  private synchronized void record(Call call) {
    calls.add(call);
  }

  synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The last successful call of {@code method}, if any. */
  synchronized java.util.Optional<Call> lastAnswer(String method) {
    for (int i = calls.size() - 1; i >= 0; i--) {
      Call c = calls.get(i);
      if (c.method().equals(method) && c.status().isOk() && c.answer() != null) {
        return java.util.Optional.of(c);
      }
    }
    return java.util.Optional.empty();
  }

  /** The last failed call of {@code method}, if any. */
  synchronized java.util.Optional<Call> lastFailure(String method) {
    for (int i = calls.size() - 1; i >= 0; i--) {
      Call c = calls.get(i);
      if (c.method().equals(method) && !c.status().isOk()) {
        return java.util.Optional.of(c);
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * One phrase per server: what the last attempt of {@code method} there got ("connection
   * refused", "no leader yet", ...), "not tried" for a listed server never reached. The listed
   * servers first, in order, then any other address the client was sent to (a leader it learned).
   */
  String summary(List<String> listed, String method) {
    Map<String, String> said = new LinkedHashMap<>();
    for (String s : listed) {
      said.put(s, "not tried");
    }
    for (Call c : calls()) {
      if (c.method().equals(method)) {
        said.put(c.address(), c.status().isOk() ? "answered" : describe(c.status()));
      }
    }
    StringBuilder sb = new StringBuilder();
    said.forEach((address, what) -> sb.append(sb.length() == 0 ? "" : "; ").append(address)
        .append(": ").append(what));
    return sb.toString();
  }

  /** A short phrase for what a failed attempt got. */
  static String describe(Status status) {
    for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return m.contains("refused") ? "connection refused" : "cannot connect (" + m + ")";
      }
      if (t instanceof UnknownHostException) {
        return "unknown host";
      }
      if (t instanceof NoRouteToHostException) {
        return "no route to host";
      }
    }
    String d = status.getDescription() == null ? "" : status.getDescription();
    switch (status.getCode()) {
      case DEADLINE_EXCEEDED:
        return "no answer in time";
      case UNIMPLEMENTED:
        return "not a RaftKV server (UNIMPLEMENTED)";
      case UNAVAILABLE:
        if (d.contains("Unable to resolve host")) {
          return "unknown host";
        }
        if (d.contains("no leader is known") || d.contains("leadership is being transferred")) {
          return "no leader yet (an election may be under way)";
        }
        break;
      default:
        break;
    }
    String reason = d.replace("; retry (on any server)", "");
    if (reason.isEmpty() && status.getCause() != null) {
      reason = status.getCause().toString();
    }
    return status.getCode() + (reason.isEmpty() ? "" : ": " + reason);
  }
}
