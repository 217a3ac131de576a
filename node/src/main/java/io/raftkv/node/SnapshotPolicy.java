package io.raftkv.node;

/**
 * When a node snapshots its state machine and how much log it keeps after: the core holds its
 * log in memory until a snapshot compacts it (§7).
 *
 * @param snapshotEntries snapshot after this many entries were applied since the last one
 * @param snapshotBytes   or after this many bytes of entries, however few: 10,000 entries of
 *                        1 MiB values would be 10 GiB of log
 * @param keepTailBytes   keep at most about this many bytes of entries (by their average size)
 *                        after a snapshot, and at most half of {@code snapshotEntries} and 10,000
 *                        entries: a follower a little behind then catches up by log, not by a
 *                        whole snapshot
 */
public record SnapshotPolicy(long snapshotEntries, long snapshotBytes, long keepTailBytes) {

  /** 64 MiB of applied entries trigger a snapshot at the latest; about 16 MiB of tail is kept. */
  public static SnapshotPolicy ofEntries(long snapshotEntries) {
    return new SnapshotPolicy(snapshotEntries, 64L << 20, 16L << 20);
  }

  public SnapshotPolicy {
    if (snapshotEntries < 1 || snapshotBytes < 1 || keepTailBytes < 0) {
      throw new IllegalArgumentException("snapshotEntries and snapshotBytes must be >= 1 and"
          + " keepTailBytes >= 0: " + snapshotEntries + ", " + snapshotBytes + ", "
          + keepTailBytes);
    }
  }

  /** Whether a snapshot is due after {@code entries} entries of {@code bytes} were applied. */
  boolean due(long entries, long bytes) {
    return entries >= snapshotEntries || bytes >= snapshotBytes;
  }

  /** How many entries to keep below a snapshot taken after {@code entries} of {@code bytes}. */
  long keepEntries(long entries, long bytes) {
    long averageBytes = Math.max(1, bytes / Math.max(1, entries));
    return Math.min(Math.min(snapshotEntries / 2, 10_000), keepTailBytes / averageBytes);
  }
}
