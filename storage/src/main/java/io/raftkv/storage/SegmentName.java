package io.raftkv.storage;

/**
 * Segment file names: {@code <seq>-<firstIndex>.wal}, both as 16 hex digits so names sort in log
 * order. The sequence number exposes a missing file between two present ones; the first index lets
 * segments below a snapshot be released without opening them.
 */
record SegmentName(long seq, long firstIndex) {
  static final String SUFFIX = ".wal";

  String fileName() {
    return String.format("%016x-%016x%s", seq, firstIndex, SUFFIX);
  }

  /** Parses a segment file name, or returns null if {@code name} is not one. */
  static SegmentName parse(String name) {
    if (name.length() != 33 + SUFFIX.length() || !name.endsWith(SUFFIX) || name.charAt(16) != '-') {
      return null;
    }
    try {
      return new SegmentName(
          Long.parseUnsignedLong(name.substring(0, 16), 16),
          Long.parseUnsignedLong(name.substring(17, 33), 16));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
