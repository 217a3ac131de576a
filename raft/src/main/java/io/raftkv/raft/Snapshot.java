package io.raftkv.raft;

import java.util.Objects;

/**
 * A snapshot of the replicated state machine: its coverage and its opaque bytes. The core never
 * looks inside {@code data}; it only keeps the latest snapshot to send to followers that are behind
 * the first retained log entry (§7, InstallSnapshot).
 *
 * @param meta what the snapshot covers
 * @param data the serialized state machine
 */
public record Snapshot(SnapshotMeta meta, byte[] data) {

  public Snapshot {
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(data, "data");
  }

  @Override
  public String toString() {
    return "Snapshot[index=" + meta.index() + " term=" + meta.term() + " bytes=" + data.length + "]";
  }
}
