package io.raftkv.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.InjectedBug;
import java.util.Set;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * The membership checks bite: with a rule of the core switched off by hand ({@link InjectedBug}),
 * seeds of the membership-churn swarm must fail. Deterministic: the same seeds always fail the same
 * way. Raise the seed counts with {@code -Dsim.mutantSeeds=N}.
 */
class MembershipMutantTest {
  /** Overrides every mutant's seed count (to measure catch rates), if set. */
  private static final Integer SEEDS = Integer.getInteger("sim.mutantSeeds");

  @Test
  void when_a_leader_changes_membership_before_committing_in_its_term_then_the_swarm_catches_it() {
    // Ongaro's counter-example needs two leader changes around an uncommitted change
    // (OngaroScenario): a longer chaos phase gives it time to play out.
    assertCaught(InjectedBug.CHANGE_BEFORE_TERM_COMMIT, 40,
        seed -> SimConfig.forChurnSeed(seed).withChaosMillis(3_000), 2);
  }

  @Test
  void when_learners_are_counted_as_voters_then_the_swarm_catches_it() {
    assertCaught(InjectedBug.LEARNERS_COUNTED, 30, SimConfig::forChurnSeed, 5);
  }

  @Test
  void when_a_removed_leader_keeps_leading_then_the_swarm_catches_it() {
    assertCaught(InjectedBug.REMOVED_LEADER_KEEPS_LEADING, 40, SimConfig::forChurnSeed, 3);
  }

  private static void assertCaught(InjectedBug bug, int defaultSeeds,
      LongFunction<SimConfig> configFor, int atLeast) {
    int seeds = SEEDS != null ? SEEDS : defaultSeeds;
    int caught = 0;
    StringBuilder how = new StringBuilder();
    long start = System.nanoTime();
    for (long seed = 1; seed <= seeds; seed++) {
      SimConfig cfg = configFor.apply(seed);
      try {
        new Simulation(cfg, null).withInjectedBugs(Set.of(bug)).run();
      } catch (SimulationFailure e) {
        caught++;
        if (caught <= 3) {
          how.append("\n  seed ").append(seed).append(": ")
              .append(e.getMessage().lines().findFirst().orElse(""))
              .append("\n    replay: ").append(cfg.replayCommand());
        }
      }
    }
    System.out.printf("%s mutant: caught by %d of %d seeds in %.1f s%s%n", bug, caught, seeds,
        (System.nanoTime() - start) / 1e9, how);
    assertTrue(caught >= atLeast, bug + " mutant caught by only " + caught + " of " + seeds
        + " seeds" + how);
  }
}
