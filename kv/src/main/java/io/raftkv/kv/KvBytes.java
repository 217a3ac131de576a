package io.raftkv.kv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/** Byte-string helpers shared by commands, results and the map. */
final class KvBytes {
  private KvBytes() {}

  /**
   * Unsigned lexicographic order, the order of the map and of its snapshots. Signed order would put
   * {@code 0x80..0xff} before {@code 0x00}, which surprises every client that encodes numbers
   * big-endian.
   */
  static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;

  /** Longest prefix {@link #printable} shows before eliding the rest, so 1 MiB values stay readable. */
  private static final int SHOWN_BYTES = 32;

  /**
   * The bytes as text when they are printable ASCII, otherwise as hex with a {@code 0x} prefix;
   * {@code null} as {@code <absent>}. Long strings are cut after {@value #SHOWN_BYTES} bytes with
   * their length appended.
   */
  static String printable(byte[] data) {
    if (data == null) {
      return "<absent>";
    }
    int shown = Math.min(data.length, SHOWN_BYTES);
    boolean text = true;
    for (int i = 0; i < shown; i++) {
      if (data[i] < 0x21 || data[i] > 0x7e) {
        text = false;
        break;
      }
    }
    StringBuilder sb = new StringBuilder();
    if (text) {
      sb.append('"').append(new String(data, 0, shown, StandardCharsets.US_ASCII)).append('"');
    } else {
      sb.append("0x");
      for (int i = 0; i < shown; i++) {
        sb.append(Character.forDigit((data[i] >> 4) & 0xf, 16))
            .append(Character.forDigit(data[i] & 0xf, 16));
      }
    }
    if (shown < data.length) {
      sb.append("...(").append(data.length).append(" bytes)");
    }
    return sb.toString();
  }

  /** {@link Arrays#hashCode(byte[])} that also accepts null, for records holding optional bytes. */
  static int hash(byte[] data) {
    return data == null ? 0 : Arrays.hashCode(data);
  }
}
