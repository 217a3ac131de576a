package io.raftkv.storage;

import io.raftkv.raft.SnapshotData;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.storage.disk.Disk;
import io.raftkv.storage.disk.DiskFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The data of a snapshot file, read on demand through the {@link Disk} (so the simulator's disks
 * see every read). A node holds one of these instead of its whole state as a second copy in
 * memory; the transport streams from it when a follower needs the snapshot.
 *
 * <p>Every {@link #open()} opens the file afresh and checks, before handing out a byte, that it
 * still holds this snapshot (magic, version, index, term, voters, lengths); the file's CRC32C is
 * computed as the data is read and checked as soon as the last data byte is read, before those
 * bytes are returned. So a reader never sees bytes of another or a damaged snapshot: it gets an
 * error naming the file instead.
 *
 * <p>Races: a newer snapshot deletes this file. If that happens before {@link #open()}, open
 * fails with an {@link IOException} saying the file is gone; if it happens after, the open stream
 * goes on reading the deleted file's bytes (POSIX unlink semantics, which {@code SimulatedDisk}
 * models too), which are still exactly this snapshot. Either way nothing wrong is read.
 */
final class FileSnapshotData implements SnapshotData {
  private static final int VERIFY_CHUNK_BYTES = 1 << 20;

  private final Disk disk;
  private final Path path;
  private final int seed;
  private final SnapshotMeta meta;
  private final int headerBytes;
  private final long dataBytes;

  FileSnapshotData(Disk disk, Path path, int seed, SnapshotMeta meta, int headerBytes,
      long dataBytes) {
    this.disk = Objects.requireNonNull(disk, "disk");
    this.path = Objects.requireNonNull(path, "path");
    this.seed = seed;
    this.meta = Objects.requireNonNull(meta, "meta");
    this.headerBytes = headerBytes;
    this.dataBytes = dataBytes;
  }

  /**
   * Checks a whole snapshot file (its CRC32C first, then its header), makes it durable (after a
   * process crash it may be only in the page cache), and returns a handle to its data. Reads it
   * once, a megabyte at a time, without keeping it.
   *
   * @throws CorruptStorageException if the file is damaged or truncated
   */
  static FileSnapshotData load(Disk disk, Path path, int seed) throws IOException {
    try (DiskFile f = disk.open(path)) {
      long size = f.sizeBytes();
      if (size < SnapshotFormat.MIN_FILE_BYTES || storedCrc(f, size) != crcOf(f, seed, size - 4)) {
        throw new CorruptStorageException(path, 0, "snapshot fails its checksum (or is truncated);"
            + " the log below it was already released, so there is nothing to fall back to");
      }
      SnapshotFormat.Header h = SnapshotFormat.readHeader(path, f, size);
      f.sync();
      return new FileSnapshotData(disk, path, seed, h.meta(), h.headerBytes(), h.dataBytes());
    }
  }

  private static int storedCrc(DiskFile f, long size) throws IOException {
    return SnapshotFormat.readFully(f, size - 4, 4).getInt();
  }

  private static int crcOf(DiskFile f, int seed, long length) throws IOException {
    CRC32C crc = Checksums.seeded(seed);
    ByteBuffer b = ByteBuffer.allocate((int) Math.min(VERIFY_CHUNK_BYTES, Math.max(1, length)));
    long at = 0;
    while (at < length) {
      b.clear().limit((int) Math.min(b.capacity(), length - at));
      int n = f.read(at, b);
      if (n < 0) {
        throw new CorruptStorageException(f.path(), at, "snapshot file ends early");
      }
      crc.update(b.flip());
      at += n;
    }
    return (int) crc.getValue();
  }

  /** What the snapshot covers, as its header says. */
  SnapshotMeta meta() {
    return meta;
  }

  Path path() {
    return path;
  }

  @Override
  public long sizeBytes() {
    return dataBytes;
  }

  /**
   * Opens the file and checks that it still holds this snapshot.
   *
   * @throws IOException if the file is gone (a newer snapshot replaced it) or cannot be read
   * @throws CorruptStorageException if it holds something else or is damaged (also possible from
   *     the stream's reads: the checksum is checked at the end of the data)
   */
  @Override
  public InputStream open() throws IOException {
    DiskFile f;
    try {
      f = disk.open(path);
    } catch (NoSuchFileException e) {
      throw new IOException("snapshot file " + path + " is gone: a newer snapshot replaced it"
          + " (or it was deleted)", e);
    }
    try {
      return new Stream(f);
    } catch (IOException | RuntimeException e) {
      f.close();
      throw e;
    }
  }

  @Override
  public String toString() {
    return dataBytes + " bytes in " + path;
  }

  /** The data section of one open file, checksummed as it is read. */
  private final class Stream extends InputStream {
    private final DiskFile file;
    private final CRC32C crc;
    private final long end;
    private long position;

    Stream(DiskFile file) throws IOException {
      this.file = file;
      long size = file.sizeBytes();
      SnapshotFormat.Header h = SnapshotFormat.readHeader(path, file, size);
      if (!h.meta().equals(meta) || h.headerBytes() != headerBytes || h.dataBytes() != dataBytes) {
        throw new CorruptStorageException(path, 0, "snapshot file no longer holds the snapshot it"
            + " was opened as (" + meta + ", " + dataBytes + " bytes) but " + h.meta() + ", "
            + h.dataBytes() + " bytes");
      }
      this.crc = Checksums.seeded(seed);
      crc.update(SnapshotFormat.readFully(file, 0, headerBytes));
      this.position = headerBytes;
      this.end = headerBytes + dataBytes;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (position == end) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      ByteBuffer dst = ByteBuffer.wrap(b, off, (int) Math.min(len, end - position));
      int n = file.read(position, dst);
      if (n <= 0) {
        throw new CorruptStorageException(path, position, "snapshot file ends early");
      }
      crc.update(b, off, n);
      position += n;
      if (position == end) {
        int stored = SnapshotFormat.readFully(file, end, 4).getInt();
        if (stored != (int) crc.getValue()) {
          throw new CorruptStorageException(path, 0, "snapshot fails its checksum while being"
              + " read (damaged since it was written)");
        }
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }
}
