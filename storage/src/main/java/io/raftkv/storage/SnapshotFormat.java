package io.raftkv.storage;

import io.raftkv.raft.SnapshotMeta;
import io.raftkv.storage.disk.DiskFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The layout of a snapshot file:
 *
 * <pre>
 *   magic u32 "RKVS", version u16, reserved u16, index u64, term u64,
 *   voters u32, voter ids i32 * voters, data length u32, data, crc u32 (seeded, over all before)
 * </pre>
 *
 * <p>Everything before the data is the header; its length depends only on the number of voters,
 * so a file can be written in one pass once the data's length is known.
 */
final class SnapshotFormat {
  private SnapshotFormat() {}

  static final int MAGIC = 0x524B5653;
  static final short VERSION = 1;
  /** Magic to the voter count, inclusive. */
  static final int FIXED_BYTES = 4 + 2 + 2 + 8 + 8 + 4;
  /** The smallest file: no voters, no data. */
  static final int MIN_FILE_BYTES = FIXED_BYTES + 4 + 4;
  static final long MAX_DATA_BYTES = 0xFFFF_FFFFL;

  static int headerBytes(int voters) {
    return FIXED_BYTES + 4 * voters + 4;
  }

  /** The header of a file holding {@code dataBytes} bytes of data covering {@code meta}. */
  static ByteBuffer header(SnapshotMeta meta, long dataBytes) {
    if (dataBytes < 0 || dataBytes > MAX_DATA_BYTES) {
      throw new IllegalArgumentException("snapshot data of " + dataBytes + " bytes does not fit"
          + " the file format (0.." + MAX_DATA_BYTES + ")");
    }
    List<Integer> voters = meta.voters();
    ByteBuffer b = ByteBuffer.allocate(headerBytes(voters.size()));
    b.putInt(MAGIC).putShort(VERSION).putShort((short) 0).putLong(meta.index()).putLong(meta.term());
    b.putInt(voters.size());
    voters.forEach(b::putInt);
    b.putInt((int) dataBytes);
    return b.flip();
  }

  /** What a header says. */
  record Header(SnapshotMeta meta, int headerBytes, long dataBytes) {}

  /**
   * Reads and checks the header of {@code f}, a file of {@code fileBytes} bytes.
   *
   * @throws CorruptStorageException if it is not a version-1 snapshot header or its lengths do not
   *     add up to the file's size
   */
  static Header readHeader(Path path, DiskFile f, long fileBytes) throws IOException {
    if (fileBytes < MIN_FILE_BYTES) {
      throw new CorruptStorageException(path, 0, "snapshot file of " + fileBytes + " bytes is"
          + " shorter than the smallest snapshot (" + MIN_FILE_BYTES + ")");
    }
    ByteBuffer b = readFully(f, 0, FIXED_BYTES);
    if (b.getInt() != MAGIC || b.getShort() != VERSION) {
      throw new CorruptStorageException(path, 0, "not a snapshot file of a known version");
    }
    b.getShort();
    long index = b.getLong();
    long term = b.getLong();
    int count = b.getInt();
    if (count < 0 || headerBytes(count) + 4L > fileBytes) {
      throw new CorruptStorageException(path, FIXED_BYTES - 4, "snapshot header lists " + count
          + " voters, more than a file of " + fileBytes + " bytes can hold");
    }
    ByteBuffer rest = readFully(f, FIXED_BYTES, 4 * count + 4);
    List<Integer> voters = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      voters.add(rest.getInt());
    }
    long dataBytes = Integer.toUnsignedLong(rest.getInt());
    int headerBytes = headerBytes(count);
    if (headerBytes + dataBytes + 4 != fileBytes) {
      throw new CorruptStorageException(path, headerBytes - 4, "snapshot header says " + dataBytes
          + " bytes of data, but the file holds " + (fileBytes - headerBytes - 4));
    }
    SnapshotMeta meta;
    try {
      meta = new SnapshotMeta(index, term, voters);
    } catch (IllegalArgumentException e) {
      throw new CorruptStorageException(path, 4 + 2 + 2, "impossible snapshot position: "
          + e.getMessage());
    }
    return new Header(meta, headerBytes, dataBytes);
  }

  /** Exactly {@code length} bytes at {@code offset}, flipped for reading. */
  static ByteBuffer readFully(DiskFile f, long offset, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    while (b.hasRemaining()) {
      int n = f.read(offset + b.position(), b);
      if (n < 0) {
        throw new CorruptStorageException(f.path(), offset + b.position(),
            "snapshot file ends early");
      }
    }
    return b.flip();
  }
}
