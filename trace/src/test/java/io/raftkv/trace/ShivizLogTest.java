package io.raftkv.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.trace.TraceAction.GetResult;
import io.raftkv.trace.TraceAction.GetSend;
import io.raftkv.trace.TraceAction.GetStart;
import io.raftkv.trace.TraceAction.PutFwd;
import io.raftkv.trace.TraceAction.PutRecv;
import io.raftkv.trace.TraceAction.PutResult;
import io.raftkv.trace.TraceAction.PutResultFwd;
import io.raftkv.trace.TraceAction.PutSend;
import io.raftkv.trace.TraceAction.PutStart;
import io.raftkv.trace.TraceAction.ServerStart;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShivizLogTest {
  @TempDir
  Path dir;

  /**
   * ShiViz's regex as Java reads it: JavaScript takes the braces of {@code {.*}} literally, Java
   * needs them escaped. Nothing else changes.
   */
  static Pattern shivizPattern(String firstLine) {
    return Pattern.compile(firstLine.replace("{", "\\{").replace("}", "\\}"),
        Pattern.MULTILINE);
  }

  /** One event as ShiViz's parser sees it. */
  record Parsed(String host, Map<String, Object> clock, String event) {}

  /**
   * Parses a log as ShiViz does: the regex on the first line, a blank delimiter line, then the
   * regex applied repeatedly over the rest; checks what ShiViz checks of the clocks.
   */
  static List<Parsed> parseLikeShiviz(String log) {
    int firstNl = log.indexOf('\n');
    String regex = log.substring(0, firstNl);
    assertEquals(ShivizLog.REGEX, regex);
    assertEquals('\n', log.charAt(firstNl + 1), "second line is blank");
    String body = log.substring(firstNl + 2).trim();
    Matcher m = shivizPattern(regex).matcher(body);
    List<Parsed> out = new ArrayList<>();
    int covered = 0;
    while (m.find()) {
      assertEquals("", body.substring(covered, m.start()).trim(),
          "text between matches is not an event: ShiViz would skip it");
      covered = m.end();
      Map<String, Object> clock = JsonParser.parseObject(m.group("clock"));
      out.add(new Parsed(m.group("host"), clock, m.group("event")));
    }
    assertEquals("", body.substring(covered).trim(), "text after the last match");
    Map<String, Long> last = new HashMap<>();
    for (Parsed p : out) {
      Object own = p.clock().get(p.host());
      assertTrue(own instanceof Long, "own clock entry present: " + p);
      long prev = last.getOrDefault(p.host(), 0L);
      assertEquals(prev + 1, (long) (Long) own, "clock of " + p.host() + " rises by 1: " + p);
      last.put(p.host(), (Long) own);
    }
    return out;
  }

  private List<TraceEvent> forwardedPutAndDirectGet() throws Exception {
    try (Tracer c = Tracer.toDirectory("client1", dir);
        Tracer s1 = Tracer.toDirectory("server1", dir);
        Tracer s2 = Tracer.toDirectory("server2", dir)) {
      s1.createTrace().recordAction(new ServerStart(1));
      s2.createTrace().recordAction(new ServerStart(2));
      Trace put = c.createTrace();
      put.recordAction(new PutStart("client1", 1, "k\"1", "v {x}\n}"));
      put.recordAction(new PutSend("client1", 1, "k\"1", "v {x}\n}"));
      Trace atS1 = s1.receiveToken(put.generateToken());
      atS1.recordAction(new PutRecv("client1", 1, "k\"1", "v {x}\n}"));
      atS1.recordAction(new PutFwd("client1", 1, "k\"1", "v {x}\n}"));
      Trace atS2 = s2.receiveToken(TraceToken.fromHeader(atS1.generateToken().toHeader()));
      atS2.recordAction(new PutRecv("client1", 1, "k\"1", "v {x}\n}"));
      atS2.recordAction(new PutResult("client1", 1, "k\"1", "v {x}\n}"));
      Trace back = s1.receiveToken(atS2.generateToken());
      back.recordAction(new PutResultFwd("client1", 1, "k\"1", "v {x}\n}"));
      c.receiveToken(back.generateToken());
      Trace get = c.createTrace();
      get.recordAction(new GetStart("client1", 2, "k\"1"));
      get.recordAction(new GetSend("client1", 2, "k\"1"));
      s2.receiveToken(get.generateToken()).recordAction(new GetResult("client1", 2, "k", "v"));
    }
    return TraceLog.read(dir);
  }

  @Test
  void shivizs_regex_matches_every_event_with_its_host_clock_and_line() throws Exception {
    List<TraceEvent> events = forwardedPutAndDirectGet();
    String log = ShivizLog.toString(events);
    List<Parsed> parsed = parseLikeShiviz(log);
    assertEquals(events.size(), parsed.size());
    List<TraceEvent> ordered = ShivizLog.order(events);
    for (int i = 0; i < parsed.size(); i++) {
      TraceEvent e = ordered.get(i);
      assertEquals(e.host(), parsed.get(i).host());
      assertEquals(e.traceId() + " " + e.action() + " " + e.fieldsJson(), parsed.get(i).event());
      Map<String, Long> clock = new HashMap<>();
      parsed.get(i).clock().forEach((h, v) -> clock.put(h, (Long) v));
      assertEquals(e.clock().entries(), clock);
    }
    assertTrue(log.contains("\nserver2 {\"server2\":2,\"client1\":2,\"server1\":3}\n"), log);
  }

  @Test
  void write_from_a_directory_equals_write_from_its_events() throws Exception {
    List<TraceEvent> events = forwardedPutAndDirectGet();
    StringWriter w = new StringWriter();
    ShivizLog.write(dir, w);
    assertEquals(ShivizLog.toString(events), w.toString());
  }

  /** Every event comes after every event that happened before it. */
  static void assertTopological(List<TraceEvent> ordered) {
    for (int i = 0; i < ordered.size(); i++) {
      for (int j = i + 1; j < ordered.size(); j++) {
        assertFalse(ordered.get(j).happenedBefore(ordered.get(i)),
            ordered.get(j) + " happened before " + ordered.get(i) + " but comes after it");
      }
    }
  }

  @Test
  void random_message_exchanges_give_a_topological_order_shiviz_accepts() throws Exception {
    for (int seed = 1; seed <= 20; seed++) {
      Path runDir = dir.resolve("run" + seed);
      Random rnd = new Random(seed);
      int n = 2 + rnd.nextInt(4);
      List<Tracer> tracers = new ArrayList<>();
      List<List<TraceToken>> inbox = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        tracers.add(Tracer.toDirectory("h" + i, runDir));
        inbox.add(new ArrayList<>());
      }
      for (int step = 0; step < 150; step++) {
        int h = rnd.nextInt(n);
        Tracer t = tracers.get(h);
        int what = rnd.nextInt(3);
        if (what == 0 || inbox.get(h).isEmpty()) {
          Trace tr = t.createTrace();
          tr.recordAction(new ServerStart(h));
          inbox.get(rnd.nextInt(n)).add(tr.generateToken());
        } else {
          TraceToken tok = inbox.get(h).remove(rnd.nextInt(inbox.get(h).size()));
          t.receiveToken(tok).recordAction(new ServerStart(h));
        }
      }
      for (Tracer t : tracers) {
        t.close();
      }
      List<TraceEvent> events = TraceLog.read(runDir);
      List<TraceEvent> ordered = ShivizLog.order(events);
      assertEquals(events.size(), ordered.size());
      assertTopological(ordered);
      assertEquals(events.size(), parseLikeShiviz(ShivizLog.toString(events)).size());
    }
  }

  private static TraceEvent event(String host, long seq, Map<String, Long> clock, long wall) {
    return new TraceEvent(host, seq, VectorClock.of(clock), "t", "ServerStart",
        new java.util.LinkedHashMap<>(Map.of("serverId", 1L)), wall);
  }

  @Test
  void ready_events_go_in_wall_clock_order() {
    TraceEvent a = event("a", 1, Map.of("a", 1L), 30);
    TraceEvent b = event("b", 1, Map.of("b", 1L), 10);
    TraceEvent b2 = event("b", 2, Map.of("b", 2L, "a", 1L), 20);
    assertEquals(List.of(b, a, b2), ShivizLog.order(List.of(a, b, b2)));
  }

  @Test
  void a_clock_naming_an_event_not_in_the_trace_is_refused() {
    TraceEvent a = event("a", 1, Map.of("a", 1L, "ghost", 3L), 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ShivizLog.order(List.of(a)));
    assertTrue(e.getMessage().contains("event 3 of host ghost"), e.getMessage());
  }

  @Test
  void a_gap_in_a_hosts_seqs_is_refused() {
    TraceEvent a = event("a", 2, Map.of("a", 2L), 1);
    assertThrows(IllegalArgumentException.class, () -> ShivizLog.order(List.of(a)));
  }

  @Test
  void contradicting_clocks_are_refused_naming_the_events() {
    TraceEvent a = event("a", 1, Map.of("a", 1L, "b", 1L), 1);
    TraceEvent b = event("b", 1, Map.of("b", 1L, "a", 1L), 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ShivizLog.order(List.of(a, b)));
    assertTrue(e.getMessage().contains("contradict") && e.getMessage().contains("a#1"),
        e.getMessage());
  }
}
