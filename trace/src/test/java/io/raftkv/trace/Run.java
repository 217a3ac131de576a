package io.raftkv.trace;

import io.raftkv.trace.TraceAction.GetRecv;
import io.raftkv.trace.TraceAction.GetResult;
import io.raftkv.trace.TraceAction.GetSend;
import io.raftkv.trace.TraceAction.GetStart;
import io.raftkv.trace.TraceAction.PutFwd;
import io.raftkv.trace.TraceAction.PutRecv;
import io.raftkv.trace.TraceAction.PutResult;
import io.raftkv.trace.TraceAction.PutResultFwd;
import io.raftkv.trace.TraceAction.PutSend;
import io.raftkv.trace.TraceAction.PutStart;
import io.raftkv.trace.TraceAction.RaftPutReq;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-built run for checker tests: hosts record actions and pass messages, with the clock
 * rules of {@link Tracer} (a record ticks; a message merges the sender's clock into the
 * receiver's).
 */
final class Run {
  final List<TraceEvent> events = new ArrayList<>();
  private final Map<String, VectorClock> clocks = new HashMap<>();
  private long wall;

  TraceEvent rec(String host, TraceAction a) {
    VectorClock c = clocks.getOrDefault(host, VectorClock.empty()).tick(host);
    clocks.put(host, c);
    TraceEvent e = new TraceEvent(host, c.get(host), c, "t", a.name(),
        new LinkedHashMap<>(a.fields()), ++wall);
    events.add(e);
    return e;
  }

  /** A message from one host to another: the receiver's clock merges the sender's. */
  Run msg(String from, String to) {
    clocks.put(to, clocks.getOrDefault(to, VectorClock.empty())
        .merge(clocks.getOrDefault(from, VectorClock.empty())));
    return this;
  }

  TraceCheckResult check() {
    return TraceChecker.check(events);
  }

  /** A Put through follower to leader and back, as the seed describes it. */
  Run forwardedPut(String client, long opId, String follower, String leader) {
    rec(client, new PutStart(client, opId, "k", "v"));
    rec(client, new PutSend(client, opId, "k", "v"));
    msg(client, follower);
    rec(follower, new PutRecv(client, opId, "k", "v"));
    rec(follower, new PutFwd(client, opId, "k", "v"));
    msg(follower, leader);
    rec(leader, new PutRecv(client, opId, "k", "v"));
    rec(leader, new RaftPutReq(client, opId, "k", "v"));
    rec(leader, new PutResult(client, opId, "k", "v"));
    msg(leader, follower);
    rec(follower, new PutResultFwd(client, opId, "k", "v"));
    msg(follower, client);
    return this;
  }

  /** A Get sent straight to the leader. */
  Run directGet(String client, long opId, String leader) {
    rec(client, new GetStart(client, opId, "k"));
    rec(client, new GetSend(client, opId, "k"));
    msg(client, leader);
    rec(leader, new GetRecv(client, opId, "k"));
    rec(leader, new GetResult(client, opId, "k", "v"));
    msg(leader, client);
    return this;
  }
}
