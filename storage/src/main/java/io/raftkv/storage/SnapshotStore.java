package io.raftkv.storage;

import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.storage.disk.Disk;
import io.raftkv.storage.disk.DiskFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Snapshot files, named {@code snap-<index>-<term>.snap} (16 hex digits each) and laid out as
 *
 * <pre>
 *   magic u32 "RKVS", version u16, reserved u16, index u64, term u64,
 *   voters u32, voter ids i32 * voters, data length u32, data, crc u32 (seeded, over all before)
 * </pre>
 *
 * <p>A snapshot is written under a temporary name, synced, renamed into place and the directory
 * synced; only then are older snapshots deleted. So at every instant some complete snapshot (or
 * none, before the first) is durable under its final name, and a temporary file found on start is
 * an interrupted write, safe to delete.
 */
final class SnapshotStore {
  private static final int MAGIC = 0x524B5653;
  private static final short VERSION = 1;
  private static final String PREFIX = "snap-";
  private static final String SUFFIX = ".snap";
  private static final String TMP_SUFFIX = ".tmp";

  private final Disk disk;
  private final Path dir;
  private final int seed;

  SnapshotStore(Disk disk, Path dir, int seed) {
    this.disk = disk;
    this.dir = dir;
    this.seed = seed;
  }

  static String fileName(long index, long term) {
    return String.format("%s%016x-%016x%s", PREFIX, index, term, SUFFIX);
  }

  /** Writes {@code snapshot} durably, then deletes every older snapshot file. */
  void save(Snapshot snapshot) throws IOException {
    SnapshotMeta meta = snapshot.meta();
    String name = fileName(meta.index(), meta.term());
    Path tmp = dir.resolve(name + TMP_SUFFIX);
    disk.delete(tmp);
    try (DiskFile f = disk.create(tmp)) {
      f.append(encode(snapshot));
      f.sync();
    }
    disk.rename(tmp, dir.resolve(name));
    disk.syncDirectory(dir);
    deleteAllBut(name);
  }

  /**
   * Loads the newest snapshot after cleaning up what an interrupted {@link #save} left.
   *
   * @return the snapshot, or null if there is none
   */
  Snapshot loadLatest() throws IOException {
    String latest = null;
    long latestIndex = -1;
    for (String name : disk.list(dir)) {
      if (name.startsWith(PREFIX) && name.endsWith(SUFFIX + TMP_SUFFIX)) {
        disk.delete(dir.resolve(name));
      } else if (name.startsWith(PREFIX) && name.endsWith(SUFFIX)) {
        long index = parseIndex(name);
        if (index > latestIndex) {
          latestIndex = index;
          latest = name;
        }
      }
    }
    if (latest == null) {
      return null;
    }
    Path path = dir.resolve(latest);
    byte[] bytes;
    try (DiskFile f = disk.open(path)) {
      bytes = WalRecovery.readAll(f);
      f.sync();
    }
    Snapshot snapshot = decode(path, bytes);
    if (!fileName(snapshot.meta().index(), snapshot.meta().term()).equals(latest)) {
      throw new CorruptStorageException(path, 0, "snapshot contents cover "
          + snapshot.meta().index() + "/" + snapshot.meta().term() + ", not what its name says");
    }
    deleteAllBut(latest);
    return snapshot;
  }

  private void deleteAllBut(String keep) throws IOException {
    boolean deleted = false;
    for (String name : disk.list(dir)) {
      if (name.startsWith(PREFIX) && !name.equals(keep)) {
        disk.delete(dir.resolve(name));
        deleted = true;
      }
    }
    if (deleted) {
      disk.syncDirectory(dir);
    }
  }

  private long parseIndex(String name) {
    try {
      return Long.parseUnsignedLong(name.substring(PREFIX.length(), PREFIX.length() + 16), 16);
    } catch (RuntimeException e) {
      throw new CorruptStorageException(dir.resolve(name), 0, "unrecognised snapshot file name");
    }
  }

  private ByteBuffer encode(Snapshot snapshot) throws IOException {
    SnapshotMeta meta = snapshot.meta();
    List<Integer> voters = meta.voters();
    byte[] data = snapshot.data().readAllBytes();
    int size = 4 + 2 + 2 + 8 + 8 + 4 + 4 * voters.size() + 4 + data.length + 4;
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putInt(MAGIC).putShort(VERSION).putShort((short) 0).putLong(meta.index()).putLong(meta.term());
    b.putInt(voters.size());
    voters.forEach(b::putInt);
    b.putInt(data.length).put(data);
    b.putInt(Checksums.of(seed, b.array(), 0, size - 4));
    return b.flip();
  }

  private Snapshot decode(Path path, byte[] bytes) {
    if (bytes.length < 36
        || ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()
            != Checksums.of(seed, bytes, 0, bytes.length - 4)) {
      throw new CorruptStorageException(path, 0, "snapshot fails its checksum (or is truncated);"
          + " the log below it was already released, so there is nothing to fall back to");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 0, bytes.length - 4);
    if (b.getInt() != MAGIC || b.getShort() != VERSION) {
      throw new CorruptStorageException(path, 0, "not a snapshot file of a known version");
    }
    b.getShort();
    long index = b.getLong();
    long term = b.getLong();
    int count = b.getInt();
    List<Integer> voters = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      voters.add(b.getInt());
    }
    byte[] data = new byte[b.getInt()];
    b.get(data);
    return new Snapshot(new SnapshotMeta(index, term, voters), data);
  }
}
