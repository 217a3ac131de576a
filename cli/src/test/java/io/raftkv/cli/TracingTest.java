package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.raftkv.client.Kvslib;
import io.raftkv.client.NotifyQueue;
import io.raftkv.client.OpResult;
import io.raftkv.client.RetryPolicy;
import io.raftkv.client.ServerConnectionListener;
import io.raftkv.trace.TraceCheckResult;
import io.raftkv.trace.TraceChecker;
import io.raftkv.trace.TraceEvent;
import io.raftkv.trace.TraceLog;
import io.raftkv.trace.Tracer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracing end to end on 3 real server processes started with {@code --trace-dir}: a traced
 * kvslib's Put through a follower and a Get leave the seed's whole path in the trace files, in
 * happens-before order by the vector clocks, on one trace id per operation.
 */
class TracingTest {
  @TempDir
  Path tmp;

  @Test
  void when_a_traced_kvslib_puts_through_a_follower_then_every_step_is_traced_in_causal_order()
      throws Exception {
    Path traces = tmp.resolve("traces");
    try (RealCluster c = RealCluster.createTraced(tmp, "TracingTest", 3, RealCluster.FAST,
        traces)) {
      for (int i = 1; i <= 3; i++) {
        c.start(i);
      }
      int leader = c.awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
      int follower = leader == 1 ? 2 : 1;
      String server = "server" + follower;
      String raft = "raft" + leader;

      OpResult put;
      OpResult get;
      try (Tracer tracer = Tracer.toDirectory("client1", traces)) {
        Kvslib kvs = new Kvslib(RetryPolicy.DEFAULT, ServerConnectionListener.NONE, tracer);
        NotifyQueue results = kvs.start("client1", List.of(c.address(follower)), 4);
        kvs.put("k1", "v1");
        put = results.take();
        kvs.get("k1");
        get = results.take();
        kvs.stop();
      }
      assertNull(put.error(), () -> "put failed: " + put);
      assertEquals("v1", get.value(), () -> "get: " + get);

      // Every server applies the Put; wait for the followers' Apply to reach their files.
      List<TraceEvent> ev = c.await(Duration.ofSeconds(20), "every raft host to apply Put(k1,v1)",
          () -> {
            List<TraceEvent> all = read(traces);
            boolean applied = List.of(1, 2, 3).stream().allMatch(id -> all.stream().anyMatch(e ->
                e.host().equals("raft" + id) && e.action().equals("Apply")
                    && "Put(k1,v1)".equals(e.stringField("command"))));
            return applied ? Optional.of(all) : Optional.empty();
          });

      Predicate<TraceEvent> op1 = e -> "client1".equals(e.stringField("clientId"))
          && Long.valueOf(1).equals(e.longField("opId"));
      TraceEvent start = one(ev, "client1", "PutStart", op1);
      TraceEvent send = one(ev, "client1", "PutSend", op1);
      TraceEvent recvF = one(ev, server, "PutRecv", op1);
      TraceEvent fwd = one(ev, server, "PutFwd", op1);
      TraceEvent recvL = one(ev, "server" + leader, "PutRecv", op1);
      TraceEvent raftPutReq = one(ev, raft, "RaftPutReq", op1);
      TraceEvent commit = one(ev, raft, "Commit", e -> "Put(k1,v1)".equals(e.stringField(
          "operation")));
      TraceEvent apply = one(ev, raft, "Apply", e -> "Put(k1,v1)".equals(e.stringField(
          "command")));
      TraceEvent result = one(ev, "server" + leader, "PutResult", op1);
      TraceEvent resultFwd = one(ev, server, "PutResultFwd", op1);
      List<TraceEvent> path = List.of(start, send, recvF, fwd, recvL, raftPutReq, commit, apply,
          result, resultFwd);
      assertHappenedInOrder(path);
      for (TraceEvent e : path) {
        assertEquals(start.traceId(), e.traceId(), () -> "the put's trace id on " + e);
      }
      assertEquals("v1", raftPutReq.stringField("value"));
      assertEquals("v1", result.stringField("value"));

      // Replication in between: the leader's AppendEntries carrying the entry, the receipt and
      // answer of the follower whose answer made the majority, then the Commit.
      TraceEvent append = first(ev, raft, "AppendEntries", e -> e.longField("entries") > 0
          && raftPutReq.happenedBefore(e));
      TraceEvent appendRes = first(ev, null, "AppendEntriesRes", e -> append.happenedBefore(e)
          && e.happenedBefore(commit));
      TraceEvent appendRecv = first(ev, appendRes.host(), "AppendEntriesRecv",
          e -> append.happenedBefore(e) && e.happenedBefore(appendRes));
      assertHappenedInOrder(List.of(raftPutReq, append, appendRecv, appendRes, commit));
      assertEquals(true, appendRes.fields().get("valid"));
      assertTrue(appendRecv.longField("entries") >= 1);

      // The Get: through the follower to the leader and back, after the Put's result.
      Predicate<TraceEvent> op2 = e -> "client1".equals(e.stringField("clientId"))
          && Long.valueOf(2).equals(e.longField("opId"));
      List<TraceEvent> getPath = List.of(one(ev, "client1", "GetStart", op2),
          one(ev, "client1", "GetSend", op2), one(ev, server, "GetRecv", op2),
          one(ev, server, "GetFwd", op2), one(ev, "server" + leader, "GetRecv", op2),
          one(ev, "server" + leader, "GetResult", op2), one(ev, server, "GetResultFwd", op2));
      assertHappenedInOrder(getPath);
      assertTrue(resultFwd.happenedBefore(getPath.get(0)), "the get started after the put's "
          + "result came back");
      assertEquals("v1", getPath.get(5).stringField("value"));

      // The client's session: KvslibStart first, its connection to the follower named by its node
      // id, KvslibStop last.
      List<TraceEvent> client = ev.stream().filter(e -> e.host().equals("client1")).toList();
      assertEquals("KvslibStart", client.get(0).action());
      assertEquals("KvslibStop", client.get(client.size() - 1).action());
      TraceEvent connection = one(ev, "client1", "NewServerConnection", e -> true);
      assertEquals((long) follower, connection.longField("serverId"));
      assertEquals(c.address(follower), connection.stringField("serverAddr"));
      assertTrue(connection.happenedBefore(start));

      // Each server's lifetime events and one LeaderElected, by the leader.
      for (int id = 1; id <= 3; id++) {
        TraceEvent s = one(ev, "server" + id, "ServerStart", e -> true);
        TraceEvent l = one(ev, "server" + id, "ServerListening", e -> true);
        assertTrue(s.happenedBefore(l));
        one(ev, "raft" + id, "RaftStart", e -> true);
      }
      TraceEvent elected = ev.stream().filter(e -> e.action().equals("LeaderElected"))
          .reduce((a, b) -> b).orElseThrow();
      assertEquals(raft, elected.host());
      assertEquals((long) leader, elected.longField("serverId"));
      // It carries the election's trace (pre-vote rounds have traces of their own), on which
      // a granted vote came before it.
      String election = raft + "-vote-t" + elected.longField("term") + "-";
      assertTrue(elected.traceId().startsWith(election), elected.traceId());
      first(ev, null, "RequestVoteRes", e -> Boolean.TRUE.equals(e.fields().get("voteGranted"))
          && Long.valueOf(leader).equals(e.longField("candidateServerId"))
          && e.traceId().equals(elected.traceId()) && e.happenedBefore(elected));

      // And the checker of the seed's rules finds nothing wrong with the whole run.
      TraceCheckResult check = TraceChecker.check(ev);
      assertTrue(check.clean(), check::report);

      // Heartbeats are left out by default.
      assertTrue(ev.stream().noneMatch(e -> e.action().equals("AppendEntries")
          && e.longField("entries") == 0), "no heartbeat-only AppendEntries");
    }
  }

