package io.raftkv.storage;

import java.security.SecureRandom;
import java.util.function.LongSupplier;

/**
 * Tuning for {@link RaftStorage}.
 *
 * @param segmentSizeBytes a log segment is closed and a new one started once the next record would
 *     take it past this size (a single larger record gets a segment of its own)
 * @param maxEntryBytes the largest entry payload accepted; recovery treats a record header claiming
 *     more as damage rather than a torn write
 * @param incarnationSource the random number written into a new node directory's identity; it
 *     seeds every checksum, so files from an earlier incarnation of the directory never pass
 * @param joinExisting what an empty directory means (etcd's {@code --initial-cluster-state}):
 *     false, the first start of a member of a new cluster, which votes from the start; true, a
 *     member of an existing cluster whose data was lost (or that never had any), which may have
 *     voted and acknowledged entries before, so it starts rejoining ({@link
 *     io.raftkv.raft.RestoredState#rejoining()}). A directory that holds data ignores it.
 */
public record StorageOptions(
    long segmentSizeBytes, int maxEntryBytes, LongSupplier incarnationSource, boolean joinExisting) {

  /** 64 MiB segments, as etcd uses: few files, and a released segment frees a useful amount. */
  public static final long DEFAULT_SEGMENT_SIZE_BYTES = 64L << 20;

  /** 16 MiB entries at most: far above any sane command, far below what would exhaust memory. */
  public static final int DEFAULT_MAX_ENTRY_BYTES = 16 << 20;

  /** Options for a directory that bootstraps a new cluster when empty. */
  public StorageOptions(long segmentSizeBytes, int maxEntryBytes, LongSupplier incarnationSource) {
    this(segmentSizeBytes, maxEntryBytes, incarnationSource, false);
  }

  public StorageOptions {
    if (segmentSizeBytes < 1024 || segmentSizeBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "segmentSizeBytes must be in [1024, 2^31): " + segmentSizeBytes);
    }
    if (maxEntryBytes < 1 || maxEntryBytes > (1 << 30)) {
      throw new IllegalArgumentException("maxEntryBytes must be in [1, 2^30]: " + maxEntryBytes);
    }
    if (incarnationSource == null) {
      throw new IllegalArgumentException("incarnationSource is required");
    }
  }

  /** The defaults, with a secure random incarnation. */
  public static StorageOptions defaults() {
    SecureRandom random = new SecureRandom();
    return new StorageOptions(DEFAULT_SEGMENT_SIZE_BYTES, DEFAULT_MAX_ENTRY_BYTES, random::nextLong);
  }

  /** These options with another segment size. */
  public StorageOptions withSegmentSizeBytes(long bytes) {
    return new StorageOptions(bytes, maxEntryBytes, incarnationSource, joinExisting);
  }

  /** These options with another incarnation source (simulations pass a seeded one). */
  public StorageOptions withIncarnationSource(LongSupplier source) {
    return new StorageOptions(segmentSizeBytes, maxEntryBytes, source, joinExisting);
  }

  /** These options with {@link #joinExisting} set as given. */
  public StorageOptions withJoinExisting(boolean join) {
    return new StorageOptions(segmentSizeBytes, maxEntryBytes, incarnationSource, join);
  }
}
