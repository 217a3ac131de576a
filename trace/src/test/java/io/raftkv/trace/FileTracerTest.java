package io.raftkv.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.trace.TraceAction.GetStart;
import io.raftkv.trace.TraceAction.KvslibStart;
import io.raftkv.trace.TraceAction.PutRecv;
import io.raftkv.trace.TraceAction.PutSend;
import io.raftkv.trace.TraceAction.ServerStart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTracerTest {
  @TempDir
  Path dir;

  private final AtomicLong micros = new AtomicLong(1_000);

  private FileTracer open(String host) {
    return FileTracer.open(host, dir, micros::incrementAndGet);
  }

  @Test
  void noop_is_disabled_and_hands_out_constants() {
    Tracer t = Tracer.noop();
    assertFalse(t.enabled());
    Trace a = t.createTrace();
    assertSame(a, t.createTrace());
    assertSame(a, t.traceOf("x"));
    assertSame(a.generateToken(), a.generateToken());
    assertSame(a, t.receiveToken(a.generateToken()));
    a.recordAction(new ServerStart(1));
    t.close();
  }

  @Test
  void each_action_is_one_line_with_seq_equal_to_the_own_clock_entry() throws Exception {
    try (FileTracer t = open("server3")) {
      assertTrue(t.enabled());
      Trace tr = t.createTrace();
      assertTrue(tr.id().matches("server3-1-[0-9a-f]{4}"), tr.id());
      tr.recordAction(new ServerStart(3));
      tr.recordAction(new PutRecv("client1", 5, "k1", "v1"));
    }
    List<String> lines = Files.readAllLines(dir.resolve("server3.trace.jsonl"));
    assertEquals(2, lines.size());
    assertTrue(lines.get(1).startsWith("{\"host\":\"server3\",\"seq\":2,\"clock\":{\"server3\":2},"
        + "\"trace\":\"server3-1-"), lines.get(1));
    assertTrue(lines.get(1).endsWith("\"action\":\"PutRecv\",\"fields\":{\"clientId\":\"client1\","
        + "\"opId\":5,\"key\":\"k1\",\"value\":\"v1\"},\"wallMicros\":1002}"), lines.get(1));
    List<TraceEvent> events = TraceLog.read(dir);
    assertEquals(List.of(1L, 2L), events.stream().map(TraceEvent::seq).toList());
    assertEquals(new PutRecv("client1", 5, "k1", "v1").fields(), events.get(1).fields());
  }

  @Test
  void a_token_makes_the_receivers_next_event_happen_after_the_send() throws Exception {
    try (FileTracer client = open("client1"); FileTracer server = open("server1")) {
      Trace op = client.createTrace();
      op.recordAction(new PutSend("client1", 1, "k", "v"));
      TraceToken token = op.generateToken();
      assertEquals(Map.of("client1", 1L), token.clock().entries());
      assertEquals(1, client.clock().get("client1"), "generateToken does not tick");

      server.createTrace().recordAction(new ServerStart(1));
      Trace received = server.receiveToken(TraceToken.fromHeader(token.toHeader()));
      assertEquals(op.id(), received.id());
      assertEquals(Map.of("client1", 1L, "server1", 1L), server.clock().entries(),
          "receiveToken merges without ticking");
      received.recordAction(new PutRecv("client1", 1, "k", "v"));
    }
    List<TraceEvent> events = TraceLog.read(dir);
    TraceEvent send = events.get(0);
    TraceEvent recv = events.get(2);
    assertEquals("PutRecv", recv.action());
    assertTrue(send.happenedBefore(recv));
    assertTrue(send.clock().happenedBefore(recv.clock()));
    assertFalse(recv.happenedBefore(send));
    assertFalse(events.get(1).happenedBefore(send), "ServerStart is concurrent with the send");
  }

  @Test
  void a_token_cannot_raise_the_receivers_own_entry() {
    try (FileTracer s = open("s1")) {
      s.receiveToken(new TraceToken("t", VectorClock.of(Map.of("s1", 9L, "c", 2L))));
      assertEquals(Map.of("c", 2L), s.clock().entries());
    }
  }

  @Test
  void reopening_continues_the_clock_and_cuts_a_torn_last_line() throws Exception {
    String firstId;
    try (FileTracer t = open("server2")) {
      Trace tr = t.createTrace();
      firstId = tr.id();
      tr.recordAction(new ServerStart(2));
      tr.recordAction(new ServerStart(2));
    }
    Path file = dir.resolve("server2.trace.jsonl");
    Files.write(file, "{\"host\":\"server2\",\"se".getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.APPEND);
    try (FileTracer t = open("server2")) {
      assertEquals(2, t.clock().get("server2"));
      Trace tr = t.createTrace();
      assertFalse(tr.id().equals(firstId), "a new lifetime's trace ids differ: " + tr.id());
      tr.recordAction(new ServerStart(2));
    }
    List<String> warnings = new ArrayList<>();
    List<TraceEvent> events = TraceLog.read(dir, warnings::add);
    assertEquals(List.of(1L, 2L, 3L), events.stream().map(TraceEvent::seq).toList());
    assertEquals(List.of(), warnings);
  }

  @Test
  void two_tracers_for_one_host_and_directory_are_refused() {
    try (FileTracer t = open("c1")) {
      assertTrue(t.enabled());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> open("c1"));
      assertTrue(e.getMessage().contains("c1.trace.jsonl"), e.getMessage());
    }
    open("c1").close();
  }

  @Test
  void after_close_actions_are_ignored() throws Exception {
    FileTracer t = open("c1");
    Trace tr = t.createTrace();
    tr.recordAction(new KvslibStart("c1"));
    t.close();
    t.close();
    tr.recordAction(new GetStart("c1", 1, "k"));
    assertEquals(1, TraceLog.read(dir).size());
  }

  @Test
  void bad_host_names_are_refused() {
    assertThrows(IllegalArgumentException.class, () -> Tracer.toDirectory("a b", dir));
    assertThrows(IllegalArgumentException.class, () -> Tracer.toDirectory("../x", dir));
    assertThrows(IllegalArgumentException.class, () -> Tracer.toDirectory("", dir));
  }

  @Test
  void concurrent_recording_keeps_seq_and_file_order_equal() throws Exception {
    try (FileTracer t = open("s1")) {
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        int n = i;
        threads.add(new Thread(() -> {
          Trace tr = t.createTrace();
          for (int j = 0; j < 200; j++) {
            tr.recordAction(new ServerStart(n));
          }
        }));
      }
      threads.forEach(Thread::start);
      for (Thread th : threads) {
        th.join();
      }
    }
    assertEquals(800, TraceLog.read(dir).size());
  }

  @Test
  void odd_strings_survive_a_round_trip() throws Exception {
    String odd = "q\"\\ \n\r\t\u0000\u007f\u0085\u2028\u2029 é 😀 \ud800";
    try (FileTracer t = open("c1")) {
      t.createTrace().recordAction(new PutSend("c1", 1, odd, odd));
    }
    String line = Files.readAllLines(dir.resolve("c1.trace.jsonl")).get(0);
    assertFalse(line.contains("\u2028") || line.contains("\u0085"), line);
    assertEquals(odd, TraceLog.read(dir).get(0).stringField("value"));
  }
}
