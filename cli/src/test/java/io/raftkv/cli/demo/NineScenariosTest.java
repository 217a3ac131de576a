package io.raftkv.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.nemesis.StableClassPath;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * All nine demo scenarios on real server processes, through the code {@code raftkv demo all}
 * runs (6 and 9 in both variants): every verdict passes, and each run leaves a ShiViz log.
 */
class NineScenariosTest {
  @TempDir
  Path tmp;

  @Test
  void when_raftkv_demo_all_runs_then_every_verdict_of_every_scenario_passes() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    List<ScenarioReport> reports;
    try {
      reports = new DemoRunner(tmp.resolve("demo"), false, StableClassPath.get(), out)
          .run(Scenarios.select(List.of("all")));
    } finally {
      System.out.print(buf.toString(StandardCharsets.UTF_8));
    }
    String log = buf.toString(StandardCharsets.UTF_8);
    assertEquals(ScenariosTest.ALL, reports.stream().map(ScenarioReport::id).toList());
    String failed = reports.stream().flatMap(r -> r.verdicts().stream()
            .filter(v -> !v.passed()).map(v -> "scenario " + r.id() + ": " + v.line()))
        .collect(Collectors.joining("\n"));
    assertTrue(failed.isEmpty(), failed + "\n\n" + log);
    for (ScenarioReport r : reports) {
      assertTrue(r.verdicts().size() >= 4, "scenario " + r.id() + " has too few verdicts");
      assertTrue(r.shiviz() != null && Files.size(r.shiviz()) > 0,
          "scenario " + r.id() + " wrote no ShiViz log");
    }
    assertTrue(log.contains("PASS: all 11 scenario run(s)"), log);
  }
}
