package io.raftkv.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner turns a failed expectation or a scenario that cannot go on into FAIL. */
class DemoRunnerTest {
  @TempDir
  Path tmp;

  /** A scenario that starts no server and records one verdict, or throws. */
  record Fake(boolean passes, boolean stuck) implements Scenario {
    @Override
    public int number() {
      return 3;
    }

    @Override
    public String title() {
      return "fake";
    }

    @Override
    public void run(ScenarioRun run) throws Exception {
      run.verdict("the fake expectation", passes, "");
      if (stuck) {
        throw new DemoFailure("no leader within 0 s");
      }
    }
  }

  List<ScenarioReport> run(Scenario s, ByteArrayOutputStream buf) throws Exception {
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    return new DemoRunner(tmp, false, System.getProperty("java.class.path"), out)
        .run(List.of(s));
  }

  @Test
  void when_an_expectation_fails_then_the_scenario_and_the_summary_say_FAIL() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    List<ScenarioReport> r = run(new Fake(false, false), buf);
    String out = buf.toString(StandardCharsets.UTF_8);
    assertFalse(r.get(0).passed());
    assertTrue(out.contains("FAIL  the fake expectation"), out);
    assertTrue(out.contains("FAIL: 1 of 1 scenario run(s)"), out);
  }

  @Test
  void when_a_scenario_cannot_go_on_then_that_is_a_failed_verdict_naming_why() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    List<ScenarioReport> r = run(new Fake(true, true), buf);
    assertFalse(r.get(0).passed());
    assertTrue(r.get(0).verdicts().stream().anyMatch(v -> !v.passed()
        && v.evidence().contains("no leader within 0 s")), r.get(0).verdicts().toString());
  }

  @Test
  void a_run_without_any_trace_fails_the_trace_check() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    List<ScenarioReport> r = run(new Fake(true, false), buf);
    Verdict last = r.get(0).verdicts().get(r.get(0).verdicts().size() - 1);
    assertEquals("the trace checker finds no violation", last.what());
    assertFalse(last.passed(), buf.toString(StandardCharsets.UTF_8));
  }
}
