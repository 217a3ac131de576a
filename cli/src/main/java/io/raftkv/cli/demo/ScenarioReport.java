package io.raftkv.cli.demo;

import java.nio.file.Path;
import java.util.List;

/**
 * How one scenario went.
 *
 * @param number the seed's number
 * @param id the run's name (the number, with a suffix for a variant)
 * @param title what it shows
 * @param verdicts every verdict, in the order reached (the trace check's last)
 * @param traceDir where its trace files are
 * @param shiviz the merged ShiViz log, or null if it could not be written
 * @param seconds how long it took
 */
record ScenarioReport(int number, String id, String title, List<Verdict> verdicts, Path traceDir, Path shiviz,
    double seconds) {

  ScenarioReport {
    verdicts = List.copyOf(verdicts);
  }

  /** Every verdict passed (and there was at least one). */
  boolean passed() {
    return !verdicts.isEmpty() && verdicts.stream().allMatch(Verdict::passed);
  }

  long failures() {
    return verdicts.stream().filter(v -> !v.passed()).count();
  }
}
