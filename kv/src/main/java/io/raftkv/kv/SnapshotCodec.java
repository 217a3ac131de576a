package io.raftkv.kv;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * The snapshot format (all integers big-endian; see kv/README.md for the table).
 *
 * <pre>
 *   4 bytes  magic "RKVS"          8 bytes  appliedIndex, appliedTerm, clockMillis
 *   1 byte   version 2             8 + 4 + 8  sessionTimeoutMillis, maxSessions,
 *                                             maxSessionAnswerBytes
 *   8 bytes  entry count, then per entry: 4-byte key length, key, 4-byte value length, value
 *            (keys strictly ascending, unsigned)
 *   4 bytes  session count, then per session, least recently used first: clientId, lastOpId,
 *            opIndex, lastActiveMillis, lastUsedIndex (8 bytes each) and the recorded result
 *   8 bytes  state hash                  4 bytes  CRC32C of every byte before it
 * </pre>
 *
 * <p>A result is a kind byte (1 Put, 2 Delete, 3 Cas, 4 value forgotten) followed by, for Put,
 * optional bytes; for Delete, a 0/1 byte; for Cas, a 0/1 byte and optional bytes; for a forgotten
 * value, the write's kind byte (1 Put, 3 Cas), its 0/1 swapped byte and its 8-byte index. Optional
 * bytes are a 4-byte length (-1 for absent) and the bytes.
 *
 * <p>Version 1 (still read) had no maxSessionAnswerBytes, no opIndex, no kind 4, and a state hash
 * without either: its sessions' opIndex is read as their lastUsedIndex, and answers beyond this
 * replica's budget are then forgotten, oldest first, as applying would have done.
 *
 * <p>Reading builds a complete new {@link StateImage} and checks every field, the CRC, and the
 * state hash recomputed from the content against the stored one, before anything is handed back,
 * so a damaged snapshot never replaces a good state.
 *
 * <p>Both directions stream through one buffer with the CRC32C kept in the same pass ({@link
 * SnapshotInput}, {@link SnapshotOutput}), and reading builds the map in linear time from the
 * sorted entries ({@link KvMap.SortedLoader}): a 1,000,000-key state is never held as one array.
 */
final class SnapshotCodec {
  private SnapshotCodec() {}

  static final int MAGIC = 0x524b5653; // "RKVS"
  static final int VERSION = 2;
  /** The oldest version {@link #read} accepts. */
  static final int OLDEST_VERSION = 1;

  private static final int KIND_PUT = 1;
  private static final int KIND_DELETE = 2;
  private static final int KIND_CAS = 3;
  private static final int KIND_FORGOTTEN = 4;

  /**
   * magic, version, index, term, clock, session timeout, max sessions, max answer bytes, entry
   * count.
   */
  private static final int HEADER_BYTES = 4 + 1 + 8 + 8 + 8 + 8 + 4 + 8 + 8;
  /** state hash, CRC. */
  private static final int TRAILER_BYTES = 8 + 4;

  /** The exact number of bytes {@link #write} produces for {@code image}. */
  static long sizeBytes(StateImage image) {
    long size = HEADER_BYTES + 8L * image.map().size() + image.map().rawBytes() + 4;
    for (Session s : image.sessions().inUseOrder()) {
      size += 5 * 8 + resultBytes(s.lastResult);
    }
    return size + TRAILER_BYTES;
  }

  private static long resultBytes(ApplyResult result) {
    if (result instanceof ApplyResult.Put p) {
      return 1 + optionalBytes(p.previous());
    } else if (result instanceof ApplyResult.Delete) {
      return 1 + 1;
    } else if (result instanceof ApplyResult.Cas c) {
      return 1 + 1 + optionalBytes(c.current());
    } else if (result instanceof ApplyResult.ValueForgotten) {
      return 1 + 1 + 1 + 8;
    }
    throw new IllegalStateException("a session holds a non-write result: " + result);
  }

  private static long optionalBytes(byte[] bytes) {
    return 4 + (bytes == null ? 0 : bytes.length);
  }

