package io.raftkv.cli.bench;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one measured run. {@link #line()} is the machine-readable result line:
 * {@code op=put conc=64 ops=N tput=X p50_ms=.. p99_ms=.. p999_ms=.. errors=N} followed by extra
 * {@code key=value} fields (errors by kind, CPU per operation, longest gap).
 */
public final class BenchResult {
  public final String op;
  public final int concurrency;
  public final long ops;
  public final double seconds;
  public final Histogram latencyNanos;
  public final Map<String, Long> errorsByKind;
  /** CPU of the bench JVM per successful op, microseconds; negative if unknown. */
  public final double clientCpuMicrosPerOp;
  /** CPU of the server processes per successful op, microseconds; negative if unknown. */
  public final double serverCpuMicrosPerOp;
  /** Longest time with no completed operation during the measured run, ms. */
  public final double maxGapMillis;
  /**
   * Host CPU during the window, in cores: all busy time, the part not used by the bench JVM or
   * (with --cluster-up) its servers, and steal; negative if unknown. Foreign load or steal above
   * about 0.15 cores makes a run on a 2-core machine suspect.
   */
  /** When the longest gap began, seconds into the measured window. */
  public double maxGapStartSeconds;
  public double hostBusyCores = -1;
  public double foreignCores = -1;
  public double stealCores = -1;

  public BenchResult(String op, int concurrency, long ops, double seconds, Histogram latencyNanos,
      Map<String, Long> errorsByKind, double clientCpuMicrosPerOp, double serverCpuMicrosPerOp,
      double maxGapMillis) {
    this.op = op;
    this.concurrency = concurrency;
    this.ops = ops;
    this.seconds = seconds;
    this.latencyNanos = latencyNanos;
    this.errorsByKind = new TreeMap<>(errorsByKind);
    this.clientCpuMicrosPerOp = clientCpuMicrosPerOp;
    this.serverCpuMicrosPerOp = serverCpuMicrosPerOp;
    this.maxGapMillis = maxGapMillis;
  }

  public long errors() {
    return errorsByKind.values().stream().mapToLong(Long::longValue).sum();
  }

  public double throughput() {
    return seconds > 0 ? ops / seconds : 0;
  }

  /** The latency at {@code percentile} (0..100) in milliseconds; 0 if nothing was recorded. */
  public double percentileMillis(double percentile) {
    return latencyNanos.getTotalCount() == 0 ? 0
        : latencyNanos.getValueAtPercentile(percentile) / 1e6;
  }

  /** The machine-readable result line. */
  public String line() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "op=%s conc=%d ops=%d tput=%.1f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f errors=%d",
        op, concurrency, ops, throughput(), percentileMillis(50), percentileMillis(99),
        percentileMillis(99.9), errors()));
    sb.append(String.format(Locale.ROOT, " max_ms=%.3f", latencyNanos.getTotalCount() == 0 ? 0
        : latencyNanos.getMaxValue() / 1e6));
    sb.append(" error_kinds=");
    if (errorsByKind.isEmpty()) {
      sb.append('-');
    } else {
      StringBuilder kinds = new StringBuilder();
      errorsByKind.forEach((k, v) -> kinds.append(kinds.length() == 0 ? "" : ",")
          .append(k).append(':').append(v));
      sb.append(kinds);
    }
    sb.append(String.format(Locale.ROOT, " secs=%.2f max_gap_ms=%.1f", seconds, maxGapMillis));
    if (clientCpuMicrosPerOp >= 0) {
      sb.append(String.format(Locale.ROOT, " client_cpu_us_per_op=%.1f", clientCpuMicrosPerOp));
    }
    if (serverCpuMicrosPerOp >= 0) {
      sb.append(String.format(Locale.ROOT, " server_cpu_us_per_op=%.1f", serverCpuMicrosPerOp));
    }
    if (hostBusyCores >= 0) {
      sb.append(String.format(Locale.ROOT, " host_busy_cores=%.2f foreign_cores=%.2f "
          + "steal_cores=%.2f", hostBusyCores, foreignCores, stealCores));
    }
    return sb.toString();
  }

  /** Parses a result line into its fields (for tests and scripts). */
  public static Map<String, String> parseLine(String line) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String part : line.trim().split("\\s+")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("not key=value: '" + part + "'");
      }
      out.put(part.substring(0, eq), part.substring(eq + 1));
    }
    return out;
  }
}
