package io.raftkv.server.transport;

import com.google.protobuf.ByteString;
import io.raftkv.raft.SnapshotData;
import java.io.InputStream;

/**
 * A snapshot as it arrived: the received chunks joined without copying (a {@link ByteString}
 * rope). It lives until the node has stored the snapshot; the node then gives the Raft core the
 * stored file instead ({@code RaftNode.snapshotStored}) and this is freed.
 */
final class ReceivedSnapshotData implements SnapshotData {
  private final ByteString bytes;

  ReceivedSnapshotData(ByteString bytes) {
    this.bytes = bytes;
  }

  @Override
  public long sizeBytes() {
    return bytes.size();
  }

  @Override
  public InputStream open() {
    return bytes.newInput();
  }

  @Override
  public String toString() {
    return bytes.size() + " bytes received";
  }
}
