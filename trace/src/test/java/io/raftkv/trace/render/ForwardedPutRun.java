package io.raftkv.trace.render;

import io.raftkv.trace.Trace;
import io.raftkv.trace.TraceAction;
import io.raftkv.trace.TraceAction.AppendEntries;
import io.raftkv.trace.TraceAction.AppendEntriesRecv;
import io.raftkv.trace.TraceAction.AppendEntriesRes;
import io.raftkv.trace.TraceToken;
import io.raftkv.trace.Tracer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A small traced run written with the Tracer API, with what a drawing of it must show.
 *
 * <p>client1 puts k1 through follower server1, which forwards to leader server2; raft2 (the
 * leader's Raft) replicates it to raft1 and raft3, commits, applies, and the result travels back
 * server2, server1, client1. Then client1 gets k1 from server2 directly. raft2 sends heartbeats
 * (entries 0) to raft1 and raft3 before the put and to raft1 after it; followers answer every
 * AppendEntries with an AppendEntriesRes; the leader reads only the answers to the put's.
 *
 * <p>Events are named {@code host#seq}. Every message is received by an event recorded right
 * after the token is merged, and every message brings news, so the expected arrows are exactly
 * the messages sent.
 */
final class ForwardedPutRun {
  static final String PUT_OP = "client1:1";
  static final String GET_OP = "client1:2";
  static final List<String> HOSTS_IN_COLUMN_ORDER =
      List.of("client1", "server1", "raft1", "server2", "raft2", "raft3");

  /** Every event, {@code host#seq -> action}. */
  final Map<String, String> events = new LinkedHashMap<>();
  /** Every message, {@code "host#seq -> host#seq"}. */
  final Set<String> arrows = new TreeSet<>();
  final Set<String> heartbeatEvents = new TreeSet<>();
  final Set<String> putOpEvents = new TreeSet<>();
  final Set<String> getOpEvents = new TreeSet<>();

  private final Map<String, Tracer> tracers = new HashMap<>();
  private final Map<String, Long> seqs = new HashMap<>();

  /** Writes the run's trace files into {@code dir}. */
  ForwardedPutRun(Path dir) {
    for (String h : HOSTS_IN_COLUMN_ORDER) {
      tracers.put(h, Tracer.toDirectory(h, dir));
    }
    try {
      write();
    } finally {
      tracers.values().forEach(Tracer::close);
    }
  }

  private void write() {
    Trace client = tracers.get("client1").createTrace();
    record("client1", client, new TraceAction.KvslibStart("client1"));
    heartbeat(List.of("raft1", "raft3"));

    Trace put = tracers.get("client1").createTrace();
    record("client1", put, new TraceAction.PutStart("client1", 1, "k1", "v1"));
    Msg m = send("client1", put, new TraceAction.PutSend("client1", 1, "k1", "v1"));
    Trace s1 = receive(m, "server1", new TraceAction.PutRecv("client1", 1, "k1", "v1"));
    m = send("server1", s1, new TraceAction.PutFwd("client1", 1, "k1", "v1"));
    Trace s2 = receive(m, "server2", new TraceAction.PutRecv("client1", 1, "k1", "v1"));
    m = new Msg(last("server2"), s2.generateToken());
    Trace r2 = receive(m, "raft2", new TraceAction.RaftPutReq("client1", 1, "k1", "v1"));
    Msg toRaft1 = send("raft2", r2, new AppendEntries(1, 1, 0, 0));
    Msg toRaft3 = send("raft2", r2, new AppendEntries(1, 1, 0, 0));
    Trace f1 = receive(toRaft1, "raft1", new AppendEntriesRecv(1, 1, 0, 0));
    Msg res1 = send("raft1", f1, new AppendEntriesRes(true, 0));
    Trace f3 = receive(toRaft3, "raft3", new AppendEntriesRecv(1, 1, 0, 0));
    Msg res3 = send("raft3", f3, new AppendEntriesRes(true, 0));
    tracers.get("raft2").receiveToken(res1.token);
    arrows.add(res1.from + " -> raft2#" + (seqOf("raft2") + 1));
    receive(res3, "raft2", new TraceAction.Commit(1, "Put(k1,v1)"));
    m = send("raft2", r2, new TraceAction.Apply("Put(k1,v1)", 1, 1));
    s2 = receive(m, "server2", new TraceAction.PutResult("client1", 1, "k1", "v1"));
    m = new Msg(last("server2"), s2.generateToken());
    s1 = receive(m, "server1", new TraceAction.PutResultFwd("client1", 1, "k1", "v1"));
    m = new Msg(last("server1"), s1.generateToken());
    receive(m, "client1", new TraceAction.PutResult("client1", 1, "k1", "v1"));

    Trace get = tracers.get("client1").createTrace();
    record("client1", get, new TraceAction.GetStart("client1", 2, "k1"));
    m = send("client1", get, new TraceAction.GetSend("client1", 2, "k1"));
    s2 = receive(m, "server2", new TraceAction.GetRecv("client1", 2, "k1"));
    m = send("server2", s2, new TraceAction.GetResult("client1", 2, "k1", "v1"));
    receive(m, "client1", new TraceAction.GetResult("client1", 2, "k1", "v1"));

    heartbeat(List.of("raft1"));
    record("client1", client, new TraceAction.KvslibStop("client1"));
    for (String id : events.keySet()) {
      if (events.get(id).startsWith("Put") || events.get(id).equals("RaftPutReq")) {
        putOpEvents.add(id);
      } else if (events.get(id).startsWith("Get")) {
        getOpEvents.add(id);
      }
    }
  }

  /** raft2 sends an empty AppendEntries to each follower, which answers it (answer not read). */
  private void heartbeat(List<String> followers) {
    Trace hb = tracers.get("raft2").createTrace();
    for (String follower : followers) {
      Msg m = send("raft2", hb, new AppendEntries(1, 0, 0, 0));
      heartbeatEvents.add(m.from);
      Trace f = receive(m, follower, new AppendEntriesRecv(1, 0, 0, 0));
      heartbeatEvents.add(last(follower));
      record(follower, f, new AppendEntriesRes(true, 0));
      heartbeatEvents.add(last(follower));
    }
  }

  private record Msg(String from, TraceToken token) {
  }

  private Msg send(String host, Trace trace, TraceAction action) {
    record(host, trace, action);
    return new Msg(last(host), trace.generateToken());
  }

  private Trace receive(Msg m, String host, TraceAction action) {
    Trace t = tracers.get(host).receiveToken(m.token);
    record(host, t, action);
    arrows.add(m.from + " -> " + last(host));
    return t;
  }

  private void record(String host, Trace trace, TraceAction action) {
    trace.recordAction(action);
    long seq = seqs.merge(host, 1L, Long::sum);
    events.put(host + "#" + seq, action.name());
  }

  private long seqOf(String host) {
    return seqs.getOrDefault(host, 0L);
  }

  private String last(String host) {
    return host + "#" + seqOf(host);
  }

  /** The arrows with neither end a heartbeat event. */
  Set<String> arrowsWithoutHeartbeats() {
    Set<String> result = new TreeSet<>();
    for (String a : arrows) {
      String[] ends = a.split(" -> ");
      if (!heartbeatEvents.contains(ends[0]) && !heartbeatEvents.contains(ends[1])) {
        result.add(a);
      }
    }
    return result;
  }
}
