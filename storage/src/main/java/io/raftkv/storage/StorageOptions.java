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
 */
public record StorageOptions(long segmentSizeBytes, int maxEntryBytes, LongSupplier incarnationSource) {

  /** 64 MiB segments, as etcd uses: few files, and a released segment frees a useful amount. */
  public static final long DEFAULT_SEGMENT_SIZE_BYTES = 64L << 20;

  /** 16 MiB entries at most: far above any sane command, far below what would exhaust memory. */
  public static final int DEFAULT_MAX_ENTRY_BYTES = 16 << 20;

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
    return new StorageOptions(bytes, maxEntryBytes, incarnationSource);
  }

  /** These options with another incarnation source (simulations pass a seeded one). */
  public StorageOptions withIncarnationSource(LongSupplier source) {
    return new StorageOptions(segmentSizeBytes, maxEntryBytes, source);
  }
}
