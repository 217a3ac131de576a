package io.raftkv.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.trace.TraceAction.GetRecv;
import io.raftkv.trace.TraceAction.GetResult;
import io.raftkv.trace.TraceAction.GetSend;
import io.raftkv.trace.TraceAction.GetStart;
import io.raftkv.trace.TraceAction.KvslibStart;
import io.raftkv.trace.TraceAction.KvslibStop;
import io.raftkv.trace.TraceAction.LeaderElected;
import io.raftkv.trace.TraceAction.NewServerConnection;
import io.raftkv.trace.TraceAction.PutFwd;
import io.raftkv.trace.TraceAction.PutRecv;
import io.raftkv.trace.TraceAction.PutResult;
import io.raftkv.trace.TraceAction.PutResultFwd;
import io.raftkv.trace.TraceAction.PutSend;
import io.raftkv.trace.TraceAction.PutStart;
import io.raftkv.trace.TraceAction.RaftPutReq;
import io.raftkv.trace.TraceAction.ServerListening;
import io.raftkv.trace.TraceAction.ServerStart;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceCheckerTest {
  private static final String C = "client1";

  private static List<TraceRule> rules(TraceCheckResult r) {
    return r.violations().stream().map(TraceViolation::rule).toList();
  }

  private static void assertClean(TraceCheckResult r) {
    assertTrue(r.clean(), r.report());
  }

  private static void assertViolations(TraceCheckResult r, TraceRule... expected) {
    assertEquals(List.of(expected), rules(r), r.report());
  }

  /** Servers up, a leader, a started client: the common prefix of the tests. */
  private static Run started() {
    Run run = new Run();
    for (int i = 1; i <= 3; i++) {
      run.rec("server" + i, new ServerStart(i));
      run.rec("server" + i, new ServerListening(i));
    }
    run.rec("server2", new LeaderElected(2, 1));
    run.rec(C, new KvslibStart(C));
    run.rec(C, new NewServerConnection(C, 1, "localhost:1"));
    return run;
  }

  private static Run stop(Run run) {
    run.rec(C, new KvslibStop(C));
    return run;
  }

  @Test
  void a_run_by_the_seeds_description_is_clean() {
    Run run = started().forwardedPut(C, 1, "server1", "server2").directGet(C, 2, "server2");
    TraceCheckResult r = stop(run).check();
    assertClean(r);
    assertTrue(r.notes().isEmpty(), r.report());
    assertEquals(2, r.operationCount());
    assertEquals(1, r.clientCount());
    assertEquals(4, r.hostCount());
    assertTrue(r.report().contains("no violations"), r.report());
  }

  @Test
  void kvslibStart_missing_or_twice_is_reported() {
    Run missing = new Run().directGet(C, 1, "server1");
    missing.rec(C, new KvslibStop(C));
    assertViolations(missing.check(), TraceRule.KVSLIB_START_ONCE);

    Run twice = started();
    twice.rec(C, new KvslibStart(C));
    assertViolations(stop(twice).check(), TraceRule.KVSLIB_START_ONCE);
  }

  @Test
  void an_action_before_kvslibStart_is_reported_with_both_events() {
    Run run = new Run();
    run.rec(C, new NewServerConnection(C, 1, "a"));
    run.rec(C, new KvslibStart(C));
    TraceCheckResult r = stop(run).check();
    assertViolations(r, TraceRule.KVSLIB_START_FIRST);
    assertTrue(r.report().contains("client1#1 NewServerConnection")
        && r.report().contains("client1#2 KvslibStart"), r.report());
  }

  @Test
  void an_action_concurrent_with_kvslibStart_is_reported() {
    Run run = new Run();
    run.rec("client1a", new KvslibStart(C));
    run.rec("client1b", new GetStart(C, 1, "k"));
    assertViolations(run.check(), TraceRule.KVSLIB_START_FIRST);
  }

  @Test
  void kvslibStop_twice_is_reported() {
    Run run = stop(stop(started()));
    assertViolations(run.check(), TraceRule.KVSLIB_STOP_ONCE);
  }

  @Test
  void an_action_after_kvslibStop_is_reported() {
    Run run = stop(started());
    run.rec(C, new GetStart(C, 9, "k"));
    TraceCheckResult r = run.check();
    assertEquals(TraceRule.KVSLIB_STOP_LAST, r.violations().get(0).rule(), r.report());
  }

  @Test
  void a_stopped_clients_operation_without_result_is_reported() {
    Run run = started();
    run.rec(C, new PutStart(C, 1, "k", "v"));
    run.rec(C, new PutSend(C, 1, "k", "v"));
    run.msg(C, "server2").rec("server2", new PutRecv(C, 1, "k", "v"));
    TraceCheckResult r = stop(run).check();
    assertViolations(r, TraceRule.OPERATION_COMPLETE);
    assertTrue(r.violations().get(0).message().contains("no PutResult"), r.report());
  }

  @Test
  void a_running_clients_unfinished_operation_is_only_a_note() {
    Run run = started();
    run.rec(C, new GetStart(C, 1, "k"));
    TraceCheckResult r = run.check();
    assertClean(r);
    assertTrue(r.notes().stream().anyMatch(n -> n.contains("no GetSend, no GetRecv, no "
        + "GetResult")), r.report());
  }

  @Test
  void a_third_recv_of_one_send_is_reported() {
    Run run = started().forwardedPut(C, 1, "server1", "server2");
    run.rec("server2", new PutFwd(C, 1, "k", "v"));
    run.msg("server2", "server3").rec("server3", new PutRecv(C, 1, "k", "v"));
    assertViolations(stop(run).check(), TraceRule.RECV_PER_SEND);
  }

  @Test
  void a_retry_through_another_follower_is_two_sends_with_two_recvs_each_and_clean() {
    Run run = started();
    run.rec(C, new PutStart(C, 1, "k", "v"));
    for (String follower : List.of("server1", "server3")) {
      run.rec(C, new PutSend(C, 1, "k", "v"));
      run.msg(C, follower).rec(follower, new PutRecv(C, 1, "k", "v"));
      run.rec(follower, new PutFwd(C, 1, "k", "v"));
      run.msg(follower, "server2").rec("server2", new PutRecv(C, 1, "k", "v"));
    }
    run.rec("server2", new RaftPutReq(C, 1, "k", "v"));
    run.rec("server2", new PutResult(C, 1, "k", "v"));
    run.msg("server2", "server3").rec("server3", new PutResultFwd(C, 1, "k", "v"));
    run.msg("server3", C);
    assertClean(stop(run).check());
  }

  @Test
  void a_second_fwd_of_one_recv_is_reported() {
    Run run = started().forwardedPut(C, 1, "server1", "server2");
    run.rec("server1", new PutFwd(C, 1, "k", "v"));
    assertViolations(stop(run).check(), TraceRule.FWD_PER_RECV);
  }

  @Test
  void a_second_result_of_one_recv_is_reported() {
    Run run = started().directGet(C, 1, "server2");
    run.rec("server2", new GetResult(C, 1, "k", "v"));
    TraceCheckResult r = stop(run).check();
    assertViolations(r, TraceRule.RESULT_PER_RECV);
    assertEquals(3, r.violations().get(0).events().size(), r.report());
  }

  @Test
  void two_copies_handled_at_once_on_one_server_each_get_their_result() {
    Run run = started();
    run.rec(C, new GetStart(C, 1, "k"));
    run.rec(C, new GetSend(C, 1, "k"));
    run.msg(C, "server2").rec("server2", new GetRecv(C, 1, "k"));
    run.rec(C, new GetSend(C, 1, "k"));
    run.msg(C, "server2").rec("server2", new GetRecv(C, 1, "k"));
    run.rec("server2", new GetResult(C, 1, "k", "v"));
    run.rec("server2", new GetResult(C, 1, "k", "v"));
    run.msg("server2", C);
    assertClean(stop(run).check());
  }

  @Test
  void a_second_resultFwd_of_one_result_is_reported() {
    Run run = started().forwardedPut(C, 1, "server1", "server2");
    run.rec("server1", new PutResultFwd(C, 1, "k", "v"));
    assertViolations(stop(run).check(), TraceRule.RESULT_FWD_PER_RESULT);
  }

  @Test
  void a_second_raftPutReq_of_one_putRecv_is_reported() {
    Run run = started().forwardedPut(C, 1, "server1", "server2");
    run.rec("server2", new RaftPutReq(C, 1, "k", "v"));
    assertViolations(stop(run).check(), TraceRule.RAFT_PUT_REQ_PER_PUT_RECV);
  }

  @Test
  void a_raftPutReq_on_a_raft_host_after_the_handoff_is_clean_and_without_it_is_reported() {
    Run ok = started();
    ok.rec(C, new PutStart(C, 1, "k", "v"));
    ok.rec(C, new PutSend(C, 1, "k", "v"));
    ok.msg(C, "server2").rec("server2", new PutRecv(C, 1, "k", "v"));
    ok.msg("server2", "raft2").rec("raft2", new RaftPutReq(C, 1, "k", "v"));
    ok.msg("raft2", "server2").rec("server2", new PutResult(C, 1, "k", "v"));
    ok.msg("server2", C);
    assertClean(stop(ok).check());

    Run lost = new Run();
    lost.rec(C, new KvslibStart(C));
    lost.rec("raft2", new RaftPutReq(C, 1, "k", "v"));
    TraceCheckResult r = lost.check();
    assertViolations(r, TraceRule.RAFT_PUT_REQ_PER_PUT_RECV);
    assertTrue(r.violations().get(0).message().contains("no PutRecv before it"), r.report());
  }

  @Test
  void two_leaders_in_one_term_are_reported_and_one_per_term_is_clean() {
    Run run = started();
    run.rec("server3", new LeaderElected(3, 2));
    assertClean(run.check());
    run.rec("server1", new LeaderElected(1, 2));
    TraceCheckResult r = run.check();
    assertViolations(r, TraceRule.LEADER_ELECTED_PER_TERM);
    assertTrue(r.violations().get(0).message().contains("term 2"), r.report());
  }

  @Test
  void serverListening_needs_a_serverStart_of_the_same_server_before_it() {
    Run restarted = new Run();
    restarted.rec("server1", new ServerStart(1));
    restarted.rec("server1", new ServerListening(1));
    restarted.rec("server1", new ServerStart(1));
    restarted.rec("server1", new ServerListening(1));
    assertClean(restarted.check());

    Run none = new Run();
    none.rec("server1", new ServerListening(1));
    assertViolations(none.check(), TraceRule.SERVER_LISTENING_AFTER_START);

    Run other = new Run();
    other.rec("server1", new ServerStart(1));
    other.rec("server1", new ServerListening(4));
    assertViolations(other.check(), TraceRule.SERVER_LISTENING_AFTER_START);

    Run elsewhere = new Run();
    elsewhere.rec("server9", new ServerStart(1));
    elsewhere.rec("server1", new ServerListening(1));
    assertViolations(elsewhere.check(), TraceRule.SERVER_LISTENING_AFTER_START);
  }

  @Test
  void a_recv_without_the_token_of_a_send_breaks_the_path() {
    Run run = started();
    run.rec(C, new GetStart(C, 1, "k"));
    run.rec(C, new GetSend(C, 1, "k"));
    run.rec("server2", new GetRecv(C, 1, "k"));
    run.rec("server2", new GetResult(C, 1, "k", "v"));
    run.msg("server2", C);
    TraceCheckResult r = stop(run).check();
    assertViolations(r, TraceRule.OPERATION_PATH);
    assertTrue(r.violations().get(0).message().contains("GetRecv of Get client1:1 with no "
        + "GetSend before it"), r.report());
  }

  @Test
  void a_send_without_a_start_breaks_the_path() {
    Run run = started();
    run.rec(C, new GetSend(C, 1, "k"));
    run.msg(C, "server2").rec("server2", new GetRecv(C, 1, "k"));
    run.rec("server2", new GetResult(C, 1, "k", "v"));
    assertViolations(stop(run).check(), TraceRule.OPERATION_PATH);
  }

  @Test
  void two_starts_of_one_operation_break_the_path() {
    Run run = started().directGet(C, 1, "server2");
    run.rec(C, new GetStart(C, 1, "k"));
    assertViolations(stop(run).check(), TraceRule.OPERATION_PATH);
  }

  @Test
  void a_leader_recv_without_the_followers_fwd_breaks_the_path() {
    Run run = started();
    run.rec(C, new PutStart(C, 1, "k", "v"));
    run.rec(C, new PutSend(C, 1, "k", "v"));
    run.msg(C, "server1").rec("server1", new PutRecv(C, 1, "k", "v"));
    run.msg("server1", "server2").rec("server2", new PutRecv(C, 1, "k", "v"));
    run.rec("server2", new RaftPutReq(C, 1, "k", "v"));
    run.rec("server2", new PutResult(C, 1, "k", "v"));
    run.msg("server2", C);
    TraceCheckResult r = stop(run).check();
    assertViolations(r, TraceRule.OPERATION_PATH);
    assertTrue(r.violations().get(0).message().contains("without a PutFwd from server1"),
        r.report());
  }

  @Test
  void a_result_on_a_server_that_never_received_the_operation_breaks_the_path() {
    Run run = started();
    run.rec(C, new GetStart(C, 1, "k"));
    run.rec(C, new GetSend(C, 1, "k"));
    run.msg(C, "server1").rec("server1", new GetRecv(C, 1, "k"));
    run.msg("server1", "server2").rec("server2", new GetResult(C, 1, "k", "v"));
    assertViolations(stop(run).check(), TraceRule.OPERATION_PATH);
  }

  @Test
  void a_resultFwd_on_a_server_that_did_not_forward_breaks_the_path() {
    Run run = started().directGet(C, 1, "server2");
    run.msg("server2", "server3").rec("server3",
        new TraceAction.GetResultFwd(C, 1, "k", "v"));
    TraceCheckResult r = stop(run).check();
    assertViolations(r, TraceRule.OPERATION_PATH);
    assertTrue(r.violations().get(0).message().contains("recorded no GetFwd"), r.report());
  }

  @Test
  void a_resultFwd_before_any_result_breaks_the_path() {
    Run run = started();
    run.rec(C, new PutStart(C, 1, "k", "v"));
    run.rec(C, new PutSend(C, 1, "k", "v"));
    run.msg(C, "server1").rec("server1", new PutRecv(C, 1, "k", "v"));
    run.rec("server1", new PutFwd(C, 1, "k", "v"));
    run.rec("server1", new PutResultFwd(C, 1, "k", "v"));
    TraceCheckResult r = run.check();
    assertViolations(r, TraceRule.OPERATION_PATH);
  }

  @Test
  void clocks_that_have_seen_missing_events_give_a_note() {
    Run run = started();
    TraceEvent e = run.events.get(0);
    TraceEvent odd = new TraceEvent(e.host(), e.seq(), e.clock().merge(
        VectorClock.of(java.util.Map.of("ghost", 4L))), e.traceId(), e.action(), e.fields(),
        e.wallMicros());
    run.events.set(0, odd);
    TraceCheckResult r = run.check();
    assertTrue(r.notes().stream().anyMatch(n -> n.contains("event 4 of ghost")), r.report());
  }

  @Test
  void random_runs_by_the_seeds_description_are_clean() {
    for (int seed = 1; seed <= 200; seed++) {
      java.util.Random rnd = new java.util.Random(seed);
      Run run = started();
      for (int op = 1; op <= 6; op++) {
        String leader = "server" + (1 + rnd.nextInt(3));
        String follower = "server" + (1 + rnd.nextInt(3));
        if (rnd.nextBoolean() && !follower.equals(leader)) {
          run.forwardedPut(C, op, follower, leader);
        } else {
          run.directGet(C, op, leader);
        }
      }
      TraceCheckResult r = stop(run).check();
      assertTrue(r.clean(), "seed " + seed + ": " + r.report());
    }
  }
}
