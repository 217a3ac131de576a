package io.raftkv.storage;

import io.raftkv.storage.disk.DiskFile;
import java.util.Arrays;

/**
 * One log segment in memory: its file (kept open until the segment is released, so a sync in
 * flight never finds it closed), its first index and where each record starts.
 */
final class Segment {
  final long seq;
  final long firstIndex;
  final DiskFile file;
  /** Chain value in this segment's header: the previous segment's last checksum. */
  final int headerChain;
  // Record start offsets, one per entry from firstIndex on. Ints are enough because a segment is
  // smaller than 2 GiB, and they keep the index for a 1 GiB log of small entries in tens of MiB.
  private int[] offsets = new int[64];
  private int count;
  /** Bytes of the segment including those still buffered in the log's write buffer. */
  long sizeBytes;

  Segment(long seq, long firstIndex, DiskFile file, int headerChain, long sizeBytes) {
    this.seq = seq;
    this.firstIndex = firstIndex;
    this.file = file;
    this.headerChain = headerChain;
    this.sizeBytes = sizeBytes;
  }

  void addRecord(int offset) {
    if (count == offsets.length) {
      offsets = Arrays.copyOf(offsets, count * 2);
    }
    offsets[count++] = offset;
  }

  int entryCount() {
    return count;
  }

  /** The last index stored here, or firstIndex - 1 when the segment holds no record. */
  long lastIndex() {
    return firstIndex + count - 1;
  }

  /** Where the record for {@code index} starts. */
  int offsetOf(long index) {
    return offsets[Math.toIntExact(index - firstIndex)];
  }

  /** Forgets the records from {@code index} on (their bytes are truncated by the caller). */
  void dropFrom(long index) {
    count = Math.toIntExact(index - firstIndex);
  }

  String name() {
    return new SegmentName(seq, firstIndex).fileName();
  }
}
