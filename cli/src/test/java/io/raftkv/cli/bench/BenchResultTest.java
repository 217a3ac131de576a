package io.raftkv.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.RaftKvException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The machine-readable result line and the table. */
class BenchResultTest {
  private static BenchResult result(String op, int conc, Map<String, Long> errors) {
    Histogram h = new Histogram(3);
    for (int i = 1; i <= 1000; i++) {
      h.recordValue(i * 1_000L); // 1 µs .. 1 ms
    }
    return new BenchResult(op, conc, 1000, 2.0, h, errors, 12.34, 56.78, 3.5);
  }

  @Test
  void lineStartsWithTheDocumentedFieldsInOrder() {
    String line = result("put", 64, Map.of("DEADLINE_EXCEEDED", 2L, "CLOSED", 1L)).line();
    assertTrue(line.matches("op=put conc=64 ops=1000 tput=500\\.0 p50_ms=0\\.50\\d "
        + "p99_ms=0\\.99\\d p999_ms=0\\.99\\d errors=3 .*"), line);
    Map<String, String> f = BenchResult.parseLine(line);
    assertEquals(List.of("op", "conc", "ops", "tput", "p50_ms", "p99_ms", "p999_ms", "errors",
        "max_ms", "error_kinds", "secs", "max_gap_ms", "client_cpu_us_per_op",
        "server_cpu_us_per_op"), List.copyOf(f.keySet()));
    assertEquals("CLOSED:1,DEADLINE_EXCEEDED:2", f.get("error_kinds"));
    assertEquals("3.5", f.get("max_gap_ms"));
    assertEquals("12.3", f.get("client_cpu_us_per_op"));
    assertEquals("56.8", f.get("server_cpu_us_per_op"));
    assertEquals("2.00", f.get("secs"));
  }

  @Test
  void emptyRunAndUnknownCpuStayParseable() {
    BenchResult r = new BenchResult("get", 1, 0, 1.0, new Histogram(3), Map.of(), -1, -1, 1000);
    String line = r.line();
    assertTrue(line.startsWith("op=get conc=1 ops=0 tput=0.0 p50_ms=0.000 p99_ms=0.000 "
        + "p999_ms=0.000 errors=0 "), line);
    Map<String, String> f = BenchResult.parseLine(line);
    assertEquals("-", f.get("error_kinds"));
    assertTrue(!f.containsKey("client_cpu_us_per_op") && !f.containsKey("server_cpu_us_per_op"));
    assertThrows(IllegalArgumentException.class, () -> BenchResult.parseLine("op=put oops"));
  }

  @Test
  void errorsAreCountedByTheClientsKind() {
    RaftKvException deadline = new RaftKvException(RaftKvException.Kind.DEADLINE_EXCEEDED,
        "late", true, null);
    assertEquals("DEADLINE_EXCEEDED", ClosedLoop.errorKind(new CompletionException(deadline)));
    assertEquals("TimeoutException", ClosedLoop.errorKind(new TimeoutException()));
  }

  @Test
  void tableHasOneColumnPerConcurrency() {
    String t = MatrixTable.render(List.of(result("put", 1, Map.of()), result("put", 16, Map.of()),
        result("get", 1, Map.of())));
    String[] lines = t.split("\n");
    assertEquals("| store | op | c=1 | c=16 |", lines[0]);
    assertEquals("| RaftKV | put, ops/s | 500 | 500 |", lines[2]);
    assertTrue(lines[3].startsWith("| RaftKV | put, p50 / p99 ms | 0.50 / 0.99 |"), lines[3]);
    assertTrue(t.contains("| RaftKV | get, ops/s | 500 | - |"), t);
  }
}
