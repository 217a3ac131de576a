package io.raftkv.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Choosing scenarios from the command line. */
class ScenariosTest {
  static List<String> ids(List<Scenario> s) {
    return s.stream().map(Scenario::id).toList();
  }

  static final List<String> ALL = List.of("1", "2", "3", "4", "5", "6", "6-followers", "7", "8",
      "9", "9-followers");

  @Test
  void all_and_nothing_mean_the_nine_in_the_seeds_order_with_both_variants_of_6_and_9() {
    assertEquals(ALL, ids(Scenarios.select(List.of("all"))));
    assertEquals(ALL, ids(Scenarios.select(List.of())));
  }

  @Test
  void numbers_pick_those_scenarios_once_in_order() {
    assertEquals(List.of("4", "6", "6-followers", "9", "9-followers"),
        ids(Scenarios.select(List.of("9", "4,6", "6"))));
  }

  @Test
  void the_command_refuses_a_bad_scenario_with_exit_code_2_before_starting_anything() {
    assertEquals(2, new picocli.CommandLine(new DemoCommand()).execute("0", "--dir",
        "target/never-created"));
    assertTrue(!java.nio.file.Files.exists(java.nio.file.Path.of("target/never-created")));
  }

  @Test
  void a_bad_scenario_is_refused_naming_it() {
    var e = assertThrows(IllegalArgumentException.class, () -> Scenarios.select(List.of("10")));
    assertTrue(e.getMessage().contains("10"), e.getMessage());
    var f = assertThrows(IllegalArgumentException.class, () -> Scenarios.select(List.of("x")));
    assertTrue(f.getMessage().contains("'x'"), f.getMessage());
  }
}
