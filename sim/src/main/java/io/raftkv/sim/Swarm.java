package io.raftkv.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongFunction;

/**
 * Runs many seeds, each an independent simulation, on a pool of threads. Runs share nothing, so
 * parallelism does not affect any run's outcome.
 */
public final class Swarm {
  /** The outcome of a batch of seeds. */
  public record Summary(int runs, long steps, long simulatedMillis, long wallNanos,
      List<SimulationFailure> failures, long leaders, long[] faults) {

    /** Simulated events processed per second of wall time, across all threads. */
    public double stepsPerSecond() {
      return steps / (wallNanos / 1e9);
    }

    @Override
    public String toString() {
      return String.format("%d runs, %d failed, %d steps, %.1f simulated hours, %.1f s wall, "
              + "%.0f steps/s; %d leaders elected, %d crashes, %d fsync failures, "
              + "%d corrupted logs refused, %d snapshots installed, %d client ops linearizable, "
              + "%d disks wiped, %d acknowledged tails lost, %d rejoins; membership changes: "
              + "%d committed, %d by a leader leaving, %d refused",
          runs, failures.size(), steps, simulatedMillis / 3.6e6, wallNanos / 1e9,
          stepsPerSecond(), leaders, faults[0], faults[1], faults[2], faults[3], faults[4],
          faults[5], faults[6], faults[7], faults[8], faults[9], faults[10]);
    }
  }

  private Swarm() {}

  /** Runs seeds {@code first .. first+count-1}, each with the config {@code configFor} gives it. */
  public static Summary run(long first, int count, int threads, LongFunction<SimConfig> configFor) {
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<SimResult>> futures = new ArrayList<>();
      List<SimConfig> configs = new ArrayList<>();
      for (long s = first; s < first + count; s++) {
        SimConfig cfg = configFor.apply(s);
        configs.add(cfg);
        futures.add(pool.submit(() -> new Simulation(cfg, null).run()));
      }
      int at = 0;
      long steps = 0;
      long simMillis = 0;
      long leaders = 0;
      long[] faults = new long[Simulation.COUNTS];
      List<SimulationFailure> failures = new ArrayList<>();
      for (Future<SimResult> f : futures) {
        SimConfig cfg = configs.get(at++);
        try {
          SimResult r = f.get();
          steps += r.steps();
          simMillis += r.simulatedMillis();
          leaders += r.leaders();
          for (int i = 0; i < faults.length; i++) {
            faults[i] += r.faults()[i];
          }
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof SimulationFailure sf) {
            failures.add(sf);
          } else {
            throw new IllegalStateException("the simulation of seed " + cfg.seed() + " crashed"
                + " (not a checked failure: a harness or core error): " + e.getCause()
                + "; config " + cfg, e.getCause());
          }
        }
      }
      return new Summary(count, steps, simMillis, System.nanoTime() - start, failures, leaders,
          faults);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
