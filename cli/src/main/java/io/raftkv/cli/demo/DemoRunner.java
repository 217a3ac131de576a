package io.raftkv.cli.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs scenarios one after the other, each on its own cluster under {@code <dir>/scenario-N/}
 * (servers' data and logs in {@code cluster/}, trace files in {@code traces/}); after each, runs
 * the trace checker on its traces and writes their merged ShiViz log to
 * {@code <dir>/scenario-N.shiviz.log}. What {@code raftkv demo} and its tests share.
 */
final class DemoRunner {
  private final Path dir;
  private final boolean keep;
  private final String classPath;
  private final PrintStream out;
  /** Outcomes recorded by earlier scenario runs (4, 6), by id, for 6 and 9 to compare with. */
  private final Map<String, List<Workload.Outcome>> recorded = new HashMap<>();

  /**
   * @param dir where scenario directories and ShiViz logs go (created if absent; each scenario's
   *     own directory and log are replaced)
   * @param keep keep each passed scenario's server data and logs (a failed one's are always kept)
   * @param classPath the class path for server processes (must hold {@code io.raftkv.cli.Main})
   * @param out where the narration goes
   */
  DemoRunner(Path dir, boolean keep, String classPath, PrintStream out) {
    this.dir = dir;
    this.keep = keep;
    this.classPath = classPath;
    this.out = out;
  }

  List<ScenarioReport> run(List<Scenario> scenarios) throws IOException {
    Files.createDirectories(dir);
    List<ScenarioReport> reports = new ArrayList<>();
    for (Scenario s : scenarios) {
      reports.add(runOne(s));
    }
    summarize(reports);
    return reports;
  }

  ScenarioReport runOne(Scenario s) throws IOException {
    long t0 = System.nanoTime();
    Path scenarioDir = dir.resolve("scenario-" + s.id());
    deleteTree(scenarioDir);
    Files.createDirectories(scenarioDir);
    Narrator n = new Narrator(out);
    n.heading("=== Scenario " + s.id() + ": " + s.title());
    Path traceDir = scenarioDir.resolve("traces");
    try (ScenarioRun run = new ScenarioRun(s.id(), scenarioDir, classPath, n, recorded)) {
      s.run(run);
    } catch (DemoFailure e) {
      n.verdict("the scenario runs to its end", false, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      n.verdict("the scenario runs to its end", false, "interrupted");
    } catch (Exception e) {
      n.verdict("the scenario runs to its end", false, e.toString());
    }
    n.step("all servers and clients stopped; checking the traces");
    n.verdict(RunTraces.check(traceDir));
    Path shiviz = dir.resolve("scenario-" + s.id() + ".shiviz.log");
    try {
      int events = RunTraces.writeShiviz(traceDir, shiviz);
      n.step("ShiViz log of " + events + " events: " + shiviz);
    } catch (IOException | RuntimeException e) {
      n.step("could not write the ShiViz log: " + e);
      shiviz = null;
    }
    ScenarioReport r = new ScenarioReport(s.number(), s.id(), s.title(), n.verdicts(), traceDir, shiviz,
        (System.nanoTime() - t0) / 1e9);
    if (r.passed() && !keep) {
      deleteTree(scenarioDir.resolve("cluster"));
    }
    out.printf("--- scenario %s: %s (%d verdicts, %.1f s)%n", s.id(),
        r.passed() ? "PASS" : "FAIL, " + r.failures() + " failed", r.verdicts().size(), r.seconds());
    return r;
  }

  private void summarize(List<ScenarioReport> reports) {
    out.println();
    out.println("=== Summary");
    for (ScenarioReport r : reports) {
      out.printf("%s  scenario %-12s %-58s %3d verdicts %6.1f s%n", r.passed() ? "PASS" : "FAIL",
          r.id(), shorten(r.title(), 58), r.verdicts().size(), r.seconds());
      r.verdicts().stream().filter(v -> !v.passed()).forEach(v -> out.println("      " + v.line()));
    }
    long failed = reports.stream().filter(r -> !r.passed()).count();
    out.println(failed == 0 ? "PASS: all " + reports.size() + " scenario run(s); traces and ShiViz logs"
        + " in " + dir : "FAIL: " + failed + " of " + reports.size() + " scenario run(s); everything is"
        + " kept in " + dir);
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
