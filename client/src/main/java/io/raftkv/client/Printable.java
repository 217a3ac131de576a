package io.raftkv.client;

import com.google.protobuf.ByteString;

/** Keys as they appear in log lines and exception messages: short and readable. */
final class Printable {
  private Printable() {}

  private static final int MAX_CHARS = 48;

  /** The key quoted if it is printable ASCII, else as hex; cut to a readable length. */
  static String key(ByteString key) {
    boolean ascii = true;
    for (int i = 0; i < key.size() && ascii; i++) {
      int b = key.byteAt(i) & 0xff;
      ascii = b >= 0x20 && b < 0x7f;
    }
    String text;
    if (ascii) {
      text = "'" + key.toStringUtf8() + "'";
    } else {
      StringBuilder hex = new StringBuilder("0x");
      for (int i = 0; i < key.size(); i++) {
        hex.append(String.format("%02x", key.byteAt(i) & 0xff));
      }
      text = hex.toString();
    }
    return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + "...(" + key.size() + " bytes)";
  }
}
