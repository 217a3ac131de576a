package io.raftkv.cli;

import io.raftkv.sim.FaultProfile;
import io.raftkv.sim.SimConfig;
import io.raftkv.sim.SimResult;
import io.raftkv.sim.Simulation;
import io.raftkv.sim.SimulationFailure;
import io.raftkv.sim.Swarm;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raftkv sim}: runs the seeded cluster simulator. With {@code --seeds N} it runs a swarm of
 * N seeds (a soak); otherwise one seed, optionally printing every event so a failure can be read
 * step by step.
 */
@Command(
    name = "sim", header = "Run the deterministic cluster simulator.",
    mixinStandardHelpOptions = true,
    description = {
        "Run the deterministic cluster simulator: Raft nodes in one process with simulated "
            + "time, a faulty network, crashes and restarts, checking Raft's safety properties "
            + "after every event and liveness once faults heal. The same seed always replays the "
            + "same run."})
final class SimCommand implements Callable<Integer> {
  @Option(names = "--seed", description = "first (or only) seed (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--seeds", description = "run this many seeds from --seed, as a swarm; "
      + "0 runs the single seed with a summary (default: ${DEFAULT-VALUE})")
  int seeds = 0;

  @Option(names = "--nodes", description = "cluster size; default: 3, 5 or 7 by seed")
  Integer nodes;

  @Option(names = "--profile",
      description = "faults: calm, lossy, partitions, crashes, chaos, figure8, each optionally with"
          + " +churn (membership changes), e.g. chaos+churn; default: by seed")
  String profile;

  @Option(names = "--chaos-millis", description = "simulated length of the fault phase, "
      + "in milliseconds; default: by seed")
  Integer chaosMillis;

  @Option(names = "--batch", description = "entries per AppendEntries; default: by seed")
  Integer batch;

  @Option(names = "--inflight", description = "AppendEntries in flight per follower; "
      + "default: by seed")
  Integer inflight;

  @Option(names = "--churn", description = "the membership-churn swarm's config for each seed:"
      + " 3-5 voters, the seed's profile with +churn, a shorter chaos phase (as in SwarmTest)")
  boolean churn;

  @Option(names = "--events", description = "print every event of a single-seed run")
  boolean events;

  @Option(names = "--threads", description = "threads for a swarm (default: cores)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() {
    if (seeds > 0) {
      return swarm();
    }
    SimConfig cfg = configFor(seed);
    System.out.println("simulating seed " + seed + ": " + cfg.nodes() + " nodes, profile "
        + cfg.profile().name() + ", " + cfg.chaosMillis() + " ms of faults");
    try {
      SimResult r = new Simulation(cfg, events ? System.out : null).run();
      System.out.println("PASS " + r);
      System.out.printf("%.0f steps/s%n", r.steps() / (r.wallNanos() / 1e9));
      return 0;
    } catch (SimulationFailure f) {
      System.out.println("FAIL " + f.getMessage());
      return 1;
    }
  }

  private int swarm() {
    System.out.println("simulating " + seeds + " seeds from " + seed + " on " + threads
        + " threads");
    Swarm.Summary s = Swarm.run(seed, seeds, threads, this::configFor);
    System.out.println(s);
    for (SimulationFailure f : s.failures()) {
      System.out.println("FAIL " + f.getMessage().lines().limit(4)
          .reduce((a, b) -> a + "\n" + b).orElse(""));
    }
    return s.failures().isEmpty() ? 0 : 1;
  }

  private SimConfig configFor(long s) {
    SimConfig cfg = churn ? SimConfig.forChurnSeed(s) : SimConfig.forSeed(s);
    if (nodes != null) {
      cfg = cfg.withNodes(nodes);
    }
    if (profile != null) {
      cfg = cfg.withProfile(FaultProfile.named(profile));
    }
    if (chaosMillis != null) {
      cfg = cfg.withChaosMillis(chaosMillis);
    }
    if (batch != null || inflight != null) {
      cfg = cfg.withFlowControl(batch != null ? batch : cfg.entriesPerMessage(),
          inflight != null ? inflight : cfg.inflightMessages());
    }
    return cfg;
  }
}
