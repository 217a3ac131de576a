package io.raftkv.sim;

import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.Message;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The simulated network: each message takes a random delay (so messages reorder), may be dropped
 * or duplicated per the fault profile, and is lost if its link is cut when it arrives. Links are
 * directed, so a cut can be one-way (asymmetric partitions).
 */
final class Network {
  private final Simulation sim;
  /** Cut links, encoded as from * 100 + to. */
  private final Set<Integer> cut = new HashSet<>();

  Network(Simulation sim) {
    this.sim = sim;
  }

  void send(Message m) {
    SplittableRandom rng = sim.rng();
    FaultProfile f = sim.faults();
    if (rng.nextDouble() < f.dropRate()) {
      sim.record("drop " + m);
      reportIfSnapshot(m, false);
      return;
    }
    int copies = rng.nextDouble() < f.duplicateRate() ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      sim.at(1 + rng.nextInt(f.maxDelayMillis()), () -> arrive(m));
    }
  }

  private void arrive(Message m) {
    if (cut.contains(m.from() * 100 + m.to())) {
      sim.record("cut " + m);
      reportIfSnapshot(m, false);
      return;
    }
    sim.deliver(m);
    reportIfSnapshot(m, true);
  }

  /**
   * The real transport streams a snapshot and tells the leader how it went; so does this one, at
   * once. (A duplicate delivery reports twice, which the leader must tolerate.)
   */
  private void reportIfSnapshot(Message m, boolean delivered) {
    if (m instanceof InstallSnapshot) {
      sim.reportSnapshot(m.from(), m.to(), delivered);
    }
  }

  /** Stops messages from {@code from} reaching {@code to} (one direction only). */
  void cut(int from, int to) {
    cut.add(from * 100 + to);
  }

  /** Cuts every link between the two groups, both ways. */
  void split(Set<Integer> a, Set<Integer> b) {
    for (int x : a) {
      for (int y : b) {
        cut(x, y);
        cut(y, x);
      }
    }
  }

  void healAll() {
    cut.clear();
  }

  boolean anyCut() {
    return !cut.isEmpty();
  }
}
