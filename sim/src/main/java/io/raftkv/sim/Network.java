package io.raftkv.sim;

import io.raftkv.raft.Snapshot;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.Message;
import io.raftkv.storage.StorageException;
import java.io.IOException;
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

  void send(Message message) {
    Message m = message instanceof InstallSnapshot s ? readSnapshot(s) : message;
    if (m == null) {
      return;
    }
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

  /**
   * Reads a snapshot's bytes where the real transport does, at the sender when it sends: a node's
   * snapshot is a handle to its file on its simulated disk, and the message must carry the bytes,
   * not the handle (the sender may crash or replace the file while it travels). A file a newer
   * snapshot has deleted since the core chose it is a failed send, reported like the transport
   * reports one; the core then sends its newer snapshot.
   */
  private Message readSnapshot(InstallSnapshot s) {
    try {
      byte[] bytes = s.snapshot().data().readAllBytes();
      return new InstallSnapshot(s.from(), s.to(), s.term(),
          new Snapshot(s.snapshot().meta(), bytes));
    } catch (IOException e) {
      sim.record("snapshot " + s.snapshot().meta().index() + " for " + s.to() + " unreadable at "
          + s.from() + ": " + e.getMessage());
      sim.reportSnapshot(s.from(), s.to(), false);
      return null;
    } catch (StorageException e) {
      // Nothing in the simulation damages snapshot files: this is a bug, not a fault.
      throw new InvariantViolation("node " + s.from() + " could not read its snapshot "
          + s.snapshot() + ": " + e.getMessage());
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
