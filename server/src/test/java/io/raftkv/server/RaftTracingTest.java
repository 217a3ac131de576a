package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.kv.Command;
import io.raftkv.kv.CommandCodec;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.Role;
import io.raftkv.raft.SoftState;
import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendEntriesResponse;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.HeartbeatResponse;
import io.raftkv.raft.message.Message;
import io.raftkv.raft.message.RequestVote;
import io.raftkv.raft.message.RequestVoteResponse;
import io.raftkv.trace.Trace;
import io.raftkv.trace.TraceAction;
import io.raftkv.trace.TraceEvent;
import io.raftkv.trace.TraceLog;
import io.raftkv.trace.TraceToken;
import io.raftkv.trace.Tracer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the Raft side of a server records and which messages carry tokens. */
class RaftTracingTest {
  @TempDir
  Path dir;

  static Entry put(long index, long term, String key, String value) {
    byte[] data = CommandCodec.encode(new Command.Put(7, 1, 0,
        key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
    return new Entry(index, term, EntryType.NORMAL, data);
  }

  static AppendEntries append(int from, int to, long prev, List<Entry> entries) {
    return new AppendEntries(from, to, 2, prev, 2, entries, prev);
  }

  private List<TraceEvent> events(String host) throws Exception {
    return TraceLog.read(dir).stream().filter(e -> e.host().equals(host)).toList();
  }

  @Test
  void when_off_then_nothing_is_traced() {
    RaftTracing off = RaftTracing.OFF;
    for (Message m : List.of(append(1, 2, 4, List.of(put(5, 2, "k", "v"))),
        new RequestVote(1, 2, 3, 4, 2, false, false), AppendEntriesResponse.accept(2, 1, 2, 5))) {
      assertNull(off.outgoing(m));
    }
    assertNull(off.proposing(new TraceHandoff(null, null)));
    assertNull(off.resultToken(5));
  }

  @Test
  void when_heartbeats_are_left_out_then_only_messages_with_news_are_recorded() throws Exception {
    try (Tracer tracer = Tracer.toDirectory("raft2", dir)) {
      RaftTracing t = new RaftTracing(tracer, 2, false);
      assertNull(t.outgoing(new Heartbeat(2, 1, 2, 4, 0)));
      assertNull(t.outgoing(new HeartbeatResponse(2, 1, 2, 0)));
      assertNull(t.outgoing(append(2, 1, 4, List.of())), "an empty AppendEntries");
      assertNotNull(t.outgoing(append(2, 1, 4, List.of(put(5, 2, "k", "v")))));
      // A follower's answers: new acknowledgements and every rejection are recorded; a repeat of
      // what it already acknowledged (the answer to an empty AppendEntries) is not.
      assertNotNull(t.outgoing(AppendEntriesResponse.accept(2, 1, 2, 5)));
      assertNull(t.outgoing(AppendEntriesResponse.accept(2, 1, 2, 5)));
      assertNotNull(t.outgoing(AppendEntriesResponse.accept(2, 1, 2, 6)));
      assertNotNull(t.outgoing(AppendEntriesResponse.reject(2, 1, 2, 9, 1, 7)));
      assertNotNull(t.outgoing(AppendEntriesResponse.accept(2, 1, 3, 6)), "a new term");
      assertNotNull(t.outgoing(new RequestVote(2, 1, 3, 6, 2, true, false)));
      assertNotNull(t.outgoing(new RequestVoteResponse(2, 3, 3, false, true)));
    }
    List<TraceEvent> ev = events("raft2");
    assertEquals(List.of("AppendEntries", "AppendEntriesRes", "AppendEntriesRes",
        "AppendEntriesRes", "AppendEntriesRes", "RequestVote", "RequestVoteRes"),
        ev.stream().map(TraceEvent::action).toList());
    assertEquals(1L, ev.get(0).longField("entries"));
    assertEquals(4L, ev.get(0).longField("prevLogIndex"));
    assertEquals(false, ev.get(3).fields().get("valid"));
    assertEquals(7L, ev.get(3).longField("conflictIndex"));
    assertEquals(3L, ev.get(5).longField("term"));
    assertEquals(2L, ev.get(5).longField("id"));
    assertEquals(List.of(true, 2L, 3L, 3L), List.copyOf(ev.get(6).fields().values()));
    assertTrue(ev.get(5).traceId().startsWith("raft2-prevote-t3-"), ev.get(5).traceId());
  }

  @Test
  void when_heartbeats_are_traced_then_they_show_as_empty_append_entries() throws Exception {
    try (Tracer tracer = Tracer.toDirectory("raft1", dir)) {
      RaftTracing t = new RaftTracing(tracer, 1, true);
      assertNotNull(t.outgoing(new Heartbeat(1, 2, 2, 4, 0)));
      assertNotNull(t.outgoing(append(1, 2, 4, List.of())));
      assertNotNull(t.outgoing(new HeartbeatResponse(1, 2, 2, 0)));
    }
    List<TraceEvent> ev = events("raft1");
    assertEquals(List.of("AppendEntries", "AppendEntries", "AppendEntriesRes"),
        ev.stream().map(TraceEvent::action).toList());
    assertEquals(0L, ev.get(0).longField("entries"));
    assertEquals(0L, ev.get(0).longField("prevLogIndex"));
    assertEquals(4L, ev.get(1).longField("prevLogIndex"));
  }

  @Test
  void when_a_put_is_proposed_replicated_and_applied_then_its_trace_runs_through_both_nodes()
      throws Exception {
    String opTrace;
    try (Tracer server1 = Tracer.toDirectory("server1", dir);
        Tracer raft1 = Tracer.toDirectory("raft1", dir);
        Tracer raft2 = Tracer.toDirectory("raft2", dir)) {
      RaftTracing leader = new RaftTracing(raft1, 1, false);
      RaftTracing follower = new RaftTracing(raft2, 2, false);
      leader.roleChanged(new SoftState(1, Role.LEADER), 2);

      Trace op = server1.createTrace();
      opTrace = op.id();
      op.recordAction(new TraceAction.PutRecv("client1", 1, "k", "v"));
      Trace proposal = leader.proposing(new TraceHandoff(op.generateToken(),
          new TraceAction.RaftPutReq("client1", 1, "k", "v")));
      leader.proposed(5, proposal);

      Entry e = put(5, 2, "k", "v");
      AppendEntries ae = append(1, 2, 4, List.of(e));
      follower.incoming(ae, leader.outgoing(ae));
      AppendEntriesResponse ok = AppendEntriesResponse.accept(2, 1, 2, 5);
      leader.incoming(ok, follower.outgoing(ok));

      leader.applying(e);
      TraceToken back = leader.resultToken(5);
      assertNotNull(back);
      assertEquals(opTrace, back.traceId());
      assertNull(leader.resultToken(4), "only the entry just applied hands a result back");
      follower.applying(e);
      follower.incoming(ae, new byte[] {9, 9}); // a bad token is ignored, not thrown
    }
    List<TraceEvent> all = TraceLog.read(dir);
    java.util.Map<String, TraceEvent> onTrace = new java.util.HashMap<>();
    for (TraceEvent x : all) {
      if (x.traceId().equals(opTrace)) {
        assertNull(onTrace.put(x.host() + ":" + x.action(), x), "twice: " + x);
      }
    }
    List<String> chain = List.of("server1:PutRecv", "raft1:RaftPutReq", "raft1:AppendEntries",
        "raft2:AppendEntriesRecv", "raft2:AppendEntriesRes", "raft1:Commit", "raft1:Apply");
    for (int i = 1; i < chain.size(); i++) {
      TraceEvent a = onTrace.get(chain.get(i - 1));
      TraceEvent b = onTrace.get(chain.get(i));
      assertNotNull(b, chain.get(i) + " on the operation's trace: " + onTrace.keySet());
      assertTrue(a.happenedBefore(b), a + " before " + b);
    }
    assertTrue(onTrace.get("raft2:AppendEntriesRecv").happenedBefore(onTrace.get("raft2:Apply")));
    assertEquals(chain.size() + 1, onTrace.size(), onTrace.keySet().toString());
    TraceEvent commit = all.stream().filter(x -> x.action().equals("Commit")).findFirst()
        .orElseThrow();
    assertEquals("Put(k,v)", commit.stringField("operation"));
    assertEquals(2L, commit.longField("term"));
    TraceEvent followerApply = events("raft2").get(events("raft2").size() - 1);
    assertEquals("Apply", followerApply.action());
    assertEquals(5L, followerApply.longField("index"));
    assertTrue(events("raft1").stream().anyMatch(x -> x.action().equals("LeaderElected")));
  }
}
