package io.raftkv.raft;

import java.nio.charset.StandardCharsets;

/** Small helpers for showing opaque byte strings in logs and test output. */
final class Bytes {
  private Bytes() {}

  /** The bytes as text when they are printable ASCII, otherwise as hex with a {@code 0x} prefix. */
  static String printable(byte[] data) {
    for (byte b : data) {
      if (b < 0x21 || b > 0x7e) {
        StringBuilder sb = new StringBuilder("0x");
        for (byte x : data) {
          sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
      }
    }
    return new String(data, StandardCharsets.US_ASCII);
  }
}
