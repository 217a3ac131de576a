package io.raftkv.sim;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The simulated replicated state machine: a running hash of every command applied, so that two
 * nodes that applied the same commands in the same order have the same state. Snapshots carry the
 * hash.
 */
final class StateMachine {
  private long appliedIndex;
  private long hash;
  private long commands;

  long appliedIndex() {
    return appliedIndex;
  }

  long hash() {
    return hash;
  }

  void apply(Entry e) {
    if (e.index() != appliedIndex + 1) {
      throw new InvariantViolation("entries applied out of order: " + e.index() + " after "
          + appliedIndex);
    }
    appliedIndex = e.index();
    if (e.type() == EntryType.NORMAL) {
      hash = mix(hash, Arrays.hashCode(e.data()));
      commands++;
    }
  }

  byte[] snapshotData() {
    return ByteBuffer.allocate(24).putLong(appliedIndex).putLong(hash).putLong(commands).array();
  }

  void restore(long index, byte[] data) {
    ByteBuffer b = ByteBuffer.wrap(data);
    long idx = b.getLong();
    if (idx != index) {
      throw new InvariantViolation("snapshot data is for index " + idx + " but claims " + index);
    }
    appliedIndex = idx;
    hash = b.getLong();
    commands = b.getLong();
  }

  static long mix(long h, long v) {
    long x = h * 0x9E3779B97F4A7C15L + v;
    x ^= x >>> 31;
    return x * 0xBF58476D1CE4E5B9L;
  }
}