  static void write(StateImage image, OutputStream sink) throws IOException {
    SnapshotOutput out = new SnapshotOutput(sink);
    out.writeInt(MAGIC);
    out.writeByte(VERSION);
    out.writeLong(image.appliedIndex());
    out.writeLong(image.appliedTerm());
    out.writeLong(image.clockMillis());
    out.writeLong(image.config().sessionTimeoutMillis());
    out.writeInt(image.config().maxSessions());
    out.writeLong(image.config().maxSessionAnswerBytes());
    out.writeLong(image.map().size());
    for (Map.Entry<byte[], byte[]> e : image.map().all()) {
      out.writeInt(e.getKey().length);
      out.write(e.getKey());
      out.writeInt(e.getValue().length);
      out.write(e.getValue());
    }
    out.writeInt(image.sessions().size());
    for (Session s : image.sessions().inUseOrder()) {
      out.writeLong(s.clientId);
      out.writeLong(s.lastOpId);
      out.writeLong(s.opIndex);
      out.writeLong(s.lastActiveMillis);
      out.writeLong(s.lastUsedIndex);
      writeResult(out, s.lastResult);
    }
    out.writeLong(image.stateHash());
    out.writeInt(out.crc());
    out.finish();
  }

  private static void writeResult(SnapshotOutput out, ApplyResult result) throws IOException {
    if (result instanceof ApplyResult.Put p) {
      out.writeByte(KIND_PUT);
      writeOptional(out, p.previous());
    } else if (result instanceof ApplyResult.Delete d) {
      out.writeByte(KIND_DELETE);
      out.writeByte(d.existed() ? 1 : 0);
    } else if (result instanceof ApplyResult.Cas c) {
      out.writeByte(KIND_CAS);
      out.writeByte(c.swapped() ? 1 : 0);
      writeOptional(out, c.current());
    } else if (result instanceof ApplyResult.ValueForgotten f) {
      out.writeByte(KIND_FORGOTTEN);
      out.writeByte(f.kind() == ApplyResult.WriteKind.CAS ? KIND_CAS : KIND_PUT);
      out.writeByte(f.swapped() ? 1 : 0);
      out.writeLong(f.index());
    } else {
      throw new IllegalStateException("a session holds a non-write result: " + result);
    }
  }

  private static void writeOptional(SnapshotOutput out, byte[] bytes) throws IOException {
    if (bytes == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(bytes.length);
      out.write(bytes);
    }
  }

