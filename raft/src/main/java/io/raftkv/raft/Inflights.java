package io.raftkv.raft;

/**
 * The AppendEntries a leader has sent to one follower in replicate mode and not yet seen
 * acknowledged, bounded in count and bytes (pipelined replication with flow control).
 */
final class Inflights {
  private final long[] lastIndexes;
  private final long[] sizesBytes;
  private final long maxBytes;
  private int start;
  private int count;
  private long bytes;

  Inflights(int maxCount, long maxBytes) {
    this.lastIndexes = new long[maxCount];
    this.sizesBytes = new long[maxCount];
    this.maxBytes = maxBytes;
  }

  void add(long lastIndex, long sizeBytes) {
    RaftSafetyException.check(!full(), "inflight window overflow");
    int slot = (start + count) % lastIndexes.length;
    lastIndexes[slot] = lastIndex;
    sizesBytes[slot] = sizeBytes;
    count++;
    bytes += sizeBytes;
  }

  /** Forgets every message whose last index is at most {@code index}: they are acknowledged. */
  void freeLe(long index) {
    while (count > 0 && lastIndexes[start] <= index) {
      bytes -= sizesBytes[start];
      start = (start + 1) % lastIndexes.length;
      count--;
    }
  }

  /** Frees the oldest slot, so a heartbeat answer can restart a window whose messages were lost. */
  void freeFirst() {
    if (count > 0) {
      freeLe(lastIndexes[start]);
    }
  }

  boolean full() {
    return count == lastIndexes.length || bytes >= maxBytes;
  }

  int count() {
    return count;
  }

  void reset() {
    start = 0;
    count = 0;
    bytes = 0;
  }
}
