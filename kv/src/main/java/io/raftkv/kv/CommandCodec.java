package io.raftkv.kv;

import java.io.ByteArrayOutputStream;

/**
 * The binary form of a {@link Command} in a log entry.
 *
 * <p>Layout, version 1 (varint = unsigned LEB128, shortest form only):
 *
 * <pre>
 *   byte     version            1
 *   byte     type               1 = Put, 2 = Delete, 3 = Cas
 *   8 bytes  clientId           big-endian
 *   varint   opId               at least 1
 *   varint   proposedAtMillis
 *   varint   key length, then the key bytes
 *   Put:     varint value length, then the value bytes
 *   Cas:     byte 0 (expect absent) or 1 (expect a value), then if 1: varint length and bytes;
 *            then varint new-value length and bytes
 * </pre>
 *
 * <p>Decoding is strict: it accepts exactly the bytes {@link #encode} produces for some valid
 * command and rejects everything else with an {@link IllegalArgumentException} whose message starts
 * with {@code "malformed command: "} and names the problem (truncation, an unknown version or type,
 * a size over {@link KvLimits}, a non-canonical number, trailing bytes). It never reads past the
 * input, never allocates more than a declared length that fits in the input, and never misreads one
 * command as another, so a damaged entry is rejected the same way on every replica.
 */
public final class CommandCodec {
  private CommandCodec() {}

  /** The format version this build writes and the only one it reads. */
  public static final int VERSION = 1;

  static final int TYPE_PUT = 1;
  static final int TYPE_DELETE = 2;
  static final int TYPE_CAS = 3;

  /** Encodes a command; never fails, since a {@link Command} is valid by construction. */
  public static byte[] encode(Command command) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 + command.key().length);
    out.write(VERSION);
    out.write(typeOf(command));
    long id = command.clientId();
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (id >>> shift));
    }
    writeVarint(out, command.opId());
    writeVarint(out, command.proposedAtMillis());
    writeBytes(out, command.key());
    if (command instanceof Command.Put put) {
      writeBytes(out, put.value());
    } else if (command instanceof Command.Cas cas) {
      if (cas.expected() == null) {
        out.write(0);
      } else {
        out.write(1);
        writeBytes(out, cas.expected());
      }
      writeBytes(out, cas.newValue());
    }
    return out.toByteArray();
  }

  /**
   * Decodes a command.
   *
   * @throws IllegalArgumentException if {@code data} is not exactly one valid version-1 command;
   *     the message names the problem and the byte offset
   */
  public static Command decode(byte[] data) {
    if (data == null) {
      throw new IllegalArgumentException("malformed command: null");
    }
    if (data.length > KvLimits.MAX_COMMAND_BYTES) {
      throw new IllegalArgumentException(
          "malformed command: " + data.length + " bytes exceeds the maximum command size of "
              + KvLimits.MAX_COMMAND_BYTES + " bytes (KvLimits.MAX_COMMAND_BYTES)");
    }
    Reader in = new Reader(data);
    int version = in.u8("version");
    if (version != VERSION) {
      throw in.error("unknown version " + version + " (this build reads version " + VERSION + ")");
    }
    int type = in.u8("type");
    if (type < TYPE_PUT || type > TYPE_CAS) {
      throw in.error("unknown command type " + type + " (expected 1 Put, 2 Delete or 3 Cas)");
    }
    long clientId = in.fixed64("clientId");
    long opId = in.varint("opId");
    long proposedAtMillis = in.varint("proposedAtMillis");
    byte[] key = in.bytes("key", KvLimits.MAX_KEY_BYTES);
    if (key.length == 0) {
      throw in.error("key is empty");
    }
    Command command;
    try {
      if (type == TYPE_PUT) {
        command = new Command.Put(clientId, opId, proposedAtMillis, key, in.bytes("value",
            KvLimits.MAX_VALUE_BYTES));
      } else if (type == TYPE_DELETE) {
        command = new Command.Delete(clientId, opId, proposedAtMillis, key);
      } else {
        int flag = in.u8("expected-value flag");
        if (flag > 1) {
          throw in.error("expected-value flag is " + flag + " (expected 0 absent or 1 present)");
        }
        byte[] expected = flag == 1 ? in.bytes("expected value", KvLimits.MAX_VALUE_BYTES) : null;
        byte[] newValue = in.bytes("new value", KvLimits.MAX_VALUE_BYTES);
        command = new Command.Cas(clientId, opId, proposedAtMillis, key, expected, newValue);
      }
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("malformed command: ")) {
        throw e;
      }
      // a field decoded cleanly but broke a Command invariant, such as opId 0
      throw new IllegalArgumentException("malformed command: " + e.getMessage(), e);
    }
    if (in.remaining() != 0) {
      throw in.error(in.remaining() + " trailing bytes after the command");
    }
    return command;
  }

  private static int typeOf(Command command) {
    if (command instanceof Command.Put) {
      return TYPE_PUT;
    }
    return command instanceof Command.Delete ? TYPE_DELETE : TYPE_CAS;
  }

  private static void writeBytes(ByteArrayOutputStream out, byte[] bytes) {
    writeVarint(out, bytes.length);
    out.write(bytes, 0, bytes.length);
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7fL) != 0) {
      out.write((int) ((value & 0x7f) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  /** A bounds-checked cursor over the input whose errors say what was being read and where. */
  private static final class Reader {
    private final byte[] data;
    private int pos;

    Reader(byte[] data) {
      this.data = data;
    }

    int remaining() {
      return data.length - pos;
    }

    IllegalArgumentException error(String problem) {
      return new IllegalArgumentException(
          "malformed command: " + problem + " (at byte " + pos + " of " + data.length + ")");
    }

    private void need(int count, String field) {
      if (remaining() < count) {
        throw error("truncated: " + field + " needs " + count + " bytes, " + remaining() + " left");
      }
    }

    int u8(String field) {
      need(1, field);
      return data[pos++] & 0xff;
    }

    long fixed64(String field) {
      need(8, field);
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (data[pos++] & 0xff);
      }
      return v;
    }

    long varint(String field) {
      int start = pos;
      long value = 0;
      for (int shift = 0; ; shift += 7) {
        if (remaining() < 1) {
          pos = start;
          throw error("truncated: " + field + " ends inside a varint");
        }
        int b = data[pos++] & 0xff;
        if (shift == 63 && b > 1) {
          pos = start;
          throw error(field + " varint overflows 64 bits");
        }
        value |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          if (b == 0 && shift > 0) {
            // a zero final byte means a shorter encoding existed; accepting it would give one
            // command two encodings
            pos = start;
            throw error(field + " varint is not in shortest form");
          }
          return value;
        }
      }
    }

    byte[] bytes(String field, int maxLength) {
      long length = varint(field + " length");
      if (length < 0 || length > maxLength) {
        throw error(field + " length " + Long.toUnsignedString(length) + " exceeds the maximum of "
            + maxLength + " bytes");
      }
      need((int) length, field);
      byte[] out = new byte[(int) length];
      System.arraycopy(data, pos, out, 0, out.length);
      pos += out.length;
      return out;
    }
  }
}
