package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.storage.disk.Disk;
import io.raftkv.storage.disk.DiskFile;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the log back on start and decides, record by record, between the two things that can be
 * wrong with it:
 *
 * <ul>
 *   <li>a <b>torn tail</b>: the last record of the last segment is incomplete, or is complete but
 *       fails its checksum with nothing after it, or the file ends in zeros. That is what a crash
 *       during an unsynced write leaves. The bytes are cut off, kept aside in a {@code .cut-at-*}
 *       file next to the segment, and a warning says what was cut.
 *   <li><b>damage</b>: anything else - a checksum failure with more data after it or in an earlier
 *       segment, a record claiming an impossible length, an index out of sequence, a missing
 *       segment, a broken chain between segments. Only the last segment can hold unsynced data
 *       (the previous one is synced before a new one is created), so a crash cannot explain these;
 *       recovery stops with a {@link CorruptStorageException} naming file, offset and repair.
 * </ul>
 *
 * <p>Every segment read is synced before it is trusted: after a process kill its tail may still be
 * only in the page cache, and the node must not act on entries a power loss could take away.
 */
final class WalRecovery {
  private static final System.Logger LOG = System.getLogger(WalRecovery.class.getName());

  private final Disk disk;
  private final Path dir;
  private final int seed;
  private final StorageOptions options;
  private final Failure failure;
  /** Why recovery cut a record the node may have acknowledged; null if it cut none. */
  private String cutAcknowledged;

  WalRecovery(Disk disk, Path dir, int seed, StorageOptions options, Failure failure) {
    this.disk = disk;
    this.dir = dir;
    this.seed = seed;
    this.options = options;
    this.failure = failure;
  }

  /**
   * Recovers the log.
   *
   * @param emptyLogFirstIndex the first index to give a new log if no segment exists
   * @param sink receives every recovered entry in order
   */
  Wal recover(long emptyLogFirstIndex, Consumer<Entry> sink) throws IOException {
    List<Segment> segments = new ArrayList<>();
    try {
      return recover(emptyLogFirstIndex, sink, segments);
    } catch (IOException | RuntimeException e) {
      // A node that fails recovery exits, but a caller (a test, a repair tool) may go on: do not
      // leak the segment files opened so far.
      for (Segment s : segments) {
        s.file.close();
      }
      throw e;
    }
  }

  private Wal recover(long emptyLogFirstIndex, Consumer<Entry> sink, List<Segment> segments)
      throws IOException {
    List<SegmentName> names = new ArrayList<>();
    for (String name : disk.list(dir)) {
      SegmentName parsed = SegmentName.parse(name);
      if (parsed != null) {
        names.add(parsed);
      }
    }
    names.sort((a, b) -> Long.compareUnsigned(a.seq(), b.seq()));
    for (int i = 1; i < names.size(); i++) {
      if (names.get(i).seq() != names.get(i - 1).seq() + 1) {
        throw new CorruptStorageException(
            dir.resolve(names.get(i).fileName()),
            0,
            "log segment number " + (names.get(i - 1).seq() + 1) + " is missing: "
                + names.get(i - 1).fileName() + " is followed by " + names.get(i).fileName());
      }
    }
    int chain = 0;
    long expectedIndex = -1;
    for (int i = 0; i < names.size(); i++) {
      SegmentName name = names.get(i);
      boolean last = i == names.size() - 1;
      Path path = dir.resolve(name.fileName());
      if (expectedIndex >= 0 && name.firstIndex() != expectedIndex) {
        throw new CorruptStorageException(path, 0, "gap in the log: the previous segment ends at "
            + (expectedIndex - 1) + " but this one starts at " + name.firstIndex());
      }
      DiskFile file = disk.open(path);
      byte[] bytes = readAll(file);
      if (bytes.length < SegmentHeader.BYTES && last) {
        // A crash right after the file was created: nothing in it was ever acknowledged.
        file.close();
        keepAside(path, bytes, 0, "incomplete segment header");
        disk.delete(path);
        disk.syncDirectory(dir);
        continue;
      }
      SegmentHeader header =
          bytes.length < SegmentHeader.BYTES ? null : SegmentHeader.decode(bytes, seed);
      if (header == null || header.seq() != name.seq() || header.firstIndex() != name.firstIndex()) {
        file.close();
        throw new CorruptStorageException(path, 0, "bad segment header (wrong magic, checksum,"
            + " or a header that does not match the file name; possibly a file from another node)");
      }
      if (!segments.isEmpty() && header.chain() != chain) {
        file.close();
        throw new CorruptStorageException(path, 0, "checksum chain broken between segments: this"
            + " segment does not continue the previous one (a file from another place or time?)");
      }
      Segment seg = new Segment(name.seq(), name.firstIndex(), file, header.chain(), bytes.length);
      segments.add(seg);
      chain = scan(seg, bytes, last, header.chain(), sink);
      file.sync();
      expectedIndex = seg.lastIndex() + 1;
    }
    if (segments.isEmpty()) {
      long seq = names.isEmpty() ? 1 : names.get(names.size() - 1).seq() + 1;
      segments.add(Wal.createSegment(disk, dir, seed, seq, emptyLogFirstIndex, seed));
      chain = seed;
    }
    return new Wal(disk, dir, seed, options, failure, segments, chain);
  }

