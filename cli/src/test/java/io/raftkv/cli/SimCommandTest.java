package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SimCommandTest {
  private String runCapturing(int expectedExit, String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      assertEquals(expectedExit, Main.run(args));
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void when_one_seed_is_simulated_then_it_passes_and_prints_its_fingerprint() {
    String out = runCapturing(0, "sim", "--seed", "11", "--chaos-millis", "2000");
    assertTrue(out.contains("PASS seed 11"), out);
    assertTrue(out.contains("fingerprint"), out);
  }

  @Test
  void when_events_are_asked_for_then_every_event_is_printed() {
    String out = runCapturing(0, "sim", "--seed", "2", "--chaos-millis", "500", "--events");
    assertTrue(out.contains("LEADER"), out);
    assertTrue(out.contains("deliver AppendEntries"), out);
  }

  @Test
  void when_a_swarm_runs_then_it_summarises_the_runs() {
    String out = runCapturing(0, "sim", "--seeds", "12", "--chaos-millis", "1000");
    assertTrue(out.contains("12 runs, 0 failed"), out);
  }

  @Test
  void when_an_option_is_bad_then_the_exit_code_says_so() {
    PrintStream oldErr = System.err;
    System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      assertEquals(2, Main.run("sim", "--nodes", "many"));
    } finally {
      System.setErr(oldErr);
    }
  }
}
