package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.storage.disk.Disk;
import io.raftkv.storage.disk.DiskFile;
import io.raftkv.storage.disk.SimulatedDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * Shared test helpers. The byte builders here compute framing and checksums on their own (not via
 * the production codec), so a test that plants damaged bytes states the format independently.
 */
final class Fixtures {
  private Fixtures() {}

  static final Path DIR = Path.of("/data/node-1");
  static final String CLUSTER = "test-cluster";

  static SimulatedDisk sim(long seed) {
    return new SimulatedDisk(new SplittableRandom(seed));
  }

  static StorageOptions options(long segmentSizeBytes) {
    return StorageOptions.defaults()
        .withSegmentSizeBytes(segmentSizeBytes)
        .withIncarnationSource(() -> 42L);
  }

  static RaftStorage open(Disk disk) {
    return open(disk, 4096);
  }

  static RaftStorage open(Disk disk, long segmentSizeBytes) {
    return RaftStorage.open(disk, DIR, CLUSTER, 1, options(segmentSizeBytes));
  }

  static Entry entry(long index, long term) {
    return Entry.normal(index, term, ("value-" + index + "-" + term).getBytes(StandardCharsets.UTF_8));
  }

  static List<Entry> entries(long from, long to, long term) {
    List<Entry> list = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      list.add(entry(i, term));
    }
    return list;
  }

  /** Stores entries from..to in {@code term} with a sync (entering {@code term} first). */
  static void append(RaftStorage storage, long from, long to, long term) {
    enterTerm(storage, term);
    storage.save(null, entries(from, to, term), null, true);
  }

  /**
   * Saves {@code term} as the current term (no vote) if the storage's is lower, as a Raft node
   * does before it writes entries of a term (recovery refuses a log whose last term is newer).
   */
  static void enterTerm(RaftStorage storage, long term) {
    HardState hs = storage.savedHardState();
    if (hs.term() < term) {
      storage.save(new HardState(term, 0, hs.commit()), List.of(), null, true);
    }
  }

  static void appendWithCommit(RaftStorage storage, long from, long to, long term) {
    storage.save(new HardState(term, 0, to), entries(from, to, term), null, true);
  }

  static int seed(Disk disk) throws IOException {
    return NodeIdentity.read(disk, DIR).seed();
  }

  static byte[] read(Disk disk, Path file) throws IOException {
    try (DiskFile f = disk.open(file)) {
      return WalRecovery.readAll(f);
    }
  }

  static void write(Disk disk, Path file, long position, byte[] bytes) throws IOException {
    try (DiskFile f = disk.open(file)) {
      f.write(position, ByteBuffer.wrap(bytes));
      f.sync();
    }
  }

  static void appendBytes(Disk disk, Path file, byte[] bytes) throws IOException {
    try (DiskFile f = disk.open(file)) {
      f.append(ByteBuffer.wrap(bytes));
      f.sync();
    }
  }

  static void truncate(Disk disk, Path file, long size) throws IOException {
    try (DiskFile f = disk.open(file)) {
      f.truncate(size);
      f.sync();
    }
  }

  static Path segment(RaftStorage storage, int i) {
    return DIR.resolve(storage.segmentFileNames().get(i));
  }

  static List<Path> segments(Disk disk) throws IOException {
    List<Path> paths = new ArrayList<>();
    for (String name : disk.list(DIR)) {
      if (name.endsWith(".wal")) {
        paths.add(DIR.resolve(name));
      }
    }
    return paths;
  }

  /** A record as the format defines it: length, CRC32C(chain, length, payload), payload. */
  static byte[] record(int chain, long index, long term, byte[] data) {
    ByteBuffer payload = ByteBuffer.allocate(17 + data.length);
    payload.putLong(index).putLong(term).put((byte) 0).put(data);
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(8).putInt(chain).putInt(payload.capacity()).array());
    crc.update(payload.array());
    return ByteBuffer.allocate(8 + payload.capacity())
        .putInt(payload.capacity())
        .putInt((int) crc.getValue())
        .put(payload.array())
        .array();
  }

  /** The checksum stored in a record built by {@link #record}. */
  static int crcOf(byte[] record) {
    return ByteBuffer.wrap(record).getInt(4);
  }

  /** A segment header as the format defines it. */
  static byte[] header(int seed, long seq, long firstIndex, int chain) {
    ByteBuffer b = ByteBuffer.allocate(32);
    b.putInt(0x524B5657).putShort((short) 1).putShort((short) 0);
    b.putLong(seq).putLong(firstIndex).putInt(chain);
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(4).putInt(seed).array());
    crc.update(b.array(), 0, 28);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  static String segmentName(long seq, long firstIndex) {
    return String.format("%016x-%016x.wal", seq, firstIndex);
  }
}
