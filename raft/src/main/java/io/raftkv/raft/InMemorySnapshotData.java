package io.raftkv.raft;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Objects;

/** {@link SnapshotData} held in one array. */
final class InMemorySnapshotData implements SnapshotData {
  private final byte[] bytes;

  InMemorySnapshotData(byte[] bytes) {
    this.bytes = Objects.requireNonNull(bytes, "bytes");
  }

  @Override
  public long sizeBytes() {
    return bytes.length;
  }

  @Override
  public InputStream open() {
    return new ByteArrayInputStream(bytes);
  }

  @Override
  public byte[] readAllBytes() {
    return bytes.clone();
  }

  @Override
  public String toString() {
    return bytes.length + " bytes in memory";
  }
}