  @Test
  void when_the_clients_server_stops_answering_then_the_failover_is_traced_and_the_run_checks_clean()
      throws Exception {
    Path traces = tmp.resolve("traces");
    try (RealCluster c = RealCluster.createTraced(tmp, "TracingFailoverTest", 3, RealCluster.FAST,
        traces)) {
      for (int i = 1; i <= 3; i++) {
        c.start(i);
      }
      int leader = c.awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
      List<Integer> followers = List.of(1, 2, 3).stream().filter(i -> i != leader).toList();
      int paused = followers.get(0);
      OpResult put;
      c.signal(paused, "STOP"); // its first attempt gets no answer: the kvslib moves on
      try (Tracer tracer = Tracer.toDirectory("client1", traces)) {
        Kvslib kvs = new Kvslib(RetryPolicy.DEFAULT.withPerAttemptTimeout(Duration.ofSeconds(1)),
            ServerConnectionListener.NONE, tracer);
        NotifyQueue results = kvs.start("client1",
            List.of(c.address(paused), c.address(followers.get(1))), 4);
        kvs.put("k2", "v2");
        put = results.take();
        kvs.stop();
      } finally {
        c.signal(paused, "CONT");
      }
      assertNull(put.error(), () -> "put failed: " + put);

      List<TraceEvent> ev = c.await(Duration.ofSeconds(20), "every raft host to apply Put(k2,v2)",
          () -> {
            List<TraceEvent> all = read(traces);
            boolean applied = List.of(1, 2, 3).stream().allMatch(id -> all.stream().anyMatch(e ->
                e.host().equals("raft" + id) && "Put(k2,v2)".equals(e.stringField("command"))));
            return applied ? Optional.of(all) : Optional.empty();
          });
      List<String> client = ev.stream().filter(e -> e.host().equals("client1"))
          .map(TraceEvent::action).toList();
      // The paused server did not answer the Status in start either: its connection is recorded
      // at the first attempt, the other's at the failover.
      assertEquals(List.of("KvslibStart", "PutStart", "NewServerConnection", "PutSend",
          "NewServerConnection", "PutSend", "KvslibStop"), client);
      // No Status was answered, so the servers are numbered by their position in the list.
      List<TraceEvent> connections = matching(ev, "client1", "NewServerConnection", e -> true);
      assertEquals(List.of(1L, 2L), connections.stream().map(e -> e.longField("serverId"))
          .toList());
      assertEquals(c.address(followers.get(1)), connections.get(1).stringField("serverAddr"));
      TraceCheckResult check = TraceChecker.check(ev);
      assertTrue(check.clean(), check::report);
    }
  }

