package io.raftkv.storage;

import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.storage.disk.Disk;
import io.raftkv.storage.disk.DiskFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Snapshot files, named {@code snap-<index>-<term>.snap} (16 hex digits each) and laid out as
 * {@link SnapshotFormat} says.
 *
 * <p>A snapshot is written under a temporary name, synced, renamed into place and the directory
 * synced; only then are older snapshots deleted. So at every instant some complete snapshot (or
 * none, before the first) is durable under its final name, and a temporary file found on start is
 * an interrupted write, safe to delete.
 *
 * <p>Data is streamed into the file and read back from it on demand ({@link FileSnapshotData}):
 * neither saving nor loading holds the snapshot in memory.
 */
final class SnapshotStore {
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

  /**
   * Writes a snapshot covering {@code meta} whose {@code dataBytes} bytes of data {@code writer}
   * streams, durably, then deletes every older snapshot file.
   *
   * @return the snapshot, its data read from the new file on demand
   * @throws IllegalStateException if the writer wrote another number of bytes (the file is not
   *     kept)
   */
  Snapshot save(SnapshotMeta meta, long dataBytes, SnapshotWriter writer) throws IOException {
    String name = fileName(meta.index(), meta.term());
    Path tmp = dir.resolve(name + TMP_SUFFIX);
    ByteBuffer header = SnapshotFormat.header(meta, dataBytes);
    int headerBytes = header.remaining();
    disk.delete(tmp);
    long written;
    try (DiskFile f = disk.create(tmp)) {
      SnapshotFileOutput out = new SnapshotFileOutput(f, Checksums.seeded(seed));
      out.write(header.array(), 0, headerBytes);
      writer.writeTo(out);
      written = out.count() - headerBytes;
      if (written == dataBytes) {
        out.finishWithCrc();
        f.sync();
      }
    }
    if (written != dataBytes) {
      disk.delete(tmp);
      throw new IllegalStateException("the snapshot writer for " + meta + " wrote " + written
          + " bytes but declared " + dataBytes);
    }
    Path path = dir.resolve(name);
    disk.rename(tmp, path);
    disk.syncDirectory(dir);
    deleteAllBut(name);
    return new Snapshot(meta,
        new FileSnapshotData(disk, path, seed, meta, headerBytes, dataBytes));
  }

  /**
   * Finds the newest snapshot after cleaning up what an interrupted {@link #save} left, and checks
   * its whole file.
   *
   * @return the snapshot, its data read from the file on demand, or null if there is none
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
    FileSnapshotData data = FileSnapshotData.load(disk, path, seed);
    SnapshotMeta meta = data.meta();
    if (!fileName(meta.index(), meta.term()).equals(latest)) {
      throw new CorruptStorageException(path, 0, "snapshot contents cover "
          + meta.index() + "/" + meta.term() + ", not what its name says");
    }
    deleteAllBut(latest);
    return new Snapshot(meta, data);
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
}
