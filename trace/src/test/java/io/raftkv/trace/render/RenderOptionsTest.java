package io.raftkv.trace.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad options fail with a message that names the problem. */
class RenderOptionsTest {

  private static List<Event> twoHosts() {
    return List.of(CausalGraphTest.ev("client1", 1, "client1=1"),
        CausalGraphTest.ev("server1", 1, "client1=1,server1=1"));
  }

  private static void assertFailsWith(String expected, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void operation_refs_parse_and_reject_bad_text() {
    assertEquals(new OperationRef("client1", 5), OperationRef.parse("client1:5"));
    assertEquals(new OperationRef("a:b", 7), OperationRef.parse("a:b:7"));
    assertEquals("client1:5", OperationRef.parse("client1:5").toString());
    assertFailsWith("expected clientId:opId", () -> OperationRef.parse("client1"));
    assertFailsWith("expected clientId:opId", () -> OperationRef.parse(":5"));
    assertFailsWith("opId 'x' is not a number", () -> OperationRef.parse("client1:x"));
  }

  @Test
  void windows_must_be_forward_and_not_negative() {
    assertFailsWith("--from -1", () -> RenderOptions.all().withWindow(-1, 5));
    assertFailsWith("must be greater than --from 5", () -> RenderOptions.all().withWindow(5, 5));
  }

  @Test
  void a_window_past_the_end_names_the_runs_size() {
    assertFailsWith("the run has only 2 events (positions 0..1)",
        () -> TraceRenderer.diagram(twoHosts(), RenderOptions.all().withWindow(2, 10)));
  }

  @Test
  void an_unknown_host_names_the_runs_hosts() {
    assertFailsWith("no host 'server9' in this run; its hosts are [client1, server1]",
        () -> TraceRenderer.diagram(twoHosts(),
            RenderOptions.all().withHosts(List.of("server1", "server9"))));
  }

  @Test
  void an_operation_with_no_event_is_an_error() {
    assertFailsWith("--op client1:9: no event of this run",
        () -> TraceRenderer.diagram(twoHosts(),
            RenderOptions.all().withOperation(OperationRef.parse("client1:9"))));
  }

  @Test
  void an_empty_run_is_an_error() {
    assertFailsWith("no trace events", () -> TraceRenderer.diagram(List.of(), RenderOptions.all()));
  }

  @Test
  void the_output_format_comes_from_the_file_name() {
    assertEquals(TraceRenderer.Format.HTML, TraceRenderer.Format.of(Path.of("a/run.html")));
    assertEquals(TraceRenderer.Format.HTML, TraceRenderer.Format.of(Path.of("RUN.HTM")));
    assertEquals(TraceRenderer.Format.SVG, TraceRenderer.Format.of(Path.of("run.svg")));
    assertFailsWith("--out run.png: unknown format",
        () -> TraceRenderer.Format.of(Path.of("run.png")));
  }

  @Test
  void hosts_are_ordered_clients_first_then_by_node_number() {
    assertEquals(List.of("client1", "client2", "client10", "server1", "raft1", "server2",
            "raft2", "raft10", "zeta"),
        Diagram.sortedHosts(new java.util.HashSet<>(List.of("raft10", "server2", "client10",
            "raft1", "zeta", "client2", "server1", "raft2", "client1"))));
  }
}
