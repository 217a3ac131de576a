package io.raftkv.cli.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code raftkv demo [1..9|all] [--dir DIR] [--keep]}: the seed report's nine demo scenarios on
 * local clusters of 7 configured real server processes, traced; a PASS/FAIL line per expected
 * outcome, the trace checker's verdict and a ShiViz log per scenario. Exit code 0 if every
 * verdict passed, 1 if any failed, 2 on bad arguments.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    header = "Run the seed report's demo scenarios on local clusters.",
    description = {"Run the seed report's demo scenarios (1..9, or all) on local clusters "
        + "of 7 configured server processes with tracing on: print each step and a "
        + "PASS/FAIL line per expected outcome, check each run's traces, and write "
        + "<dir>/scenario-N.shiviz.log. Scenarios 6 and 9 run in two variants each. "
        + "Exit code 0 if every verdict passed, 1 if any failed."})
public final class DemoCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "SCENARIO",
      description = "1..9 or all (default: all); several may be given")
  List<String> scenarios = new ArrayList<>();

  @Option(names = "--dir", description = "where scenario directories and ShiViz logs go "
      + "(default: ${DEFAULT-VALUE})")
  Path dir = Path.of("raftkv-demo");

  @Option(names = "--keep", description = "keep the server data and logs of passed scenarios "
      + "too (traces and ShiViz logs are always kept)")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    List<Scenario> chosen;
    try {
      chosen = Scenarios.select(scenarios);
    } catch (IllegalArgumentException e) {
      System.err.println("raftkv demo: " + e.getMessage());
      return 2;
    }
    // The kvslib's session start and stop lines would only interleave with the narration.
    System.setProperty("org.slf4j.simpleLogger.log.io.raftkv.client", "warn");
    List<ScenarioReport> reports = new DemoRunner(dir, keep, System.getProperty("java.class.path"),
        System.out).run(chosen);
    return reports.stream().allMatch(ScenarioReport::passed) ? 0 : 1;
  }
}