  /**
   * Reads a snapshot written by {@link #write}, to the end of {@code source}.
   *
   * @throws IllegalArgumentException if the data is not a complete, undamaged version-1 or 2
   *     snapshot for {@code config}; the message starts with {@code "invalid snapshot: "} and names the
   *     problem and where it was found
   * @throws IOException if reading {@code source} fails
   */
  static StateImage read(InputStream source, KvConfig config) throws IOException {
    SnapshotInput in = new SnapshotInput(source);
    Cursor at = new Cursor();
    try {
      at.at("the header");
      int magic = in.readInt();
      if (magic != MAGIC) {
        throw at.error("bad magic 0x" + Integer.toHexString(magic) + " (expected 0x"
            + Integer.toHexString(MAGIC) + " \"RKVS\"): not a RaftKV state machine snapshot");
      }
      int version = in.readUnsignedByte();
      if (version < OLDEST_VERSION || version > VERSION) {
        throw at.error("unknown version " + version + " (this build reads versions "
            + OLDEST_VERSION + " to " + VERSION + ")");
      }
      boolean v1 = version == 1;
      long appliedIndex = in.readLong();
      long appliedTerm = in.readLong();
      long clockMillis = in.readLong();
      if (appliedIndex < 0 || appliedTerm < 0 || (appliedIndex == 0) != (appliedTerm == 0)
          || clockMillis < 0) {
        throw at.error("impossible position index=" + appliedIndex + " term=" + appliedTerm
            + " clock=" + clockMillis);
      }
      long timeoutMillis = in.readLong();
      int maxSessions = in.readInt();
      long maxAnswerBytes = v1 ? config.maxSessionAnswerBytes() : in.readLong();
      if (timeoutMillis != config.sessionTimeoutMillis() || maxSessions != config.maxSessions()
          || maxAnswerBytes != config.maxSessionAnswerBytes()) {
        throw at.error("written with sessionTimeoutMillis=" + timeoutMillis + " maxSessions="
            + maxSessions + " maxSessionAnswerBytes=" + maxAnswerBytes
            + " but this replica has sessionTimeoutMillis=" + config.sessionTimeoutMillis()
            + " maxSessions=" + config.maxSessions() + " maxSessionAnswerBytes="
            + config.maxSessionAnswerBytes() + "; every replica must use the same KvConfig");
      }

      long entryCount = in.readLong();
      if (entryCount < 0 || entryCount > Integer.MAX_VALUE) {
        throw at.error("impossible entry count " + entryCount);
      }
      KvMap.SortedLoader entries = new KvMap.SortedLoader(entryCount);
      for (long i = 0; i < entryCount; i++) {
        at.atEntry(i, entryCount);
        int keyLength = in.readInt();
        if (keyLength < 1 || keyLength > KvLimits.MAX_KEY_BYTES) {
          throw at.error("key length " + keyLength + " outside 1.." + KvLimits.MAX_KEY_BYTES);
        }
        byte[] key = new byte[keyLength];
        in.readFully(key);
        byte[] value = readBytes(in, at, "value");
        try {
          entries.add(key, value);
        } catch (IllegalArgumentException e) {
          throw at.error(e.getMessage());
        }
      }
      KvMap map = entries.build();

      at.at("the session count");
      SessionTable sessions = new SessionTable(config);
      int sessionCount = in.readInt();
      if (sessionCount < 0) {
        throw at.error("impossible session count " + sessionCount);
      }
      long sessionSumV1 = 0;
      for (int i = 0; i < sessionCount; i++) {
        at.atSession(i, sessionCount);
        Session s = readSession(in, at, v1, clockMillis, appliedIndex);
        sessionSumV1 += s.hashV1();
        try {
          sessions.load(s);
        } catch (IllegalArgumentException e) {
          throw at.error(e.getMessage());
        }
      }

      at.at("the trailer");
      long storedHash = in.readLong();
      int computedCrc = in.crc();
      int storedCrc = in.readInt();
      if (storedCrc != computedCrc) {
        throw at.error("CRC32C mismatch (stored 0x" + Integer.toHexString(storedCrc)
            + ", computed 0x" + Integer.toHexString(computedCrc) + "): the data is damaged");
      }
      if (!in.atEnd()) {
        throw at.error("trailing bytes after the CRC");
      }
      StateImage image =
          new StateImage(map, sessions, appliedIndex, appliedTerm, clockMillis, config);
      long recomputed = v1
          ? Hash64.ofStateV1(map.hashSum(), sessionSumV1, clockMillis, config)
          : image.stateHash();
      if (recomputed != storedHash) {
        // the CRC matched, so the bytes are as written: the writer and this reader disagree
        throw at.error("state hash mismatch (stored " + Long.toHexString(storedHash)
            + ", recomputed " + Long.toHexString(recomputed)
            + "): written by an incompatible build?");
      }
      if (v1) {
        sessions.finishLoad(); // a deterministic function of the snapshot and the KvConfig
      } else if (sessions.answerBytes() > config.maxSessionAnswerBytes()) {
        throw at.error("sessions hold " + sessions.answerBytes() + " answer bytes, more than"
            + " maxSessionAnswerBytes=" + config.maxSessionAnswerBytes());
      }
      return image;
    } catch (EOFException e) {
      throw at.error("the data ends early: truncated, or a damaged length field");
    }
  }

