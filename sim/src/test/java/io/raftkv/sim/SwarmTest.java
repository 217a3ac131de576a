package io.raftkv.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/**
 * The seeded simulation swarm. Raise the seed counts for a longer run with {@code -Dsim.seeds=N}
 * and {@code -Dsim.figure8Seeds=N}, or use {@code ./raftkv sim --seeds N}.
 */
class SwarmTest {
  private static final int SEEDS = Integer.getInteger("sim.seeds", 2000);
  private static final int FIGURE8_SEEDS = Integer.getInteger("sim.figure8Seeds", 400);
  private static final int CHURN_SEEDS = Integer.getInteger("sim.churnSeeds", 1000);
  private static final int THREADS = Runtime.getRuntime().availableProcessors();

  @Test
  void when_many_seeds_run_under_all_fault_mixes_and_sizes_then_every_invariant_and_bound_holds() {
    Swarm.Summary s = Swarm.run(1, SEEDS, THREADS, SimConfig::forSeed);
    assertNoFailures(s);
    // A swarm that injected nothing would prove nothing: every kind of fault must have happened.
    String[] kinds = {"crashes", "fsync failures", "corrupted logs refused", "snapshots installed",
        "client operations", "disks wiped", "acknowledged tails lost", "rejoins"};
    for (int i = 0; i < kinds.length; i++) {
      assertTrue(s.faults()[i] > 0, "the swarm exercised no " + kinds[i] + ": " + s);
    }
    assertTrue(s.leaders() > SEEDS, "too few elections to mean anything: " + s);
  }

  @Test
  void when_the_membership_changes_under_every_fault_mix_then_every_invariant_and_bound_holds() {
    Swarm.Summary s = Swarm.run(1, CHURN_SEEDS, THREADS, SimConfig::forChurnSeed);
    assertNoFailures(s);
    long[] f = s.faults();
    assertTrue(f[Simulation.CHURN_COMMITTED] > CHURN_SEEDS, "too few changes committed: " + s);
    assertTrue(f[Simulation.CHURN_LEADER_LEFT] > 0, "no leader removed or demoted itself: " + s);
    assertTrue(f[Simulation.CHURN_REFUSED] > 0, "no change was refused: " + s);
  }

  @Test
  void when_leaders_are_crashed_right_after_election_then_no_old_term_entry_is_lost() {
    // The paper's Figure 8 situation, many times over: short-lived leaders of 3-node clusters.
    assertNoFailures(Swarm.run(1_000_001, FIGURE8_SEEDS, THREADS, seed -> SimConfig.forSeed(seed)
        .withNodes(3).withProfile(FaultProfile.FIGURE8).withChaosMillis(20_000)));
  }

  @Test
  void when_the_same_seed_runs_twice_then_the_event_histories_are_identical() {
    for (long seed : new long[] {7, 14, 29, 33}) {
      SimResult a = new Simulation(SimConfig.forSeed(seed), null).run();
      SimResult b = new Simulation(SimConfig.forSeed(seed), null).run();
      assertEquals(a.fingerprint(), b.fingerprint(), "seed " + seed);
      assertEquals(a.steps(), b.steps(), "seed " + seed);
      assertTrue(a.committed() > 0, "seed " + seed + " committed nothing");
    }
  }

  @Test
  void when_seeds_differ_then_the_runs_differ() {
    SimResult a = new Simulation(SimConfig.forSeed(3), null).run();
    SimResult b = new Simulation(SimConfig.forSeed(3).withChaosMillis(9_000), null).run();
    SimResult c = new Simulation(SimConfig.forSeed(6).withProfile(SimConfig.forSeed(3).profile()),
        null).run();
    assertNotEquals(a.fingerprint(), b.fingerprint());
    assertNotEquals(a.fingerprint(), c.fingerprint());
  }

  /**
   * The hand-made bug of issue 12.A: a node that lost its data directory, or a record it had
   * acknowledged, votes and counts toward quorums at once, as before rejoining existed. The swarm's
   * checks (Leader Completeness, State Machine Safety, one vote per term, linearizability) must
   * catch it. Deterministic: the same seeds always fail the same way.
   */
  @Test
  void when_a_node_that_lost_state_votes_at_once_then_the_swarm_catches_it() {
    int seeds = 300;
    int caught = 0;
    StringBuilder how = new StringBuilder();
    for (long seed = 1; seed <= seeds; seed++) {
      SimConfig cfg = SimConfig.forSeed(seed).withNodes(3).withProfile(FaultProfile.CRASHES);
      try {
        new Simulation(cfg, null).withRejoiningIgnored().run();
      } catch (SimulationFailure e) {
        caught++;
        if (caught <= 3) {
          how.append("\n  seed ").append(seed).append(": ")
              .append(e.getMessage().lines().findFirst().orElse(""));
        }
      }
    }
    System.out.println("lost-state-votes-at-once mutant: caught by " + caught + " of " + seeds
        + " seeds" + how);
    assertTrue(caught >= 10, "the swarm caught the lost-state mutant in only " + caught + " of "
        + seeds + " seeds" + how);
  }

  private static void assertNoFailures(Swarm.Summary s) {
    System.out.println("swarm: " + s);
    if (!s.failures().isEmpty()) {
      fail(s.failures().size() + " of " + s.runs() + " seeds failed; first failure:\n"
          + s.failures().get(0).getMessage() + "\nall failures:\n" + String.join("\n",
          s.failures().stream().map(f -> f.getMessage().lines().limit(3)
              .reduce((a, b) -> a + " | " + b).orElse("")).toList()));
    }
  }
}
