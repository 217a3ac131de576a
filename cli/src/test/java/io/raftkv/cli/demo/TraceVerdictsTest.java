package io.raftkv.cli.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.OpResult;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Verdicts tying results, connections and syncing to doctored traces: they pass and fail. */
class TraceVerdictsTest {
  @Test
  void when_the_trace_has_the_observed_result_then_results_logged_passes_else_fails() {
    var ev = new Events()
        .add("server2", "GetResult", "clientId", "client1", "opId", 2, "key", "k1", "value", "v1")
        .add("server2", "GetResult", "clientId", "client1", "opId", 3, "key", "k2", "value", "")
        .list();
    var seen = List.of(new OpResult(2, OpResult.Type.GET, "k1", "v1", null),
        new OpResult(3, OpResult.Type.GET, "k2", null, null));
    assertTrue(OpTraceChecks.resultsLogged(ev, "client1", seen).passed());
    var otherValue = List.of(new OpResult(2, OpResult.Type.GET, "k1", "v2", null));
    assertFalse(OpTraceChecks.resultsLogged(ev, "client1", otherValue).passed());
    assertFalse(OpTraceChecks.resultsLogged(ev, "client2", seen).passed());
  }

  @Test
  void when_the_client_reconnects_after_the_kill_then_the_connection_verdict_passes() {
    var ev = new Events()
        .add("client1", "NewServerConnection", "clientId", "client1", "serverId", 3,
            "serverAddr", "a")
        .add("client1", "NewServerConnection", "clientId", "client1", "serverId", 4,
            "serverAddr", "b")
        .list();
    // Events' wall times are 0 s and 1 s.
    assertTrue(S6MidRequestFailure.newConnectionAfterKill(ev, "client1", 500_000).passed());
    assertFalse(S6MidRequestFailure.newConnectionAfterKill(ev, "client1", 2_000_000).passed());
    assertFalse(S6MidRequestFailure.newConnectionAfterKill(ev.subList(0, 1), "client1", 0)
        .passed());
  }

  @Test
  void when_late_servers_applied_the_put_from_the_new_term_then_sync_verdicts_pass() {
    var ev = new Events()
        .add("raft6", "AppendEntriesRecv", "term", 3, "entries", 2, "prevLogIndex", 0,
            "prevLogTerm", 0)
        .add("raft6", "Apply", "command", "Put(k1,v1)", "term", 1, "index", 2)
        .add("raft7", "AppendEntriesRecv", "term", 1, "entries", 2, "prevLogIndex", 0,
            "prevLogTerm", 0)
        .add("raft7", "Apply", "command", "Put(k1,v10)", "term", 1, "index", 2)
        .list();
    assertTrue(SyncChecks.appliedOn(ev, Set.of(6), "k1", "v1").passed());
    assertFalse(SyncChecks.appliedOn(ev, Set.of(6, 7), "k1", "v1").passed());
    assertTrue(SyncChecks.syncedInTerm(ev, Set.of(6), 3).passed());
    assertFalse(SyncChecks.syncedInTerm(ev, Set.of(6, 7), 3).passed());
  }
}
