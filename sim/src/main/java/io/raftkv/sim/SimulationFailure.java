package io.raftkv.sim;

/**
 * A simulated run broke a safety invariant or missed a liveness bound. The message names the rule,
 * the seed, the command that replays the run, and the last events before the failure.
 */
public final class SimulationFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient SimConfig config;

  SimulationFailure(SimConfig config, String problem, String recentEvents, Throwable cause) {
    super(problem + "\n  seed " + config.seed() + ", " + config.nodes() + " nodes, profile "
        + config.profile().name() + "\n  replay: " + config.replayCommand()
        + "\n  last events:\n" + recentEvents, cause);
    this.config = config;
  }

  public SimConfig config() {
    return config;
  }
}