  /** Verifies and indexes the records of one segment; returns the last checksum in it. */
  private int scan(Segment seg, byte[] bytes, boolean last, int chain, Consumer<Entry> sink)
      throws IOException {
    Path path = seg.file.path();
    int off = SegmentHeader.BYTES;
    long expected = seg.firstIndex;
    while (off < bytes.length) {
      int remaining = bytes.length - off;
      if (allZero(bytes, off)) {
        return tornOrDamaged(seg, bytes, off, last, chain, "zero-filled tail");
      }
      if (remaining < RecordCodec.FRAME_HEADER_BYTES) {
        return tornOrDamaged(seg, bytes, off, last, chain, "incomplete record header");
      }
      ByteBuffer frame = ByteBuffer.wrap(bytes, off, RecordCodec.FRAME_HEADER_BYTES);
      int length = frame.getInt();
      int stored = frame.getInt();
      if (length < RecordCodec.PAYLOAD_HEADER_BYTES
          || length - RecordCodec.PAYLOAD_HEADER_BYTES > options.maxEntryBytes()) {
        // A torn write keeps a prefix of what was written, so a complete length field is always
        // genuine: an impossible one is damage, never a crash.
        throw new CorruptStorageException(path, off, "record claims an impossible length " + length);
      }
      int end = off + RecordCodec.FRAME_HEADER_BYTES + length;
      if (end > bytes.length || end < 0) {
        int next = intactSuccessor(bytes, off, stored, expected + 1);
        if (next >= 0) {
          // A torn write leaves a prefix of the last write, never a complete later record: the
          // length field itself is damaged, and cutting here would drop acknowledged entries.
          throw new CorruptStorageException(path, off, "record for index " + expected
              + " claims a length (" + length + ") running past the end of the file, but an intact"
              + " record for index " + (expected + 1) + " follows at offset " + next
              + ": its length field is damaged");
        }
        return tornOrDamaged(seg, bytes, off, last, chain, "record runs past the end of the file");
      }
      int payloadAt = off + RecordCodec.FRAME_HEADER_BYTES;
      if (RecordCodec.checksum(chain, length, bytes, payloadAt) != stored) {
        if (end == bytes.length) {
          // A torn write leaves a prefix of what was written, so a complete last record that fails
          // its checksum is not what a crash leaves behind (unless the sectors of one write landed
          // out of order): it may be bit rot in a record that was synced and acknowledged. Cut
          // it, but the node may have promised it: it rejoins (RejoinMark) rather than vote as if
          // it never had.
          if (last) {
            cutAcknowledged = "recovery cut the complete last record of " + path.getFileName()
                + " at offset " + off + " (index " + expected + "), which failed its checksum"
                + " and may have been acknowledged";
          }
          return tornOrDamaged(seg, bytes, off, last, chain, "checksum mismatch in the last record");
        }
        throw new CorruptStorageException(path, off, "checksum mismatch in the record for index "
            + expected + ", with more records after it (bit rot, a misdirected write, or a record"
            + " copied from elsewhere)");
      }
      Entry entry = RecordCodec.decode(bytes, payloadAt, length);
      if (entry == null || entry.index() != expected) {
        throw new CorruptStorageException(path, off, "record out of sequence: expected index "
            + expected + " but found " + (entry == null ? "an undecodable record" : entry.index()));
      }
      seg.addRecord(off);
      sink.accept(entry);
      chain = stored;
      expected++;
      off = end;
    }
    return chain;
  }

