package io.raftkv.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Keys and values as exact bytes. A plain argument means the bytes the shell passed: the JVM
 * decodes arguments with the system's encoding ({@code sun.jnu.encoding}, from the locale), and
 * encoding the string back with the same charset gives those bytes again, unless the decoding
 * replaced bytes that are not valid in that encoding. An argument holding a replacement character
 * (U+FFFD) or characters the charset cannot encode is refused rather than stored changed; such keys
 * are given with {@code --key-hex} or {@code --key-base64}, such values through standard input or
 * a file.
 */
final class ByteArgs {
  private ByteArgs() {}

  /** The charset the JVM decoded the command line with. */
  static Charset argumentCharset() {
    String name = System.getProperty("sun.jnu.encoding");
    try {
      return name == null ? Charset.defaultCharset() : Charset.forName(name);
    } catch (RuntimeException e) {
      return Charset.defaultCharset();
    }
  }

  /**
   * The bytes of a plain argument.
   *
   * @param what what it is, for the message ("the key")
   * @param instead how to give such bytes instead
   */
  static byte[] plain(String arg, String what, String instead) {
    Charset cs = argumentCharset();
    if (arg.indexOf('\uFFFD') >= 0 || !cs.newEncoder().canEncode(arg)) {
      throw new CliException(CliException.USAGE, what + " holds bytes that are not valid "
          + cs.name() + " (this system's argument encoding), which would be stored changed; "
          + instead);
    }
    return arg.getBytes(cs);
  }

  static byte[] hex(String arg, String what) {
    try {
      return HexFormat.of().parseHex(arg.strip());
    } catch (IllegalArgumentException e) {
      throw new CliException(CliException.USAGE, what + " is not hexadecimal: "
          + e.getMessage());
    }
  }

  static byte[] base64(String arg, String what) {
    try {
      return Base64.getDecoder().decode(arg.strip());
    } catch (IllegalArgumentException e) {
      throw new CliException(CliException.USAGE, what + " is not base64: " + e.getMessage());
    }
  }

  /** Reads at most {@code max} bytes; more is a usage error naming the limit. */
  static byte[] readAll(InputStream in, int max, String what) throws IOException {
    byte[] b = in.readNBytes(max + 1);
    if (b.length > max) {
      throw new CliException(CliException.USAGE, what + " is larger than the servers' limit of "
          + max + " bytes");
    }
    return b;
  }

  static byte[] file(Path f, int max) {
    try (InputStream in = Files.newInputStream(f)) {
      return readAll(in, max, "the value in " + f);
    } catch (NoSuchFileException e) {
      throw new CliException(CliException.USAGE, "--file " + f + ": no such file");
    } catch (IOException e) {
      throw new CliException(CliException.USAGE, "--file " + f + ": cannot read: "
          + e.getMessage());
    }
  }

  /** A key for messages: printable ASCII as is, other bytes as \xNN, long keys cut. */
  static String printable(byte[] b) {
    StringBuilder sb = new StringBuilder("'");
    for (int i = 0; i < b.length && i < 60; i++) {
      int c = b[i] & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    if (b.length > 60) {
      sb.append("...' (").append(b.length).append(" bytes)");
      return sb.toString();
    }
    return sb.append('\'').toString();
  }
}
