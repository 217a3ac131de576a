package io.raftkv.storage;

import io.raftkv.raft.Member;
import io.raftkv.raft.Membership;
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
 *   version 2: config index u64, config length u32, config bytes ({@link Membership#encode()})
 *   version 1: voters u32, voter ids i32 * voters (read only: a bootstrap configuration)
 *   data length u32, data, crc u32 (seeded, over all before)
 * </pre>
 *
 * <p>Everything before the data is the header; its length depends only on the configuration, so
 * a file can be written in one pass once the data's length is known.
 */
final class SnapshotFormat {
  private SnapshotFormat() {}

  static final int MAGIC = 0x524B5653;
  static final short VERSION_VOTERS = 1;
  static final short VERSION = 2;
  /** Magic to the term, inclusive. */
  static final int POSITION_BYTES = 4 + 2 + 2 + 8 + 8;
  /** Magic to the voter count (version 1) or the config length (version 2), inclusive. */
  static final int FIXED_BYTES = POSITION_BYTES + 4;
  /** The smallest file: no voters, no data. */
  static final int MIN_FILE_BYTES = FIXED_BYTES + 4 + 4;
  static final long MAX_DATA_BYTES = 0xFFFF_FFFFL;
  /** No encoded configuration is longer (1,024 members of 1 KiB addresses). */
  static final int MAX_CONFIG_BYTES = Membership.MAX_MEMBERS * (Member.MAX_ADDRESS_BYTES + 8) + 5;

  /** The header of a file holding {@code dataBytes} bytes of data covering {@code meta}. */
  static ByteBuffer header(SnapshotMeta meta, long dataBytes) {
    if (dataBytes < 0 || dataBytes > MAX_DATA_BYTES) {
      throw new IllegalArgumentException("snapshot data of " + dataBytes + " bytes does not fit"
          + " the file format (0.." + MAX_DATA_BYTES + ")");
    }
    byte[] config = meta.membership().encode();
    ByteBuffer b = ByteBuffer.allocate(POSITION_BYTES + 8 + 4 + config.length + 4);
    b.putInt(MAGIC).putShort(VERSION).putShort((short) 0).putLong(meta.index()).putLong(meta.term());
    b.putLong(meta.membership().index()).putInt(config.length).put(config);
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
    ByteBuffer b = readFully(f, 0, POSITION_BYTES);
    int magic = b.getInt();
    short version = b.getShort();
    if (magic != MAGIC || (version != VERSION && version != VERSION_VOTERS)) {
      throw new CorruptStorageException(path, 0, "not a snapshot file of a known version");
    }
    b.getShort();
    long index = b.getLong();
    long term = b.getLong();
    int headerBytes;
    Membership membership;
    if (version == VERSION_VOTERS) {
      int count = readFully(f, POSITION_BYTES, 4).getInt();
      if (count < 0 || FIXED_BYTES + 4L * count + 4 + 4 > fileBytes) {
        throw new CorruptStorageException(path, POSITION_BYTES, "snapshot header lists " + count
            + " voters, more than a file of " + fileBytes + " bytes can hold");
      }
      ByteBuffer ids = readFully(f, FIXED_BYTES, 4 * count);
      List<Integer> voters = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        voters.add(ids.getInt());
      }
      membership = voters(path, voters);
      headerBytes = FIXED_BYTES + 4 * count + 4;
    } else {
      ByteBuffer c = readFully(f, POSITION_BYTES, 12);
      long configIndex = c.getLong();
      int length = c.getInt();
      if (length < 0 || length > MAX_CONFIG_BYTES || POSITION_BYTES + 12L + length + 8 > fileBytes) {
        throw new CorruptStorageException(path, POSITION_BYTES + 8, "snapshot header's"
            + " configuration of " + length + " bytes does not fit a file of " + fileBytes);
      }
      byte[] config = new byte[length];
      readFully(f, POSITION_BYTES + 12, length).get(config);
      try {
        membership = Membership.decode(configIndex, config);
      } catch (IllegalArgumentException e) {
        throw new CorruptStorageException(path, POSITION_BYTES + 12, e.getMessage());
      }
      headerBytes = POSITION_BYTES + 12 + length + 4;
    }
    long dataBytes = Integer.toUnsignedLong(readFully(f, headerBytes - 4, 4).getInt());
    if (headerBytes + dataBytes + 4 != fileBytes) {
      throw new CorruptStorageException(path, headerBytes - 4, "snapshot header says " + dataBytes
          + " bytes of data, but the file holds " + (fileBytes - headerBytes - 4));
    }
    SnapshotMeta meta;
    try {
      meta = new SnapshotMeta(index, term, membership);
    } catch (IllegalArgumentException e) {
      throw new CorruptStorageException(path, 4 + 2 + 2, "impossible snapshot position: "
          + e.getMessage());
    }
    return new Header(meta, headerBytes, dataBytes);
  }

  private static Membership voters(Path path, List<Integer> voters) throws CorruptStorageException {
    try {
      return Membership.ofVoters(voters);
    } catch (IllegalArgumentException e) {
      throw new CorruptStorageException(path, FIXED_BYTES, "impossible voters: " + e.getMessage());
    }
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
