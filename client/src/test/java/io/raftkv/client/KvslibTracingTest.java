package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.raftkv.trace.TraceEvent;
import io.raftkv.trace.TraceLog;
import io.raftkv.trace.Tracer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a traced kvslib records, against a fake cluster (which does not trace). */
class KvslibTracingTest {
  @TempDir
  Path dir;

  private final FakeCluster cluster = new FakeCluster(3);

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  private static OpResult next(NotifyQueue queue) throws InterruptedException {
    OpResult result = queue.poll(Await.BOUND_MILLIS, TimeUnit.MILLISECONDS);
    assertNotNull(result, "no result within " + Await.BOUND_MILLIS + " ms");
    return result;
  }

  /** What a test does with a started kvslib. */
  @FunctionalInterface
  interface Session {
    void run(Kvslib kvs, NotifyQueue queue) throws Exception;
  }

  private List<TraceEvent> run(Session session) throws Exception {
    try (Tracer tracer = Tracer.toDirectory("client1", dir)) {
      Kvslib kvs = new Kvslib(KvslibTest.FAST, ServerConnectionListener.NONE, cluster.channels(),
          tracer);
      NotifyQueue queue = kvs.start("client1", cluster.addresses(), 4);
      session.run(kvs, queue);
      kvs.stop();
    }
    return TraceLog.read(dir);
  }

  private static List<String> actions(List<TraceEvent> events) {
    return events.stream().map(TraceEvent::action).toList();
  }

  @Test
  void when_a_session_puts_and_gets_then_start_comes_first_stop_last_and_each_op_has_a_trace()
      throws Exception {
    List<TraceEvent> ev = run((kvs, queue) -> {
      kvs.put("k1", "v1");
      assertNull(next(queue).error());
      kvs.get("k1");
      assertEquals("v1", next(queue).value());
    });
    assertEquals(List.of("KvslibStart", "NewServerConnection", "PutStart", "PutSend", "GetStart",
        "GetSend", "KvslibStop"), actions(ev));
    // The first server answered the Status probe in start: its connection is recorded there,
    // numbered by position (the fake names no node id).
    TraceEvent connection = ev.get(1);
    assertEquals(1L, connection.longField("serverId"));
    assertEquals(cluster.addresses().get(0), connection.stringField("serverAddr"));
    assertEquals(ev.get(0).traceId(), connection.traceId());
    assertEquals(ev.get(0).traceId(), ev.get(6).traceId());

    TraceEvent putStart = ev.get(2);
    assertEquals(1L, putStart.longField("opId"));
    assertEquals("v1", putStart.stringField("value"));
    assertEquals(putStart.traceId(), ev.get(3).traceId());
    TraceEvent getStart = ev.get(4);
    assertEquals(2L, getStart.longField("opId"));
    assertEquals(getStart.traceId(), ev.get(5).traceId());
    assertNotEquals(putStart.traceId(), getStart.traceId());
    assertNotEquals(ev.get(0).traceId(), putStart.traceId());
    for (TraceEvent e : ev) {
      assertEquals("client1", e.stringField("clientId"));
    }
  }

  @Test
  void when_the_first_server_is_down_then_the_connection_is_recorded_at_use_and_again_on_failover()
      throws Exception {
    cluster.server(0).refuse(Status.UNAVAILABLE.withDescription("down"));
    List<TraceEvent> ev = run((kvs, queue) -> {
      kvs.put("k1", "v1");
      assertNull(next(queue).error());
    });
    // Nothing answered in start, so no connection there; the put's first attempt uses server 1,
    // fails, and its retry goes to server 2: a Send per attempt, a connection per server.
    assertEquals(List.of("KvslibStart", "PutStart", "NewServerConnection", "PutSend",
        "NewServerConnection", "PutSend", "KvslibStop"), actions(ev));
    assertEquals(1L, ev.get(2).longField("serverId"));
    assertEquals(2L, ev.get(4).longField("serverId"));
    assertEquals(cluster.addresses().get(1), ev.get(4).stringField("serverAddr"));
    assertEquals(ev.get(1).traceId(), ev.get(5).traceId());
  }

  @Test
  void when_the_tracer_is_noop_then_the_kvslib_works_and_writes_nothing() throws Exception {
    Kvslib kvs = new Kvslib(KvslibTest.FAST, ServerConnectionListener.NONE, cluster.channels(),
        Tracer.noop());
    NotifyQueue queue = kvs.start("client1", cluster.addresses(), 4);
    kvs.put("k1", "v1");
    assertNull(next(queue).error());
    kvs.stop();
    assertTrue(TraceLog.read(dir).isEmpty());
  }
}