  private static Session readSession(SnapshotInput in, Cursor at, boolean v1, long clockMillis,
      long appliedIndex) throws IOException {
    long clientId = in.readLong();
    long lastOpId = in.readLong();
    long opIndex = v1 ? 0 : in.readLong();
    long lastActiveMillis = in.readLong();
    long lastUsedIndex = in.readLong();
    if (v1) {
      opIndex = lastUsedIndex; // version 1 did not record it; the latest use is the best known
    }
    if (lastOpId == 0 || lastActiveMillis < 0 || lastActiveMillis > clockMillis
        || lastUsedIndex < 1 || lastUsedIndex > appliedIndex || opIndex < 1
        || opIndex > lastUsedIndex) {
      throw at.error("impossible session opId=" + Long.toUnsignedString(lastOpId) + " opIndex="
          + opIndex + " lastActive=" + lastActiveMillis + " lastUsedIndex=" + lastUsedIndex
          + " (clock " + clockMillis + ", applied index " + appliedIndex + ")");
    }
    ApplyResult result = readResult(in, at, v1);
    if (result instanceof ApplyResult.ValueForgotten f && f.index() != opIndex) {
      throw at.error("forgotten answer at index " + f.index() + " but the op took effect at "
          + opIndex);
    }
    return new Session(clientId, lastOpId, opIndex, result, lastActiveMillis, lastUsedIndex);
  }

  private static ApplyResult readResult(SnapshotInput in, Cursor at, boolean v1)
      throws IOException {
    int kind = in.readUnsignedByte();
    switch (kind) {
      case KIND_PUT:
        return new ApplyResult.Put(readOptional(in, at));
      case KIND_DELETE:
        return new ApplyResult.Delete(readBoolean(in, at));
      case KIND_CAS:
        boolean swapped = readBoolean(in, at);
        return new ApplyResult.Cas(swapped, readOptional(in, at));
      case KIND_FORGOTTEN:
        if (v1) {
          break;
        }
        int of = in.readUnsignedByte();
        if (of != KIND_PUT && of != KIND_CAS) {
          throw at.error("forgotten answer of unknown kind " + of);
        }
        boolean wasSwapped = readBoolean(in, at);
        if (of == KIND_PUT && wasSwapped) {
          throw at.error("forgotten Put answer marked swapped");
        }
        return new ApplyResult.ValueForgotten(of == KIND_CAS ? ApplyResult.WriteKind.CAS
            : ApplyResult.WriteKind.PUT, in.readLong(), wasSwapped);
      default:
        break;
    }
    throw at.error("unknown result kind " + kind);
  }

  private static boolean readBoolean(SnapshotInput in, Cursor at) throws IOException {
    int b = in.readUnsignedByte();
    if (b > 1) {
      throw at.error("boolean byte is " + b);
    }
    return b == 1;
  }

  private static byte[] readOptional(SnapshotInput in, Cursor at) throws IOException {
    int length = in.readInt();
    if (length == -1) {
      return null;
    }
    return readBytesOfLength(in, at, "result value", length);
  }

  private static byte[] readBytes(SnapshotInput in, Cursor at, String field) throws IOException {
    return readBytesOfLength(in, at, field, in.readInt());
  }

  private static byte[] readBytesOfLength(SnapshotInput in, Cursor at, String field, int length)
      throws IOException {
    // checked before allocating, so a damaged length cannot ask for gigabytes
    if (length < 0 || length > KvLimits.MAX_VALUE_BYTES) {
      throw at.error(field + " length " + length + " outside 0.." + KvLimits.MAX_VALUE_BYTES);
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return bytes;
  }

  /**
   * Where the reader is, for error messages. Only numbers are recorded per entry; the text is made
   * when an error needs it (building it for each of a million entries cost a tenth of a restore).
   */
  private static final class Cursor {
    private String section = "the header";
    private long item = -1;
    private long of;

    void at(String section) {
      this.section = section;
      this.item = -1;
    }

    void atEntry(long i, long count) {
      section = "entry ";
      item = i;
      of = count;
    }

    void atSession(long i, long count) {
      section = "session ";
      item = i;
      of = count;
    }

    IllegalArgumentException error(String problem) {
      String where = item < 0 ? section : section + item + " of " + of;
      return new IllegalArgumentException("invalid snapshot: " + problem + " (in " + where + ")");
    }
  }
}
