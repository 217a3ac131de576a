package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.Membership;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The framing of one log record:
 *
 * <pre>
 *   length u32   bytes of payload
 *   crc    u32   CRC32C of (previous record's crc, length, payload)
 *   payload      index u64, term u64, type u8, data
 * </pre>
 *
 * <p>Chaining each checksum through the previous record's stored checksum (and, for a segment's
 * first record, through the chain value in the segment header) means a record that is valid on its
 * own but sits in the wrong place - copied from another log, an older file, or another offset of
 * this one - fails verification. The first link starts from the directory's identity seed.
 */
final class RecordCodec {
  private RecordCodec() {}

  static final int FRAME_HEADER_BYTES = 8;
  static final int PAYLOAD_HEADER_BYTES = 17;

  private static final byte TYPE_NORMAL = 0;
  private static final byte TYPE_NOOP = 1;
  private static final byte TYPE_CONFIG = 2;

  /** Bytes the record for {@code entry} takes on disk. */
  static int recordBytes(Entry entry) {
    return FRAME_HEADER_BYTES + PAYLOAD_HEADER_BYTES + entry.data().length;
  }

  /**
   * Appends the record for {@code entry} to {@code out} (which must have room).
   *
   * @return the record's checksum, the chain value for the next record
   */
  static int encode(Entry entry, int chain, ByteBuffer out) {
    int start = out.position();
    int length = PAYLOAD_HEADER_BYTES + entry.data().length;
    out.putInt(length);
    out.putInt(0); // the checksum, filled in below once the payload is in place
    out.putLong(entry.index());
    out.putLong(entry.term());
    out.put(switch (entry.type()) {
      case NORMAL -> TYPE_NORMAL;
      case NOOP -> TYPE_NOOP;
      case CONFIG -> TYPE_CONFIG;
    });
    out.put(entry.data());
    int crc = checksum(chain, length, out.array(), out.arrayOffset() + start + FRAME_HEADER_BYTES);
    out.putInt(start + 4, crc);
    return crc;
  }

  /** The checksum of a record whose payload of {@code length} bytes starts at {@code payloadAt}. */
  static int checksum(int chain, int length, byte[] bytes, int payloadAt) {
    CRC32C crc = Checksums.seeded(chain);
    Checksums.updateInt(crc, length);
    crc.update(bytes, payloadAt, length);
    return (int) crc.getValue();
  }

  /**
   * Decodes the payload at {@code payloadAt} (already verified).
   *
   * @return the entry, or null if the type byte is unknown or a configuration does not decode
   */
  static Entry decode(byte[] bytes, int payloadAt, int length) {
    ByteBuffer b = ByteBuffer.wrap(bytes, payloadAt, length);
    long index = b.getLong();
    long term = b.getLong();
    byte type = b.get();
    if (index < 1 || term < 1 || type < TYPE_NORMAL || type > TYPE_CONFIG) {
      return null;
    }
    byte[] data = new byte[length - PAYLOAD_HEADER_BYTES];
    b.get(data);
    if (type == TYPE_CONFIG) {
      try {
        Membership.decode(index, data);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return new Entry(index, term, EntryType.values()[type], data);
  }
}
