package io.raftkv.trace.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.trace.TraceEvent;
import io.raftkv.trace.TraceLog;
import io.raftkv.trace.VectorClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive page, checked in headless Chromium: the DOM the page's script built from a
 * run written with the Tracer API ({@link ForwardedPutRun}). Chromium is required; a missing
 * browser fails these tests with the way to install it.
 */
class RenderedPageTest {
  @TempDir
  static Path dir;
  static ForwardedPutRun run;
  static List<TraceEvent> events;

  @BeforeAll
  static void writeRun() throws IOException {
    HeadlessChromium.executable();
    run = new ForwardedPutRun(dir.resolve("trace"));
    events = TraceLog.read(dir.resolve("trace"));
    assertEquals(run.events.size(), events.size(), "events read back");
  }

  private static Drawing open(RenderOptions options, String fragment) throws Exception {
    return new Drawing(HeadlessChromium.dumpDom(write(options), fragment, dir));
  }

  private static Path write(RenderOptions options) throws IOException {
    Path page = Files.createTempFile(dir, "run", ".html");
    TraceRenderer.render(events, options, page, "test run");
    return page;
  }

  private static void assertRendered(Drawing d) {
    assertEquals("ok", d.rendered, "the page's script reported: " + d.errors);
    assertEquals("", d.errors, "no script errors");
  }

  @Test
  void when_the_whole_run_is_drawn_then_every_host_event_and_message_is_there() throws Exception {
    Drawing d = open(RenderOptions.all(), "");
    assertRendered(d);
    assertEquals(ForwardedPutRun.HOSTS_IN_COLUMN_ORDER, d.columns);
    assertEquals(run.events.keySet(), d.events);
    assertEquals(run.events.size(), d.labels);
    assertEquals(15, run.arrows.size(), "the run as designed");
    assertEquals(run.arrows, d.arrows);
    assertEquals(Set.of(), d.selectedEvents);
    assertEquals(Set.of(), d.selectedArrows);
  }

  @Test
  void when_an_operation_is_given_and_heartbeats_hidden_then_exactly_its_events_are_highlighted()
      throws Exception {
    Drawing d = open(RenderOptions.all().withOperation(OperationRef.parse(ForwardedPutRun.PUT_OP))
        .withHideHeartbeats(true), "");
    assertRendered(d);
    assertEquals(9, run.heartbeatEvents.size(), "the run as designed");
    Set<String> shown = new TreeSet<>(run.events.keySet());
    shown.removeAll(run.heartbeatEvents);
    assertEquals(shown, d.events);
    assertEquals(run.arrowsWithoutHeartbeats(), d.arrows);
    assertEquals(9, run.putOpEvents.size(), "the run as designed");
    assertEquals(run.putOpEvents, d.selectedEvents);
    assertEquals(Set.of("client1#3 -> server1#1", "server1#2 -> server2#1",
        "server2#1 -> raft2#3", "server2#2 -> server1#3", "server1#3 -> client1#4"),
        d.selectedArrows);
  }

  @Test
  void when_an_event_is_clicked_then_its_operation_is_highlighted() throws Exception {
    int getRecv = positionOf("server2#3");
    Drawing d = open(RenderOptions.all(), "event=" + getRecv);
    assertRendered(d);
    assertEquals("GetRecv", run.events.get("server2#3"));
    assertEquals(run.getOpEvents, d.selectedEvents);
    assertEquals(Set.of("client1#6 -> server2#3", "server2#4 -> client1#7"), d.selectedArrows);
  }

  @Test
  void when_an_event_without_operation_is_clicked_then_it_and_its_arrows_are_highlighted()
      throws Exception {
    int commit = positionOf("raft2#6");
    Drawing d = open(RenderOptions.all().withOperation(OperationRef.parse(ForwardedPutRun.PUT_OP)),
        "event=" + commit);
    assertRendered(d);
    assertEquals("Commit", run.events.get("raft2#6"));
    assertEquals(Set.of("raft2#6"), d.selectedEvents, "the click replaces --op's highlight");
    assertEquals(Set.of("raft1#4 -> raft2#6", "raft3#4 -> raft2#6"), d.selectedArrows);
  }

  @Test
  void when_the_fragment_names_an_operation_then_it_is_highlighted() throws Exception {
    Drawing d = open(RenderOptions.all(), "op=" + ForwardedPutRun.GET_OP);
    assertRendered(d);
    assertEquals(run.getOpEvents, d.selectedEvents);
  }

