package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.trace.Trace;
import io.raftkv.trace.TraceAction;
import io.raftkv.trace.Tracer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code raftkv trace render}: options reach the renderer, and mistakes get exit code 2. */
class TraceRenderCommandTest {
  @TempDir
  Path dir;
  Path traces;

  @BeforeEach
  void writeTrace() {
    traces = dir.resolve("traces");
    try (Tracer client = Tracer.toDirectory("client1", traces);
        Tracer server = Tracer.toDirectory("server1", traces)) {
      Trace t = client.createTrace();
      t.recordAction(new TraceAction.PutStart("client1", 1, "k", "v"));
      t.recordAction(new TraceAction.PutSend("client1", 1, "k", "v"));
      Trace s = server.receiveToken(t.generateToken());
      s.recordAction(new TraceAction.PutRecv("client1", 1, "k", "v"));
      s.recordAction(new TraceAction.PutResult("client1", 1, "k", "v"));
      client.receiveToken(s.generateToken())
          .recordAction(new TraceAction.PutResult("client1", 1, "k", "v"));
    }
  }

  private record Run(int code, String out, String err) {
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new TraceRenderCommand()).execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void when_asked_for_svg_then_it_writes_the_drawing_and_says_what_it_drew() throws Exception {
    Path svg = dir.resolve("out/run.svg");
    Run r = run(traces.toString(), "--out", svg.toString(), "--op", "client1:1",
        "--hosts", "client1,server1", "--from", "1", "--to", "5", "--hide-heartbeats");
    assertEquals(0, r.code(), r.err());
    assertEquals("wrote " + svg + ": 4 of 5 events (positions 1..4), 2 hosts, 2 arrows, "
        + "4 events highlighted\n", r.out());
    String text = Files.readString(svg);
    assertTrue(text.startsWith("<?xml"), text.substring(0, 40));
    assertEquals(4, text.split("<circle class=\"ev fam-op selected\"", -1).length - 1);
  }

  @Test
  void when_asked_for_html_then_it_writes_a_self_contained_page() throws Exception {
    Path html = dir.resolve("run.html");
    Run r = run(traces.toString(), "--out", html.toString());
    assertEquals(0, r.code(), r.err());
    String page = Files.readString(html);
    assertTrue(page.contains("<script type=\"application/json\" id=\"trace-data\">"));
    assertTrue(!page.contains("src=\"http") && !page.contains("href=\"http"), "no network");
  }

  @Test
  void mistakes_exit_2_with_a_message_naming_them() {
    Path out = dir.resolve("x.html");
    assertFails("cannot read " + dir.resolve("nope") + ": ",
        dir.resolve("nope").toString(), "--out", out.toString());
    assertFails("--op client1:9: no event of this run",
        traces.toString(), "--out", out.toString(), "--op", "client1:9");
    assertFails("opId 'x' is not a number",
        traces.toString(), "--out", out.toString(), "--op", "client1:x");
    assertFails("no host 'server7' in this run",
        traces.toString(), "--out", out.toString(), "--hosts", "server7");
    assertFails("the run has only 5 events",
        traces.toString(), "--out", out.toString(), "--from", "5");
    assertFails("--out x.png: unknown format",
        traces.toString(), "--out", "x.png");
    assertFails("no trace files", dir.toString(), "--out", out.toString());
  }

  private static void assertFails(String message, String... args) {
    Run r = run(args);
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains(message), "stderr: " + r.err());
  }
}
