package io.raftkv.cli.demo;

import io.raftkv.trace.ShivizLog;
import io.raftkv.trace.TraceCheckResult;
import io.raftkv.trace.TraceChecker;
import io.raftkv.trace.TraceEvent;
import io.raftkv.trace.TraceLog;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the runner does with a finished scenario's trace files: check them, merge them for ShiViz. */
final class RunTraces {
  private RunTraces() {}

  /** The trace checker's verdict on the directory (every rule of the seed's it knows). */
  static Verdict check(Path traceDir) {
    List<String> warnings = new ArrayList<>();
    List<TraceEvent> events;
    try {
      events = TraceLog.read(traceDir, warnings::add);
    } catch (IOException | RuntimeException e) {
      return Verdict.of("the trace checker finds no violation", false, "unreadable traces: " + e);
    }
    if (events.isEmpty()) {
      return Verdict.of("the trace checker finds no violation", false, "no trace events in "
          + traceDir);
    }
    TraceCheckResult r = TraceChecker.check(events);
    String summary = r.eventCount() + " events, " + r.hostCount() + " hosts, "
        + r.operationCount() + " operations";
    if (r.clean()) {
      return Verdict.of("the trace checker finds no violation", true, summary
          + (warnings.isEmpty() ? "" : "; " + warnings.size() + " warning(s): " + warnings.get(0)));
    }
    String report = r.report().strip();
    return Verdict.of("the trace checker finds no violation", false,
        r.violations().size() + " violation(s) in " + summary + "\n" + indent(report));
  }

  /** Writes the merged ShiViz log of the directory's traces to {@code out}; returns the events. */
  static int writeShiviz(Path traceDir, Path out) throws IOException {
    List<TraceEvent> events = TraceLog.read(traceDir);
    try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      ShivizLog.write(events, w);
    }
    return events.size();
  }

  private static String indent(String text) {
    return "          " + text.replace("\n", "\n          ");
  }
}
