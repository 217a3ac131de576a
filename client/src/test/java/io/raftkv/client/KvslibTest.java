package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The kvslib API and the seed's ordering rules, against a healthy fake cluster. */
class KvslibTest {
  static final RetryPolicy FAST =
      new RetryPolicy(Duration.ofSeconds(1), Duration.ofMillis(5), Duration.ofMillis(40));

  private final FakeCluster cluster = new FakeCluster(3);
  private final Kvslib kvs = new Kvslib(FAST, ServerConnectionListener.NONE, cluster.channels());

  @AfterEach
  void tearDown() {
    kvs.stop();
    cluster.close();
  }

  private static OpResult next(NotifyQueue queue) throws InterruptedException {
    OpResult result = queue.poll(Await.BOUND_MILLIS, TimeUnit.MILLISECONDS);
    assertNotNull(result, "no result within " + Await.BOUND_MILLIS + " ms");
    return result;
  }

  @Test
  void when_put_then_get_same_key_then_get_returns_the_put_value() throws Exception {
    NotifyQueue queue = kvs.start("client1", cluster.addresses(), 4);
    long put = kvs.put("k1", "v1");
    long get = kvs.get("k1");

    OpResult first = next(queue);
    OpResult second = next(queue);
    assertEquals(new OpResult(put, OpResult.Type.PUT, "k1", "v1", null), first);
    assertEquals(new OpResult(get, OpResult.Type.GET, "k1", "v1", null), second);
  }

  @Test
  void when_get_before_any_put_then_value_is_null() throws Exception {
    NotifyQueue queue = kvs.start("client1", cluster.addresses(), 4);
    long get = kvs.get("k2");
    long put = kvs.put("k2", "v2");

    assertEquals(new OpResult(get, OpResult.Type.GET, "k2", null, null), next(queue));
    assertEquals(put, next(queue).opId());
    assertTrue(get < put);
  }