  @Test
  void when_hosts_and_a_window_are_given_then_only_their_events_and_arrows_are_drawn()
      throws Exception {
    Drawing hosts = open(RenderOptions.all().withHosts(List.of("server1", "client1")), "");
    assertRendered(hosts);
    assertEquals(List.of("client1", "server1"), hosts.columns);
    assertEquals(8 + 3, hosts.events.size());
    assertEquals(Set.of("client1#3 -> server1#1", "server1#3 -> client1#4"), hosts.arrows);

    Drawing whole = open(RenderOptions.all(), "");
    Drawing window = open(RenderOptions.all().withWindow(5, 15), "");
    assertRendered(window);
    Set<String> expectedEvents = new TreeSet<>();
    whole.positions.forEach((id, p) -> {
      if (p >= 5 && p < 15) {
        expectedEvents.add(id);
      }
    });
    assertEquals(10, expectedEvents.size());
    assertEquals(expectedEvents, window.events);
    Set<String> expectedArrows = new TreeSet<>();
    for (String a : whole.arrows) {
      String[] ends = a.split(" -> ");
      if (expectedEvents.contains(ends[0]) && expectedEvents.contains(ends[1])) {
        expectedArrows.add(a);
      }
    }
    assertEquals(expectedArrows, window.arrows);
    assertEquals(ForwardedPutRun.HOSTS_IN_COLUMN_ORDER, window.columns, "columns stay put");
  }

  @Test
  void when_the_page_script_fails_then_the_page_says_so_and_the_check_catches_it()
      throws Exception {
    Path page = write(RenderOptions.all());
    String html = Files.readString(page, StandardCharsets.UTF_8);
    String broken = html.replaceFirst("\"rows\":\\d+", "\"rows\":\"many\"}");
    assertFalse(broken.equals(html));
    Files.writeString(page, broken, StandardCharsets.UTF_8);
    Drawing d = new Drawing(HeadlessChromium.dumpDom(page, "", dir));
    assertEquals("error", d.rendered);
    assertTrue(d.errors.contains("JSON"), d.errors);
  }

  @Test
  void the_zoom_buttons_operation_box_and_escape_work() throws Exception {
    Path page = write(RenderOptions.all());
    String probe = "<script>\n"
        + "var svg = document.getElementById('diagram'), out = {};\n"
        + "var w0 = +svg.getAttribute('width');\n"
        + "document.getElementById('zoom-out').click();\n"
        + "out.zoomedOut = +svg.getAttribute('width') < w0;\n"
        + "for (var i = 0; i < 5; i++) document.getElementById('zoom-out').click();\n"
        + "out.labelsHiddenWhenSmall = svg.classList.contains('small');\n"
        + "document.getElementById('zoom-reset').click();\n"
        + "out.reset = +svg.getAttribute('width') === w0 && !svg.classList.contains('small');\n"
        + "var box = document.getElementById('op-input');\n"
        + "box.value = 'client1:2';\n"
        + "box.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));\n"
        + "out.boxSelected = svg.querySelectorAll('circle.ev.selected').length;\n"
        + "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}));\n"
        + "out.escapeCleared = svg.querySelectorAll('.ev.selected, .msg.selected, .label.selected')"
        + ".length === 0;\n"
        + "document.body.setAttribute('data-probe', JSON.stringify(out));\n"
        + "</script>\n";
    String html = Files.readString(page, StandardCharsets.UTF_8);
    Files.writeString(page, html.replace("</body>", probe + "</body>"), StandardCharsets.UTF_8);
    String dom = HeadlessChromium.dumpDom(page, "", dir);
    assertRendered(new Drawing(dom));
    assertEquals("{\"zoomedOut\":true,\"labelsHiddenWhenSmall\":true,\"reset\":true,"
        + "\"boxSelected\":" + run.getOpEvents.size() + ",\"escapeCleared\":true}",
        new Dom(dom).first("body").attr("data-probe"));
  }

  @Test
  void when_a_run_has_thousands_of_events_then_the_page_draws_them_all() throws Exception {
    SimulatedRun big = new SimulatedRun(42, 7, 6000, false);
    List<TraceEvent> bigEvents = new java.util.ArrayList<>();
    for (Event e : big.events) {
      bigEvents.add(new TraceEvent(e.host, e.seq, VectorClock.of(e.clock), e.traceId, e.action,
          new java.util.LinkedHashMap<>(java.util.Map.of("clientId", "c", "opId", e.seq % 50)),
          e.wallMicros));
    }
    Path page = dir.resolve("big.html");
    RenderSummary summary = TraceRenderer.render(bigEvents, RenderOptions.all()
        .withOperation(OperationRef.parse("c:7")), page, "big run");
    String dom = HeadlessChromium.dumpDom(page, "", dir);
    Drawing d = new Drawing(dom);
    assertRendered(d);
    assertEquals(big.events.size(), d.events.size());
    assertEquals(summary.arrows(), d.arrows.size());
    assertEquals(big.newsMessages.size(), d.arrows.size());
    assertTrue(d.selectedEvents.size() > 50, "about 1 in 50 events is op c:7");
    System.out.println("big run: " + summary.describe() + "; page " + Files.size(page)
        + " bytes; drawn in " + new Dom(dom).first("body").attr("data-render-millis") + " ms");
  }

  private static int positionOf(String id) throws IOException {
    String[] parts = id.split("#");
    for (TraceEvent e : events) {
      if (e.host().equals(parts[0]) && e.seq() == Long.parseLong(parts[1])) {
        return TraceRenderer.diagram(Events.from(events), RenderOptions.all()).events.stream()
            .filter(x -> x.host.equals(parts[0]) && x.seq == e.seq()).findFirst()
            .orElseThrow().position;
      }
    }
    throw new AssertionError("no event " + id);
  }
}
