package io.raftkv.raft;

import java.util.Objects;

/**
 * A snapshot of the replicated state machine: what it covers and a handle to its opaque bytes. The
 * core never reads {@code data}; it keeps the latest snapshot only to hand it on, in an
 * InstallSnapshot to a follower behind the first retained log entry (§7) and in a {@link Ready}.
 *
 * @param meta what the snapshot covers
 * @param data the serialized state machine, in memory or wherever the caller keeps it
 */
public record Snapshot(SnapshotMeta meta, SnapshotData data) {

  public Snapshot {
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(data, "data");
  }

  /** A snapshot whose bytes are held in memory ({@link SnapshotData#of(byte[])}). */
  public Snapshot(SnapshotMeta meta, byte[] data) {
    this(meta, SnapshotData.of(data));
  }

  @Override
  public String toString() {
    return "Snapshot[index=" + meta.index() + " term=" + meta.term() + " bytes=" + data.sizeBytes()
        + "]";
  }
}
