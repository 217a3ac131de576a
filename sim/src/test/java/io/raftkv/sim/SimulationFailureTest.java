package io.raftkv.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SimulationFailureTest {
  @Test
  void when_a_run_fails_then_the_message_names_the_rule_and_the_replay_command() {
    SimConfig cfg = SimConfig.forSeed(42);
    SimulationFailure f = new SimulationFailure(cfg, "§5.2 Election Safety: x", "    1 ms  e\n",
        null);
    assertTrue(f.getMessage().startsWith("§5.2 Election Safety"), f.getMessage());
    assertTrue(f.getMessage().contains("replay: " + cfg.replayCommand()), f.getMessage());
    assertTrue(cfg.replayCommand().startsWith("./raftkv sim --seed 42 "), cfg.replayCommand());
    assertTrue(f.getMessage().contains("1 ms  e"), f.getMessage());
  }

  @Test
  void when_a_replay_command_is_built_then_it_carries_every_setting_of_the_run() {
    SimConfig cfg = SimConfig.forSeed(5).withNodes(4).withProfile(FaultProfile.CHAOS)
        .withChaosMillis(1234).withFlowControl(3, 2);
    assertEquals("./raftkv sim --seed 5 --nodes 4 --profile chaos --chaos-millis 1234"
        + " --batch 3 --inflight 2 --events", cfg.replayCommand());
  }

  @Test
  void when_a_profile_name_is_unknown_then_the_error_lists_the_known_ones() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FaultProfile.named("typhoon"));
    assertTrue(e.getMessage().contains("typhoon") && e.getMessage().contains("figure8"));
  }
}
