package io.raftkv.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

class SwarmTest {
  /** Seeds run by {@code mvn verify}; raise with -Dsim.seeds=N for a longer run. */
  private static final int SEEDS = Integer.getInteger("sim.seeds", 1000);

  @Test
  void when_many_seeds_run_under_all_fault_mixes_then_every_invariant_and_bound_holds() {
    Swarm.Summary s = Swarm.run(1, SEEDS, Runtime.getRuntime().availableProcessors(),
        SimConfig::forSeed);
    System.out.println("swarm: " + s);
    if (!s.failures().isEmpty()) {
      StringBuilder sb = new StringBuilder(s.failures().size() + " of " + s.runs()
          + " seeds failed; first failure:\n");
      sb.append(s.failures().get(0).getMessage());
      fail(sb.toString());
    }
    assertEquals(SEEDS, s.runs());
  }

  @Test
  void when_the_same_seed_runs_twice_then_the_event_histories_are_identical() {
    for (long seed : new long[] {7, 14, 29}) {
      SimResult a = new Simulation(SimConfig.forSeed(seed), null).run();
      SimResult b = new Simulation(SimConfig.forSeed(seed), null).run();
      assertEquals(a.fingerprint(), b.fingerprint(), "seed " + seed);
      assertEquals(a.steps(), b.steps(), "seed " + seed);
      assertTrue(a.committed() > 0, "seed " + seed + " committed nothing");
    }
  }
}
