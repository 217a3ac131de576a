package io.raftkv.cli.demo;

/** One of the seed report's nine demo scenarios, run on its own cluster and trace directory. */
interface Scenario {
  /** 1..9, as the seed numbers them. */
  int number();

  /**
   * The name of its run: its number, with a suffix for a variant ({@code 6-follower}); names the
   * run's directory {@code scenario-<id>} and ShiViz log {@code scenario-<id>.shiviz.log}.
   */
  default String id() {
    return String.valueOf(number());
  }

  /** The seed's title for it. */
  String title();

  /**
   * Runs it: starts servers and clients through {@code run}, narrates, and records a verdict per
   * expected outcome the seed states. May throw {@link DemoFailure} when something it waits for
   * does not happen; the runner records that as a failed verdict.
   */
  void run(ScenarioRun run) throws Exception;
}
