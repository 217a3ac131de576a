package io.raftkv.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** The matrix as a Markdown table: per op, throughput, p50 / p99, errors and CPU per op. */
public final class MatrixTable {
  private MatrixTable() {}

  public static String render(List<BenchResult> results) {
    TreeSet<Integer> levels = new TreeSet<>();
    Map<String, Map<Integer, BenchResult>> byOp = new LinkedHashMap<>();
    for (BenchResult r : results) {
      levels.add(r.concurrency);
      byOp.computeIfAbsent(r.op, k -> new LinkedHashMap<>()).put(r.concurrency, r);
    }
    StringBuilder sb = new StringBuilder("| store | op |");
    StringBuilder rule = new StringBuilder("|---|---|");
    for (int c : levels) {
      sb.append(" c=").append(c).append(" |");
      rule.append("--:|");
    }
    sb.append('\n').append(rule).append('\n');
    for (Map.Entry<String, Map<Integer, BenchResult>> e : byOp.entrySet()) {
      String op = e.getKey();
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {op + ", ops/s"});
      rows.add(new String[] {op + ", p50 / p99 ms"});
      rows.add(new String[] {op + ", errors"});
      rows.add(new String[] {op + ", CPU µs/op client / servers"});
      rows.add(new String[] {op + ", foreign / steal cores"});
      for (String[] row : rows) {
        sb.append("| RaftKV | ").append(row[0]).append(" |");
        for (int c : levels) {
          BenchResult r = e.getValue().get(c);
          sb.append(' ').append(r == null ? "-" : cell(row[0], r)).append(" |");
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  private static String cell(String row, BenchResult r) {
    if (row.endsWith("ops/s")) {
      return String.format(Locale.ROOT, "%,.0f", r.throughput());
    }
    if (row.endsWith("p50 / p99 ms")) {
      return ms(r.percentileMillis(50)) + " / " + ms(r.percentileMillis(99));
    }
    if (row.endsWith("errors")) {
      return String.valueOf(r.errors());
    }
    if (row.endsWith("steal cores")) {
      return r.foreignCores < 0 ? "?" : String.format(Locale.ROOT, "%.2f / %.2f", r.foreignCores,
          r.stealCores);
    }
    return (r.clientCpuMicrosPerOp < 0 ? "?" : String.format(Locale.ROOT, "%.0f",
        r.clientCpuMicrosPerOp)) + " / " + (r.serverCpuMicrosPerOp < 0 ? "?"
        : String.format(Locale.ROOT, "%.0f", r.serverCpuMicrosPerOp));
  }

  private static String ms(double v) {
    return v < 10 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
