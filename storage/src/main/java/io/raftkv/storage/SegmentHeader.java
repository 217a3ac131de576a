package io.raftkv.storage;

import java.nio.ByteBuffer;

/**
 * The fixed header at the start of every log segment file:
 *
 * <pre>
 *   magic u32 "RKVW", version u16, reserved u16, seq u64, firstIndex u64, chain u32, crc u32
 * </pre>
 *
 * <p>{@code chain} is the checksum of the last record of the previous segment, which is how the
 * record checksum chain continues across files; {@code crc} covers the header and is seeded with
 * the directory's identity, so a segment from another node or incarnation is rejected.
 */
record SegmentHeader(long seq, long firstIndex, int chain) {
  static final int BYTES = 32;
  static final int MAGIC = 0x524B5657;
  static final short VERSION = 1;

  ByteBuffer encode(int seed) {
    ByteBuffer b = ByteBuffer.allocate(BYTES);
    b.putInt(MAGIC).putShort(VERSION).putShort((short) 0);
    b.putLong(seq).putLong(firstIndex).putInt(chain);
    b.putInt(Checksums.of(seed, b.array(), 0, BYTES - 4));
    return b.flip();
  }

  /**
   * Decodes a header.
   *
   * @return the header, or null when the magic, version or checksum is wrong
   */
  static SegmentHeader decode(byte[] bytes, int seed) {
    ByteBuffer b = ByteBuffer.wrap(bytes, 0, BYTES);
    if (b.getInt() != MAGIC || b.getShort() != VERSION) {
      return null;
    }
    b.getShort();
    long seq = b.getLong();
    long firstIndex = b.getLong();
    int chain = b.getInt();
    if (b.getInt() != Checksums.of(seed, bytes, 0, BYTES - 4)) {
      return null;
    }
    return new SegmentHeader(seq, firstIndex, chain);
  }
}
