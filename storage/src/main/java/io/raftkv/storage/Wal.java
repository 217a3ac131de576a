package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.storage.disk.Disk;
import io.raftkv.storage.disk.DiskFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The segmented write-ahead log of Raft entries. Appends go to an in-memory buffer that {@link
 * #writeOut()} hands to the operating system and {@link #syncUpTo} writes out and syncs; the log
 * remembers how far it is durable, so a batch costs one fdatasync and an already durable index
 * none.
 *
 * <p>Every change to the set of segment files (a new segment, a truncation, a release) is made
 * durable on the spot, in an order that leaves a consistent log after a crash at any point. These
 * happen once per segment or on a leader change, so their extra syncs cost nothing measurable.
 *
 * <p>All methods are synchronized; an I/O error puts the storage into its failed state.
 */
final class Wal {
  private static final int WRITE_BUFFER_BYTES = 1 << 20;

  private final Disk disk;
  private final Path dir;
  private final int seed;
  private final StorageOptions options;
  private final Failure failure;
  /** Ascending by index; the last is the active one. Never empty. */
  private final List<Segment> segments;
  private long nextIndex;
  /** Checksum of the last record, or the active segment's header chain if it has none. */
  private int lastCrc;
  /** Records appended to the active segment but not yet written to its file. */
  private ByteBuffer buffer = ByteBuffer.allocate(WRITE_BUFFER_BYTES);
  /**
   * The last index known durable: synced since it was written (recovery syncs what it read), and
   * lowered by every truncation or reset, since entries written at those indexes later are not.
   */
  private long durableIndex;

  Wal(Disk disk, Path dir, int seed, StorageOptions options, Failure failure, List<Segment> segments,
      int lastCrc) {
    this.disk = disk;
    this.dir = dir;
    this.seed = seed;
    this.options = options;
    this.failure = failure;
    this.segments = new ArrayList<>(segments);
    Segment active = active();
    this.nextIndex = active.lastIndex() + 1;
    this.durableIndex = nextIndex - 1;
    this.lastCrc = lastCrc;
  }

  /** Creates a new segment file durably (file and directory entry) and opens it. */
  static Segment createSegment(Disk disk, Path dir, int seed, long seq, long firstIndex, int chain)
      throws IOException {
    Path path = dir.resolve(new SegmentName(seq, firstIndex).fileName());
    DiskFile file = disk.create(path);
    file.append(new SegmentHeader(seq, firstIndex, chain).encode(seed));
    file.sync();
    disk.syncDirectory(dir);
    return new Segment(seq, firstIndex, file, chain, SegmentHeader.BYTES);
  }

  synchronized long firstIndex() {
    return segments.get(0).firstIndex;
  }

  synchronized long lastIndex() {
    return nextIndex - 1;
  }

  /** Names of the segment files, oldest first (for tests and tools). */
  synchronized List<String> segmentNames() {
    List<String> names = new ArrayList<>();
    segments.forEach(s -> names.add(s.name()));
    return names;
  }

  /**
   * Appends entries that are ascending and contiguous. If the first is at or below the last stored
   * index, the stored suffix from there is truncated first (Raft's conflicting-suffix rule).
   */
  synchronized void append(List<Entry> entries) {
    failure.check();
    if (entries.isEmpty()) {
      return;
    }
    long first = entries.get(0).index();
    if (first > nextIndex) {
      throw new IllegalArgumentException(
          "entries start at " + first + " but the log ends at " + (nextIndex - 1) + ": a gap");
    }
    if (first < firstIndex()) {
      throw new IllegalArgumentException(
          "entries start at " + first + ", below the log's first index " + firstIndex());
    }
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).index() != first + i) {
        throw new IllegalArgumentException("entries are not contiguous at " + entries.get(i));
      }
      checkSize(entries.get(i));
    }
    try {
      if (first < nextIndex) {
        truncateFrom(first);
      }
      for (Entry e : entries) {
        appendOne(e);
      }
    } catch (IOException e) {
      throw failure.fail("appending to the log in " + dir, e);
    }
  }

  /** Rejects an oversized entry before anything is written, so a batch is never half applied. */
  private void checkSize(Entry e) {
    if (e.data().length > options.maxEntryBytes()) {
      throw new IllegalArgumentException(
          "entry " + e.index() + " has " + e.data().length + " bytes, above maxEntryBytes");
    }
  }

  private void appendOne(Entry e) throws IOException {
    int recordBytes = RecordCodec.recordBytes(e);
    Segment active = active();
    if (active.entryCount() > 0 && active.sizeBytes + recordBytes > options.segmentSizeBytes()) {
      active = roll();
    }
    if (buffer.remaining() < recordBytes) {
      flush();
      if (buffer.capacity() < recordBytes) {
        buffer = ByteBuffer.allocate(recordBytes);
      }
    }
    active.addRecord(Math.toIntExact(active.sizeBytes));
    lastCrc = RecordCodec.encode(e, lastCrc, buffer);
    active.sizeBytes += recordBytes;
    nextIndex++;
  }

  /**
   * Closes the active segment and starts the next. The old one is synced first so that only the
   * last segment can ever hold a torn record, which is what lets recovery treat damage in any
   * earlier segment as corruption rather than a crash.
   */
  private Segment roll() throws IOException {
    flush();
    Segment old = active();
    old.file.sync();
    Segment next = createSegment(disk, dir, seed, old.seq + 1, nextIndex, lastCrc);
    segments.add(next);
    return next;
  }

  private void flush() throws IOException {
    if (buffer.position() == 0) {
      return;
    }
    Segment active = active();
    long at = active.sizeBytes - buffer.position();
    buffer.flip();
    active.file.write(at, buffer);
    buffer.clear();
  }

  /**
   * Hands buffered records to the operating system without syncing, so they survive a process
   * crash (though not a power loss) even when the caller asked for no sync.
   */
  synchronized void writeOut() {
    failure.check();
    try {
      flush();
    } catch (IOException e) {
      throw failure.fail("writing the log in " + dir, e);
    }
  }

  /**
   * Makes the log durable up to {@code index}: unless it already is, writes the buffered records
   * out and syncs the active segment (earlier segments were synced when the next one started).
   */
  synchronized void syncUpTo(long index) {
    failure.check();
    if (durableIndex >= index) {
      return;
    }
    try {
      flush();
    } catch (IOException e) {
      throw failure.fail("writing the log in " + dir, e);
    }
    DiskFile file = active().file;
    try {
      file.sync();
    } catch (IOException e) {
      throw failure.fail("fdatasync of " + file.path(), e);
    }
    durableIndex = nextIndex - 1;
  }

  /**
   * Removes the entries from {@code index} on, durably, before anything new is written: later
   * segments are deleted (newest first, the directory synced after each) and then the segment
   * holding {@code index} is cut and synced. Any crash in between leaves a shorter but consistent
   * log; the reverse order could leave a cut segment followed by a stale one, which recovery would
   * rightly call a gap.
   */
  private void truncateFrom(long index) throws IOException {
    flush();
    int k = segments.size() - 1;
    while (segments.get(k).firstIndex > index) {
      k--;
    }
    while (segments.size() - 1 > k) {
      Segment dropped = segments.remove(segments.size() - 1);
      dropped.file.close();
      disk.delete(dir.resolve(dropped.name()));
      disk.syncDirectory(dir);
    }
    Segment seg = segments.get(k);
    long cutAt = index == seg.firstIndex ? SegmentHeader.BYTES : seg.offsetOf(index);
    lastCrc = index == seg.firstIndex ? seg.headerChain : readCrc(seg, seg.offsetOf(index - 1));
    seg.dropFrom(index);
    seg.file.truncate(cutAt);
    seg.sizeBytes = cutAt;
    seg.file.sync();
    nextIndex = index;
    durableIndex = Math.min(durableIndex, index - 1);
  }

  private static int readCrc(Segment seg, int recordOffset) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4);
    readFully(seg.file, recordOffset + 4L, b);
    return b.getInt(0);
  }

  private static void readFully(DiskFile file, long position, ByteBuffer dst) throws IOException {
    long at = position;
    while (dst.hasRemaining()) {
      int n = file.read(at, dst);
      if (n < 0) {
        throw new IOException("unexpected end of " + file.path() + " at " + at);
      }
      at += n;
    }
  }

  /**
   * The term of the entry at {@code index}, or -1 if the log does not hold it. Used to decide
   * whether a snapshot continues this log or replaces it (Raft §7).
   */
  synchronized long termAt(long index) {
    failure.check();
    if (index < firstIndex() || index >= nextIndex) {
      return -1;
    }
    try {
      flush();
      Segment seg = segments.get(0);
      for (Segment s : segments) {
        if (s.firstIndex <= index) {
          seg = s;
        }
      }
      ByteBuffer b = ByteBuffer.allocate(8);
      readFully(seg.file, seg.offsetOf(index) + (long) RecordCodec.FRAME_HEADER_BYTES + 8, b);
      return b.getLong(0);
    } catch (IOException e) {
      throw failure.fail("reading the log in " + dir, e);
    }
  }

  /**
   * Deletes the segments whose every entry is at or below {@code index} (never the active one),
   * oldest first and with a directory sync after each, so a crash midway leaves a contiguous log.
   * Call only once a snapshot covering {@code index} is durable.
   */
  synchronized void releaseUpTo(long index) {
    failure.check();
    try {
      while (segments.size() > 1 && segments.get(1).firstIndex - 1 <= index) {
        Segment released = segments.remove(0);
        released.file.close();
        disk.delete(dir.resolve(released.name()));
        disk.syncDirectory(dir);
      }
    } catch (IOException e) {
      throw failure.fail("releasing log segments in " + dir, e);
    }
  }

  /**
   * Discards the whole log and starts an empty one whose next index is {@code next}, for a snapshot
   * that replaces the log (Raft §7). Segments are deleted newest first so that a crash midway
   * leaves a prefix of the old log, which recovery reconciles with the snapshot the same way.
   */
  synchronized void reset(long next) {
    failure.check();
    try {
      buffer.clear();
      long seq = active().seq;
      while (!segments.isEmpty()) {
        Segment dropped = segments.remove(segments.size() - 1);
        dropped.file.close();
        disk.delete(dir.resolve(dropped.name()));
        disk.syncDirectory(dir);
      }
      segments.add(createSegment(disk, dir, seed, seq + 1, next, lastCrc));
      lastCrc = active().headerChain;
      nextIndex = next;
      durableIndex = Math.min(durableIndex, next - 1);
    } catch (IOException e) {
      throw failure.fail("resetting the log in " + dir, e);
    }
  }

  /** Closes the segment files. Buffered records not yet written out are dropped, as in a crash. */
  synchronized void close() throws IOException {
    for (Segment s : segments) {
      s.file.close();
    }
  }

  private Segment active() {
    return segments.get(segments.size() - 1);
  }
}
