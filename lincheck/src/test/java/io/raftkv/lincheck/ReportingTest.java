package io.raftkv.lincheck;

import static io.raftkv.lincheck.Operation.get;
import static io.raftkv.lincheck.Operation.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shrinking, the HTML timeline and the print-and-save entry point. */
class ReportingTest {

  @TempDir
  Path dir;

  private static List<Operation> staleReadAmongNoise() {
    List<Operation> h = new java.util.ArrayList<>();
    // Unrelated traffic on the same key first, then the anomaly, then more traffic.
    for (int i = 0; i < 30; i++) {
      h.add(put(i % 3, "x", "n" + i, i * 10, i * 10 + 5));
      h.add(get(3, "x", "n" + i, i * 10 + 6, i * 10 + 8));
    }
    h.add(put(1, "x", "a", 400, 401));
    h.add(put(1, "x", "b", 402, 403));
    h.add(get(2, "x", "a", 404, 405));
    for (int i = 0; i < 30; i++) {
      h.add(put(i % 3, "x", "m" + i, 500 + i * 10, 505 + i * 10));
    }
    return h;
  }

  @Test
  void when_shrinking_then_minimal_history_keeps_the_anomaly_and_its_writers() {
    CheckResult r = LinearizabilityChecker.check(staleReadAmongNoise(), Duration.ofSeconds(5));
    Violation v = r.violation().orElseThrow();
    assertEquals(93, v.keyHistory().size());
    List<String> labels = v.minimalHistory().stream().map(Operation::label)
        .collect(java.util.stream.Collectors.toList());
    assertEquals(List.of("put(x,a)", "put(x,b)", "get(x)->a"), labels, v::describe);
    assertEquals("get(x)->a", v.stuckAt().label());
  }

  @Test
  void when_stale_read_matches_a_quick_pattern_then_witness_is_minimal_even_without_shrinking() {
    CheckResult r = LinearizabilityChecker.check(staleReadAmongNoise(), Duration.ofSeconds(5),
        Duration.ZERO);
    Violation v = r.violation().orElseThrow();
    assertEquals(3, v.minimalHistory().size(), v::describe);
  }

  @Test
  void when_shrinking_is_off_and_the_search_finds_the_violation_then_minimal_is_key_history() {
    CheckResult r = LinearizabilityChecker.check(readsOutOfOrderAmongNoise(),
        Duration.ofSeconds(5), Duration.ZERO);
    Violation v = r.violation().orElseThrow();
    assertEquals(v.keyHistory(), v.minimalHistory());
  }

  @Test
  void when_shrinking_then_flip_flop_shrinks_to_both_puts_and_two_reads() {
    CheckResult r = LinearizabilityChecker.check(readsOutOfOrderAmongNoise(),
        Duration.ofSeconds(5));
    Violation v = r.violation().orElseThrow();
    List<String> labels = v.minimalHistory().stream().map(Operation::label)
        .collect(java.util.stream.Collectors.toList());
    // Once both puts returned the value is fixed, so seeing a and then b is already enough.
    assertEquals(List.of("put(x,a)", "put(x,b)", "get(x)->a", "get(x)->b"), labels,
        v::describe);
  }

  /**
   * Not caught by the quick patterns: two concurrent puts, then reads seeing a, b, a after both
   * returned (the value can no longer change).
   */
  private static List<Operation> readsOutOfOrderAmongNoise() {
    List<Operation> h = new java.util.ArrayList<>();
    for (int i = 0; i < 30; i++) {
      h.add(put(i % 3, "x", "n" + i, i * 10, i * 10 + 5));
      h.add(get(3, "x", "n" + i, i * 10 + 6, i * 10 + 8));
    }
    h.add(put(1, "x", "a", 400, 450));
    h.add(put(2, "x", "b", 401, 451));
    h.add(get(3, "x", "a", 460, 461));
    h.add(get(3, "x", "b", 462, 463));
    h.add(get(3, "x", "a", 464, 465));
    return h;
  }

  @Test
  void when_big_history_fails_then_it_shrinks_within_budget() {
    List<Operation> h = HistoryGenerator.injectStaleRead(
        new HistoryGenerator(7, 10, 1, 100, 100, false).generate(3000));
    CheckResult r = LinearizabilityChecker.check(h, Duration.ofSeconds(10));
    Violation v = r.violation().orElseThrow();
    assertTrue(v.minimalHistory().size() <= 10, v::describe);
    CheckResult again = LinearizabilityChecker.check(v.minimalHistory(), Duration.ofSeconds(5));
    assertEquals(CheckResult.Verdict.NOT_LINEARIZABLE, again.verdict());
  }

  @Test
  void when_violation_then_visualizer_writes_self_contained_page_with_failing_ops()
      throws Exception {
    List<Operation> h = List.of(
        put(1, "x", "a", 0, 10),
        put(2, "x", "b<&>", 20, 30),
        put(4, "x", "c", 21, 50).ambiguous(),
        get(3, "x", "a", 35, 40));
    CheckResult r = LinearizabilityChecker.check(h, Duration.ofSeconds(5));
    Path file = dir.resolve("x.html");
    Visualizer.writeHtml(r, file);
    String html = Files.readString(file);
    assertTrue(html.contains("<svg"));
    assertTrue(html.contains("get(x)-&gt;a"), "the stuck read is labelled");
    assertTrue(html.contains("put(x,b&lt;&amp;&gt;)"), "values are escaped");
    assertTrue(html.contains("STUCK"));
    assertTrue(html.contains("#1 put(x,a)"), "linearization order is numbered");
    assertTrue(html.contains("url(#hatch-"), "ambiguous calls are hatched");
    assertFalse(html.contains("<script"));
    assertFalse(html.contains("src="));
    assertFalse(html.contains("href="));
  }

  @Test
  void when_result_is_linearizable_then_visualizer_refuses() {
    CheckResult r = LinearizabilityChecker.check(List.of(put(1, "x", "a", 0, 1)),
        Duration.ofSeconds(1));
    assertThrows(IllegalArgumentException.class,
        () -> Visualizer.writeHtml(r, dir.resolve("none.html")));
  }

  @Test
  void when_check_and_report_finds_violation_then_prints_and_saves_page_and_history()
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Operation> h = staleReadAmongNoise();
    CheckResult r = LinearizabilityChecker.checkAndReport(h, Duration.ofSeconds(5), dir,
        new PrintStream(out, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(CheckResult.Verdict.NOT_LINEARIZABLE, r.verdict());
    assertTrue(printed.contains("get(x)->a"), printed);
    assertTrue(Files.exists(dir.resolve("lincheck-x.html")));
    assertEquals(h, HistoryIO.read(dir.resolve("lincheck-history.txt")));
  }

  @Test
  void when_check_and_report_passes_then_nothing_is_printed_or_written() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LinearizabilityChecker.checkAndReport(List.of(put(1, "x", "a", 0, 1)), Duration.ofSeconds(1),
        dir, new PrintStream(out, true, StandardCharsets.UTF_8));
    assertEquals("", out.toString(StandardCharsets.UTF_8));
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }
}
