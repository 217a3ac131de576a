package io.raftkv.storage;

import java.nio.file.Path;

/**
 * Durable data is damaged or missing in a way a crash cannot explain (a checksum failure before the
 * end of the log, a gap, a missing file). The node must stop: serving from a damaged log could
 * break Raft's guarantees. The message names the file, the offset and the repair.
 */
public final class CorruptStorageException extends StorageException {
  private final Path file;
  private final long offsetBytes;

  public CorruptStorageException(Path file, long offsetBytes, String problem) {
    super(message(file, offsetBytes, problem));
    this.file = file;
    this.offsetBytes = offsetBytes;
  }

  /** The damaged file (or, for a missing file, the file next to the hole). */
  public Path file() {
    return file;
  }

  /** Where in {@link #file()} the damage starts. */
  public long offsetBytes() {
    return offsetBytes;
  }

  private static String message(Path file, long offsetBytes, String problem) {
    Path dir = file.getParent();
    return problem
        + " (file "
        + file
        + ", offset "
        + offsetBytes
        + "). This is damage, not a crash, so the node stops rather than serve wrong data."
        + " Repair: wipe this node's data directory "
        + dir
        + " (keep a copy first if you want to investigate) and restart the node with"
        + " --initial-cluster-state existing: it then rejoins, copying the log from the leader"
        + " before it votes or counts toward a quorum (README, \"Replacing a member's data\")."
        + " Repair one member at a time, and only while the others can elect a leader.";
  }
}
