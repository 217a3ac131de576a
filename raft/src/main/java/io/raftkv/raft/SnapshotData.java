package io.raftkv.raft;

import java.io.IOException;
import java.io.InputStream;

/**
 * The state machine's bytes of a {@link Snapshot}, behind a handle the core never opens: it keeps
 * the latest snapshot and passes it on untouched, to the transport in an InstallSnapshot (§7) and
 * to the caller in a {@link Ready}. Where the bytes live is the caller's choice. {@link
 * #of(byte[])} holds them in memory (tests, the simulator, a snapshot just received); the storage
 * module hands out handles that read the node's snapshot file on demand, so a node need not keep a
 * second copy of its whole state in memory only to be able to send it.
 *
 * <p>Contract for implementations:
 *
 * <ul>
 *   <li>{@link #sizeBytes()} never changes;
 *   <li>{@link #open()} may be called any number of times, from any thread (the transport streams
 *       on its own threads); each call returns an independent stream over exactly {@link
 *       #sizeBytes()} bytes from the start;
 *   <li>a stream never hands out bytes other than the ones this handle stands for. If they are no
 *       longer available (the file was replaced by a newer snapshot) or fail a check (damage),
 *       {@link #open()} or a read throws an {@link IOException} (or an unchecked storage error)
 *       that names the problem, at the latest on the read that would otherwise report the end of
 *       the data. So a reader that sees the end (-1) has read exactly the snapshot's bytes.
 * </ul>
 */
public interface SnapshotData {

  /** The number of bytes. */
  long sizeBytes();

  /**
   * A new stream over the bytes, from the first. The caller closes it.
   *
   * @throws IOException if the bytes cannot be read any more (for example the snapshot file was
   *     replaced by a newer snapshot); the message says why
   */
  InputStream open() throws IOException;

  /** All the bytes in a new array (for tests and small snapshots: arrays stop at 2 GiB). */
  default byte[] readAllBytes() throws IOException {
    try (InputStream in = open()) {
      return in.readAllBytes();
    }
  }

  /**
   * Bytes held in memory. The array is not copied: it belongs to the handle from now on and must
   * not be modified.
   */
  static SnapshotData of(byte[] bytes) {
    return new InMemorySnapshotData(bytes);
  }
}
