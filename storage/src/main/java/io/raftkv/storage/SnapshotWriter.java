package io.raftkv.storage;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a snapshot's data to the stream the storage hands it (for example {@code
 * kv::snapshot}): exactly the number of bytes declared to {@link RaftStorage#compact(
 * io.raftkv.raft.SnapshotMeta, long, SnapshotWriter)}, without closing the stream.
 */
@FunctionalInterface
public interface SnapshotWriter {
  void writeTo(OutputStream out) throws IOException;
}
