package io.raftkv.nemesis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CI mix: a few short runs against 5 real server processes under 12 clients, with every kind
 * of fault, each run checked for linearizability and convergence. A failed run's directory stays
 * under {@code target/nemesis}.
 */
class NemesisTest {

  @Test
  @Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
  void shortRunsAllPass() throws Exception {
    int runs = Integer.getInteger("nemesis.runs", 4);
    long seconds = Long.getLong("nemesis.seconds", 25);
    long seed = Long.getLong("nemesis.seed", 20261123L);
    Nemesis.Totals t = Nemesis.run(new Nemesis.Config(5, 12, 6,
        Duration.ofSeconds(seconds * runs * 2), Duration.ofSeconds(seconds), runs, seed,
        Path.of("target", "nemesis"), false), System.out);
    assertTrue(t.passed(), t.summary() + "\n" + String.join("\n", t.failures()));
    assertTrue(t.faults() > 0 && t.operations() > 0, t.summary());
  }
}
