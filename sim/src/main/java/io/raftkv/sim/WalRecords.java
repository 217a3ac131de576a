package io.raftkv.sim;

import io.raftkv.storage.disk.SimulatedDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the records in a simulated node's log segments, so the nemesis can damage one in the
 * middle. Reads the documented on-disk layout (storage/README.md): a 32-byte segment header, then
 * records of {@code length u32, crc u32, index u64, term u64, type u8, data}.
 */
final class WalRecords {
  private static final int SEGMENT_HEADER_BYTES = 32;
  static final int FRAME_HEADER_BYTES = 8;

  private WalRecords() {}

  /** Segment file names in log order. */
  static List<String> segments(SimulatedDisk disk, Path dir) {
    try {
      if (!disk.exists(dir)) {
        return List.of(); // a wiped node that has not started again
      }
      return disk.list(dir).stream().filter(n -> n.endsWith(".wal")).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The size of the segment that holds {@code record} (as {@link #list} gives it). */
  static long size(SimulatedDisk disk, Path dir, long[] record) {
    try {
      return disk.contents(dir.resolve(segments(disk, dir).get((int) record[0]))).length;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String segmentName(SimulatedDisk disk, Path dir, int segment) {
    return segments(disk, dir).get(segment);
  }

  /**
   * Every complete record with an index above {@code aboveIndex}, in log order, as {segment
   * number, offset of its bytes, length of its bytes, its entry's index}.
   */
  static List<long[]> list(SimulatedDisk disk, Path dir, long aboveIndex) {
    List<long[]> out = new ArrayList<>();
    List<String> names = segments(disk, dir);
    for (int s = 0; s < names.size(); s++) {
      byte[] bytes;
      try {
        bytes = disk.contents(dir.resolve(names.get(s)));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      ByteBuffer b = ByteBuffer.wrap(bytes);
      int pos = SEGMENT_HEADER_BYTES;
      while (pos + FRAME_HEADER_BYTES + 8 <= bytes.length) {
        int length = b.getInt(pos);
        int total = FRAME_HEADER_BYTES + length;
        if (length <= 0 || pos + total > bytes.length) {
          break;
        }
        long index = b.getLong(pos + FRAME_HEADER_BYTES);
        if (index > aboveIndex) {
          out.add(new long[] {s, pos, total, index});
        }
        pos += total;
      }
    }
    return out;
  }
}
