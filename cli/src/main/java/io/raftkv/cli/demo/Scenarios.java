package io.raftkv.cli.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * The nine scenarios of the seed report's Demo section, in its order; 6 and 9 each in two
 * variants (a failing leader, failing followers), each variant its own run.
 */
final class Scenarios {
  private Scenarios() {}

  static List<Scenario> all() {
    return List.of(new S1LeaderElection(), new S2PutThenGet(), new S3GetThenPut(),
        new S4AsyncOrder(), new S5Reelection(),
        new S6MidRequestFailure(false, S6MidRequestFailure.Victims.LEADER),
        new S6MidRequestFailure(false, S6MidRequestFailure.Victims.FOLLOWERS),
        new S7StateSync(false), new S7StateSync(true),
        new S6MidRequestFailure(true, S6MidRequestFailure.Victims.LEADER),
        new S6MidRequestFailure(true, S6MidRequestFailure.Victims.FOLLOWERS));
  }

  /**
   * The scenario runs the arguments name: numbers 1..9 or {@code all} (also comma-separated), in
   * the seed's order, each once (6 and 9 with both variants).
   *
   * @throws IllegalArgumentException naming a bad argument
   */
  static List<Scenario> select(List<String> args) {
    boolean[] chosen = new boolean[10];
    for (String arg : args.isEmpty() ? List.of("all") : args) {
      for (String part : arg.split(",")) {
        String p = part.trim();
        if (p.equalsIgnoreCase("all")) {
          for (int i = 1; i <= 9; i++) {
            chosen[i] = true;
          }
          continue;
        }
        int n;
        try {
          n = Integer.parseInt(p);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("not a scenario: '" + p + "' (use 1..9 or all)");
        }
        if (n < 1 || n > 9) {
          throw new IllegalArgumentException("no scenario " + n + " (the seed has 1..9)");
        }
        chosen[n] = true;
      }
    }
    List<Scenario> out = new ArrayList<>();
    for (Scenario s : all()) {
      if (chosen[s.number()]) {
        out.add(s);
      }
    }
    return out;
  }
}