  /**
   * Why the last {@link #recover} cut a record that may have been acknowledged (a complete record
   * failing its checksum at the end of the log), or null if everything it cut was a torn write.
   */
  String cutAcknowledged() {
    return cutAcknowledged;
  }

  private int tornOrDamaged(Segment seg, byte[] bytes, int off, boolean last, int chain,
      String reason) throws IOException {
    Path path = seg.file.path();
    if (!last) {
      throw new CorruptStorageException(path, off, reason + " in a segment that is not the last"
          + " one; it was synced before the next was created, so a crash cannot explain this");
    }
    keepAside(path, bytes, off, reason);
    seg.file.truncate(off);
    seg.file.sync();
    seg.sizeBytes = off;
    return chain;
  }

  /** Saves bytes[off..] durably next to {@code path} before they are cut, so nothing is lost. */
  private void keepAside(Path path, byte[] bytes, int off, String reason) throws IOException {
    String base = path.getFileName() + ".cut-at-" + off;
    Path side = dir.resolve(base);
    for (int n = 1; disk.exists(side); n++) {
      side = dir.resolve(base + "." + n);
    }
    try (DiskFile f = disk.create(side)) {
      f.append(ByteBuffer.wrap(bytes, off, bytes.length - off));
      f.sync();
    }
    disk.syncDirectory(dir);
    LOG.log(Level.WARNING, "Cut a torn tail from {0}: {1} bytes at offset {2} ({3}), the tail of"
        + " an unsynced write at a crash. The cut bytes are kept in {4}.",
        path, bytes.length - off, off, reason, side);
  }

  /**
   * The offset of an intact record for {@code nextIndex} after the record at {@code off} (whose
   * stored checksum {@code chain} the successor's checksum is chained to), or -1 if none. Cheap:
   * only positions holding {@code nextIndex} in the index field are checksummed.
   */
  private int intactSuccessor(byte[] bytes, int off, int chain, long nextIndex) {
    int frame = RecordCodec.FRAME_HEADER_BYTES;
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int from = off + frame + RecordCodec.PAYLOAD_HEADER_BYTES;
    for (int p = from; p + frame + RecordCodec.PAYLOAD_HEADER_BYTES <= bytes.length; p++) {
      if (b.getLong(p + frame) != nextIndex) {
        continue;
      }
      int length = b.getInt(p);
      long end = (long) p + frame + length;
      if (length < RecordCodec.PAYLOAD_HEADER_BYTES
          || length - RecordCodec.PAYLOAD_HEADER_BYTES > options.maxEntryBytes()
          || end > bytes.length) {
        continue;
      }
      if (RecordCodec.checksum(chain, length, bytes, p + frame) == b.getInt(p + 4)) {
        return p;
      }
    }
    return -1;
  }

  private static boolean allZero(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  static byte[] readAll(DiskFile file) throws IOException {
    long size = file.sizeBytes();
    if (size > Integer.MAX_VALUE - 16) {
      throw new IOException(file.path() + " is too large to be a log segment: " + size);
    }
    ByteBuffer b = ByteBuffer.allocate((int) size);
    long at = 0;
    while (b.hasRemaining()) {
      int n = file.read(at, b);
      if (n < 0) {
        break;
      }
      at += n;
    }
    return b.array().length == b.position() ? b.array() : java.util.Arrays.copyOf(b.array(), b.position());
  }
}
