package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Failover, retries and deadlines against a faulty fake cluster. */
class FailoverTest {
  private final FakeCluster cluster = new FakeCluster(3);
  private final List<String> connections = new CopyOnWriteArrayList<>();
  private final RaftKvClient client = RaftKvClient.builder()
      .servers(cluster.addresses())
      .retryPolicy(KvslibTest.FAST)
      .serverConnectionListener((index, address) -> connections.add(index + " " + address))
      .channelFactory(cluster.channels())
      .build();

  @AfterEach
  void tearDown() {
    client.close();
    cluster.close();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(Await.BOUND_MILLIS, TimeUnit.MILLISECONDS);
  }

  private static RaftKvException failure(CompletableFuture<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> future.get(Await.BOUND_MILLIS, TimeUnit.MILLISECONDS));
    return assertInstanceOf(RaftKvException.class, e.getCause());
  }

  private String connection(int index) {
    return index + " " + cluster.addresses().get(index);
  }

  @Test
  void when_first_server_is_unavailable_then_client_moves_on_and_reports_the_new_connection()
      throws Exception {
    cluster.server(0).refuse(Status.UNAVAILABLE.withDescription("no leader"));

    await(client.put(b("a"), b("1")));

    assertEquals(List.of(connection(0), connection(1)), connections);
    assertEquals(cluster.addresses().get(1), client.currentServer());
    assertEquals("1", cluster.value("a"));
  }

  @Test
  void when_first_server_does_not_exist_then_the_connection_failure_fails_over() throws Exception {
    cluster.server(0).stop();

    await(client.put(b("a"), b("1")));

    assertEquals(List.of(connection(0), connection(1)), connections);
  }

  @Test
  void when_kvslib_server_is_down_then_it_reports_new_server_connection_and_completes()
      throws Exception {
    List<Integer> seen = new CopyOnWriteArrayList<>();
    Kvslib kvs = new Kvslib(KvslibTest.FAST, (index, address) -> seen.add(index), cluster.channels());
    cluster.server(0).refuse(Status.UNAVAILABLE);
    NotifyQueue queue = kvs.start("client1", cluster.addresses(), 2);
    try {
      long put = kvs.put("a", "1");
      OpResult result = queue.poll(Await.BOUND_MILLIS, TimeUnit.MILLISECONDS);
      assertEquals(new OpResult(put, OpResult.Type.PUT, "a", "1", null), result);
      assertEquals(List.of(0, 1), seen);
    } finally {
      kvs.stop();
    }
  }

  @Test
  void when_server_hangs_then_the_attempt_times_out_and_the_next_server_answers() throws Exception {
    cluster.server(0).mode(FakeServer.Mode.HANG);

    GetResult result = await(client.get(b("missing")));

    assertEquals(Optional.empty(), result.value());
    assertEquals(List.of(connection(0), connection(1)), connections);
    assertEquals(1, cluster.server(0).requests());
  }

  @Test
  void when_server_applies_but_never_answers_then_the_retry_gets_the_first_answer_and_applies_once()
      throws Exception {
    cluster.preload("a", "old");
    cluster.server(0).mode(FakeServer.Mode.APPLY_THEN_HANG);

    PutResult result = await(client.put(b("a"), b("new")));

    // Had the retry been applied again, the previous value would be "new".
    assertEquals("old", new String(result.previous().orElseThrow(), StandardCharsets.UTF_8));
    FakeServer.Received first = cluster.server(0).received().get(0);
    FakeServer.Received retry = cluster.server(1).received().get(0);
    assertEquals(first.clientId(), retry.clientId());
    assertEquals(first.opId(), retry.opId());
    assertEquals(1, cluster.timesApplied(first.clientId(), first.opId()));
    assertEquals("new", cluster.value("a"));
  }

  @Test
  void when_server_is_overloaded_then_the_client_backs_off_and_retries_the_same_server()
      throws Exception {
    cluster.server(0).exhaust(3);

    await(client.put(b("a"), b("1")));

    assertEquals(4, cluster.server(0).requests());
    assertEquals(0, cluster.server(1).requests());
    assertEquals(List.of(connection(0)), connections);
  }

  @Test
  void when_no_server_answers_and_there_is_no_deadline_then_the_op_waits_until_one_recovers()
      throws Exception {
    for (int i = 0; i < 3; i++) {
      cluster.server(i).refuse(Status.UNAVAILABLE);
    }
    CompletableFuture<PutResult> put = client.put(b("a"), b("1"));
    Await.until("the client went round the servers twice", () -> cluster.totalRequests() >= 6);
    assertFalse(put.isDone(), "an op that may yet succeed must not be reported failed");

    cluster.server(2).refuse(null);

    assertEquals(Optional.empty(), await(put).previous());
    assertEquals("1", cluster.value("a"));
  }

  @Test
  void when_the_deadline_passes_then_the_write_fails_saying_it_may_have_been_applied() {
    for (int i = 0; i < 3; i++) {
      cluster.server(i).mode(FakeServer.Mode.HANG);
    }

    RaftKvException e = failure(client.put(b("a"), b("1"),
        OpOptions.defaults().withDeadline(Duration.ofMillis(1500))));

    assertEquals(RaftKvException.Kind.DEADLINE_EXCEEDED, e.kind());
    assertTrue(e.mayHaveBeenApplied());
    assertTrue(e.getMessage().contains("may have been applied"), e.getMessage());
  }

  @Test
  void when_the_deadline_passes_while_queued_behind_a_slow_op_then_it_was_never_sent()
      throws Exception {
    cluster.server(0).hold("a");
    CompletableFuture<PutResult> slow = client.put(b("a"), b("1"));
    Await.until("the first put is held", () -> cluster.server(0).heldCount() == 1);

    RaftKvException e = failure(client.put(b("a"), b("2"),
        OpOptions.defaults().withDeadline(Duration.ofMillis(100))));

    assertEquals(RaftKvException.Kind.DEADLINE_EXCEEDED, e.kind());
    assertFalse(e.mayHaveBeenApplied());
    assertTrue(e.getMessage().contains("never sent"), e.getMessage());
    cluster.server(0).release();
    await(slow);
    assertEquals("1", cluster.value("a"));
  }

  @Test
  void when_the_server_refuses_a_request_then_the_failure_is_definite_with_its_message() {
    cluster.server(0).refuse(Status.FAILED_PRECONDITION.withDescription("session expired"));

    RaftKvException e = failure(client.delete(b("a")));

    assertEquals(RaftKvException.Kind.FAILED_PRECONDITION, e.kind());
    assertFalse(e.mayHaveBeenApplied());
    assertTrue(e.getMessage().contains("session expired"), e.getMessage());
    assertEquals(1, cluster.totalRequests());
  }

  @Test
  void when_the_endpoint_is_not_a_raftkv_server_then_the_failure_is_definite() {
    cluster.server(0).refuse(Status.UNIMPLEMENTED.withDescription("unknown service raftkv.v1.KV"));

    RaftKvException e = failure(client.get(b("a")));

    assertEquals(RaftKvException.Kind.UNSUPPORTED, e.kind());
  }

  @Test
  void when_the_servers_forgot_the_write_session_then_the_write_is_resent_on_a_new_session()
      throws Exception {
    await(client.put(b("a"), b("1")));
    cluster.expireSessions();

    PutResult second = await(client.put(b("a"), b("2")));

    assertEquals("1", new String(second.previous().orElseThrow(), StandardCharsets.UTF_8));
    List<FakeServer.Received> puts = cluster.server(0).received();
    assertEquals(3, puts.size()); // op 1, op 2 refused as unknown, op 1 of a new session
    assertEquals(2, puts.get(1).opId());
    assertEquals(1, puts.get(2).opId());
    assertTrue(puts.get(2).clientId() != puts.get(1).clientId());
  }

  @Test
  void when_many_writes_to_different_keys_run_at_once_then_none_is_refused_as_stale()
      throws Exception {
    // The servers keep one answer per session; concurrent writes on one session would overtake
    // each other and be refused. Each outstanding write must have a session of its own.
    cluster.server(0).holdAll();
    List<CompletableFuture<PutResult>> puts = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 10; i++) {
      puts.add(client.put(b("k" + i), b("v" + i)));
    }
    Await.until("all ten writes are held", () -> cluster.server(0).heldCount() == 10);
    cluster.server(0).release();
    for (CompletableFuture<PutResult> put : puts) {
      await(put);
    }
    for (int i = 0; i < 10; i++) {
      assertEquals("v" + i, cluster.value("k" + i));
    }
    assertEquals(0, cluster.sessionRefusals());

    // Sequential writes afterwards reuse the pooled sessions instead of opening new ones.
    for (int i = 0; i < 5; i++) {
      await(client.put(b("k" + i), b("again")));
    }
    assertEquals(10, cluster.sessionCount());
  }

  @Test
  void when_writes_exceed_the_session_limit_then_the_extra_write_waits_for_a_free_session()
      throws Exception {
    RaftKvClient limited = RaftKvClient.builder().servers(cluster.addresses())
        .retryPolicy(KvslibTest.FAST).maxConcurrentWrites(1).channelFactory(cluster.channels()).build();
    try {
      cluster.server(0).hold("a");
      CompletableFuture<PutResult> first = limited.put(b("a"), b("1"));
      CompletableFuture<PutResult> second = limited.put(b("b"), b("2"));
      CompletableFuture<GetResult> read = limited.get(b("c"));
      Await.until("the first write is held", () -> cluster.server(0).heldCount() == 1);

      await(read); // reads need no session
      assertFalse(second.isDone());
      assertEquals(0, cluster.server(0).received().stream().filter(r -> r.key().equals("b")).count());

      cluster.server(0).release();
      await(first);
      await(second);
      assertEquals(1, cluster.sessionCount());
    } finally {
      limited.close();
    }
  }
}