  @Test
  void when_ops_are_issued_then_op_ids_rise_by_one() throws Exception {
    NotifyQueue queue = kvs.start("client1", cluster.addresses(), 8);
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(i % 2 == 0 ? kvs.put("k" + i, "v") : kvs.get("k" + i));
    }
    for (int i = 1; i < ids.size(); i++) {
      assertEquals(ids.get(i - 1) + 1, ids.get(i));
    }
    for (int i = 0; i < ids.size(); i++) {
      assertTrue(next(queue).ok());
    }
  }

  @Test
  void when_first_op_on_a_key_is_slow_then_later_ops_on_it_wait_and_complete_in_op_id_order()
      throws Exception {
    NotifyQueue queue = kvs.start("client1", cluster.addresses(), 8);
    cluster.server(0).hold("a");
    long put1 = kvs.put("a", "1");
    long get = kvs.get("a");
    long put2 = kvs.put("a", "2");
    long get2 = kvs.get("a");
    Await.until("the first put is held", () -> cluster.server(0).heldCount() == 1);

    // The later ops on "a" must not have been sent while the first is outstanding.
    assertEquals(List.of(put1), opIdsOnKey("a"));
    assertEquals(0, queue.size());

    cluster.server(0).release();
    assertEquals(new OpResult(put1, OpResult.Type.PUT, "a", "1", null), next(queue));
    assertEquals(new OpResult(get, OpResult.Type.GET, "a", "1", null), next(queue));
    assertEquals(new OpResult(put2, OpResult.Type.PUT, "a", "2", null), next(queue));
    assertEquals(new OpResult(get2, OpResult.Type.GET, "a", "2", null), next(queue));
  }

  @Test
  void when_op_on_one_key_is_slow_then_op_on_another_key_completes_first() throws Exception {
    NotifyQueue queue = kvs.start("client1", cluster.addresses(), 8);
    cluster.server(0).hold("a");
    long slow = kvs.put("a", "1");
    long fast = kvs.put("b", "2");

    assertEquals(fast, next(queue).opId());
    assertEquals(0, queue.size());
    cluster.server(0).release();
    assertEquals(slow, next(queue).opId());
  }

  @Test
  void when_ch_capacity_ops_are_outstanding_then_next_call_waits_until_a_result_is_taken()
      throws Exception {
    NotifyQueue queue = kvs.start("client1", cluster.addresses(), 2);
    cluster.server(0).holdAll();
    kvs.put("a", "1");
    kvs.put("b", "2");
    CompletableFuture<Long> third = new CompletableFuture<>();
    Thread caller = new Thread(() -> {
      try {
        third.complete(kvs.put("c", "3"));
      } catch (Throwable t) {
        third.completeExceptionally(t);
      }
    });
    caller.start();
    Await.until("the third call waits for room", () -> caller.getState() == Thread.State.WAITING);

    // Results that arrived but were not taken still count: the call keeps waiting.
    cluster.server(0).release();
    Await.until("both results are queued", () -> queue.size() == 2);
    assertEquals(Thread.State.WAITING, caller.getState());
    assertFalse(third.isDone());

    // Keys a and b are independent, so their results may arrive in either order.
    long firstTaken = next(queue).opId();
    assertEquals(3L, third.get(Await.BOUND_MILLIS, TimeUnit.MILLISECONDS));
    long secondTaken = next(queue).opId();
    assertEquals(Set.of(1L, 2L), Set.of(firstTaken, secondTaken));
    assertEquals(3, next(queue).opId());
  }

  @Test
  void when_stopped_then_unfinished_ops_report_closed_and_later_calls_fail() throws Exception {
    NotifyQueue queue = kvs.start("client1", cluster.addresses(), 4);
    cluster.server(0).holdAll();
    long put = kvs.put("a", "1");
    long get = kvs.get("b");
    Await.until("both ops reached the server", () -> cluster.server(0).heldCount() == 2);

    kvs.stop();

    OpResult abandonedPut = next(queue);
    assertEquals(put, abandonedPut.opId());
    assertEquals(RaftKvException.Kind.CLOSED, abandonedPut.error().kind());
    assertTrue(abandonedPut.error().mayHaveBeenApplied());
    assertTrue(abandonedPut.error().getMessage().contains("may have been applied"),
        abandonedPut.error().getMessage());
    OpResult abandonedGet = next(queue);
    assertEquals(get, abandonedGet.opId());
    assertEquals(RaftKvException.Kind.CLOSED, abandonedGet.error().kind());
    assertFalse(abandonedGet.error().mayHaveBeenApplied());

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> kvs.put("a", "2"));
    assertTrue(e.getMessage().contains("stopped"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> kvs.get("a"));
  }

  @Test
  void when_stopped_while_a_caller_waits_for_room_then_the_caller_fails_clearly() throws Exception {
    NotifyQueue queue = kvs.start("client1", cluster.addresses(), 1);
    cluster.server(0).holdAll();
    kvs.put("a", "1");
    CompletableFuture<Long> waiting = new CompletableFuture<>();
    Thread caller = new Thread(() -> {
      try {
        waiting.complete(kvs.put("b", "2"));
      } catch (Throwable t) {
        waiting.completeExceptionally(t);
      }
    });
    caller.start();
    Await.until("the caller waits for room", () -> caller.getState() == Thread.State.WAITING);

    kvs.stop();

    Await.until("the waiting caller is released", waiting::isDone);
    assertTrue(waiting.isCompletedExceptionally());
    Throwable cause = assertThrows(Exception.class, waiting::join).getCause();
    assertTrue(cause instanceof IllegalStateException, String.valueOf(cause));
    assertEquals(RaftKvException.Kind.CLOSED, next(queue).error().kind());
  }

  @Test
  void when_status_is_asked_for_then_it_answers_without_using_an_op_id() throws Exception {
    NotifyQueue queue = kvs.start("client1", cluster.addresses(), 1);

    assertEquals("fake", kvs.status().get(Await.BOUND_MILLIS, TimeUnit.MILLISECONDS).getClusterId());
    assertEquals(0, queue.size());
    assertEquals(1, kvs.put("a", "1")); // with chCapacity 1, this would block had status taken room
    assertEquals(1, next(queue).opId());
  }

  @Test
  void when_not_started_then_calls_fail_clearly() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> kvs.get("a"));
    assertTrue(e.getMessage().contains("not started"), e.getMessage());
  }

  @Test
  void when_started_twice_or_with_bad_arguments_then_start_fails_clearly() {
    assertThrows(IllegalArgumentException.class, () -> kvs.start("c", cluster.addresses(), 0));
    assertThrows(IllegalArgumentException.class, () -> kvs.start("c", List.of(), 4));
    kvs.start("c", cluster.addresses(), 4);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> kvs.start("c", cluster.addresses(), 4));
    assertTrue(e.getMessage().contains("already started"), e.getMessage());
  }

  @Test
  void when_restarted_then_the_new_session_has_a_new_wire_client_id() throws Exception {
    NotifyQueue first = kvs.start("client1", cluster.addresses(), 4);
    kvs.put("a", "1");
    assertTrue(next(first).ok());
    kvs.stop();
    NotifyQueue second = kvs.start("client1", cluster.addresses(), 4);
    long restartedOp = kvs.put("a", "2");
    OpResult result = next(second);

    // Op ids start again at 1, so only a fresh client id keeps the servers from answering the
    // new put with the old session's first answer.
    assertEquals(1, restartedOp);
    assertTrue(result.ok());
    assertEquals("2", cluster.value("a"));
    List<FakeServer.Received> puts = cluster.server(0).received();
    assertEquals(2, puts.size());
    assertNotEquals(puts.get(0).clientId(), puts.get(1).clientId());
  }

  @Test
  void when_server_refuses_an_empty_key_then_the_result_carries_its_message() throws Exception {
    NotifyQueue queue = kvs.start("client1", cluster.addresses(), 4);
    long put = kvs.put("", "v");

    OpResult result = next(queue);
    assertEquals(put, result.opId());
    assertNull(result.value());
    assertEquals(RaftKvException.Kind.INVALID_ARGUMENT, result.error().kind());
    assertFalse(result.error().mayHaveBeenApplied());
    assertTrue(result.error().getMessage().contains("key is empty"), result.error().getMessage());
  }

  private List<Long> opIdsOnKey(String key) {
    List<Long> ids = new ArrayList<>();
    for (FakeServer.Received r : cluster.server(0).received()) {
      if (r.key().equals(key)) {
        ids.add(r.opId());
      }
    }
    return ids;
  }
}
