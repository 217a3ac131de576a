package io.raftkv.trace.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.trace.TraceEvent;
import io.raftkv.trace.TraceLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The static SVG: well-formed XML with the same elements the page draws. */
class SvgDrawingTest {
  @TempDir
  static Path dir;
  static ForwardedPutRun run;
  static List<TraceEvent> events;

  @BeforeAll
  static void writeRun() throws IOException {
    run = new ForwardedPutRun(dir.resolve("trace"));
    events = TraceLog.read(dir.resolve("trace"));
  }

  private static String render(RenderOptions options) throws IOException {
    Path out = dir.resolve("out/run.svg");
    TraceRenderer.render(events, options, out, "svg test");
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  @Test
  void the_svg_is_well_formed_and_draws_every_host_event_and_message() throws Exception {
    String svg = render(RenderOptions.all());
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    Document doc = f.newDocumentBuilder()
        .parse(new java.io.ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertEquals("http://www.w3.org/2000/svg", doc.getDocumentElement().getNamespaceURI());
    assertEquals(run.events.size(), doc.getElementsByTagName("title").getLength(),
        "one tooltip per event");
    Drawing d = new Drawing(svg);
    assertEquals(ForwardedPutRun.HOSTS_IN_COLUMN_ORDER, d.columns);
    assertEquals(run.events.keySet(), d.events);
    assertEquals(run.arrows, d.arrows);
    assertEquals(Set.of(), d.selectedEvents);
  }

  @Test
  void when_an_operation_is_given_and_heartbeats_hidden_then_the_svg_marks_exactly_it()
      throws Exception {
    String svg = render(RenderOptions.all().withOperation(OperationRef.parse("client1:2"))
        .withHideHeartbeats(true));
    Drawing d = new Drawing(svg);
    Set<String> shown = new TreeSet<>(run.events.keySet());
    shown.removeAll(run.heartbeatEvents);
    assertEquals(shown, d.events);
    assertEquals(run.arrowsWithoutHeartbeats(), d.arrows);
    assertEquals(run.getOpEvents, d.selectedEvents);
    assertEquals(Set.of("client1#6 -> server2#3", "server2#4 -> client1#7"), d.selectedArrows);
    assertTrue(svg.contains("class=\"spacetime has-selection\""), "others dimmed");
  }
}