  @Test
  void when_trace_heartbeats_is_given_without_a_trace_dir_then_the_server_refuses_to_start() {
    String[] r = ClientPathsTest.cli("server", "--cluster", tmp.resolve("none.json").toString(),
        "--id", "1", "--data-dir", tmp.resolve("d").toString(), "--trace-heartbeats");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("--trace-heartbeats needs --trace-dir"), r[2]);
  }

  private static List<TraceEvent> read(Path dir) {
    try {
      return TraceLog.read(dir);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The one event of {@code action} on {@code host} matching {@code p}. */
  private static TraceEvent one(List<TraceEvent> ev, String host, String action,
      Predicate<TraceEvent> p) {
    List<TraceEvent> found = matching(ev, host, action, p);
    if (found.size() != 1) {
      fail("expected one " + action + " on " + host + ", found " + found.size() + ": " + found
          + "\nall events:\n" + ev.stream().map(TraceEvent::describe)
              .collect(Collectors.joining("\n")));
    }
    return found.get(0);
  }

  /** The first (lowest seq) event of {@code action} on {@code host} (any if null) matching. */
  private static TraceEvent first(List<TraceEvent> ev, String host, String action,
      Predicate<TraceEvent> p) {
    List<TraceEvent> found = matching(ev, host, action, p);
    if (found.isEmpty()) {
      fail("no " + action + " on " + (host == null ? "any host" : host) + " as expected");
    }
    return found.get(0);
  }

  private static List<TraceEvent> matching(List<TraceEvent> ev, String host, String action,
      Predicate<TraceEvent> p) {
    List<TraceEvent> out = new ArrayList<>();
    for (TraceEvent e : ev) {
      if ((host == null || e.host().equals(host)) && e.action().equals(action) && p.test(e)) {
        out.add(e);
      }
    }
    out.sort((a, b) -> Long.compare(a.seq(), b.seq()));
    return out;
  }

  private static void assertHappenedInOrder(List<TraceEvent> path) {
    for (int i = 1; i < path.size(); i++) {
      TraceEvent a = path.get(i - 1);
      TraceEvent b = path.get(i);
      assertTrue(a.happenedBefore(b), "expected " + a.describe() + " to happen before "
          + b.describe());
    }
  }
}
