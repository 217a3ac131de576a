package io.raftkv.storage;

import java.util.zip.CRC32C;

/**
 * CRC32C helpers. Every checksum in the node directory starts from the directory's identity seed,
 * so a file or record copied from another node, cluster or incarnation fails verification.
 */
final class Checksums {
  private Checksums() {}

  /** A CRC32C that has already absorbed {@code seed}. */
  static CRC32C seeded(int seed) {
    CRC32C crc = new CRC32C();
    updateInt(crc, seed);
    return crc;
  }

  static void updateInt(CRC32C crc, int value) {
    crc.update(value >>> 24);
    crc.update(value >>> 16);
    crc.update(value >>> 8);
    crc.update(value);
  }

  /** The CRC32C of {@code bytes[offset, offset+length)} starting from {@code seed}. */
  static int of(int seed, byte[] bytes, int offset, int length) {
    CRC32C crc = seeded(seed);
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }
}
