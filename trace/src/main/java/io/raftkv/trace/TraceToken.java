package io.raftkv.trace;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What travels with an RPC so the receiver's events are causally after the sender's: the trace
 * id and the sender's vector clock (as of its latest recorded event).
 *
 * <p>Binary form ({@link #toBytes()}), all integers unsigned LEB128 varints:
 * {@code version(=1) | len traceId(UTF-8) | count | count × (len host(UTF-8) | value)}, hosts in
 * ascending order. {@link #fromBytes} accepts exactly that and nothing else: a wrong version,
 * truncation, trailing bytes, an overlong varint, bad UTF-8, an invalid host or trace id, a
 * host out of order or twice, a value below 1, or more than {@value #MAX_BYTES} bytes are all
 * rejected with an {@link IllegalArgumentException} naming the problem.
 *
 * <p>Header form ({@link #toHeader()}): base64url of the binary form without padding, ASCII and
 * safe for gRPC metadata values.
 */
public record TraceToken(String traceId, VectorClock clock) {
  /** The version byte of the binary form. */
  public static final int VERSION = 1;
  /** The largest binary token accepted. */
  public static final int MAX_BYTES = 16 * 1024;

  /** Validates the trace id (1..256 printable ASCII, no space) and that clock is not null. */
  public TraceToken {
    Names.checkTraceId(traceId);
    Objects.requireNonNull(clock, "clock");
  }

  /** The binary form. */
  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 + 16 * clock.size());
    out.write(VERSION);
    writeString(out, traceId);
    writeVarint(out, clock.size());
    for (Map.Entry<String, Long> e : clock.entries().entrySet()) {
      writeString(out, e.getKey());
      writeVarint(out, e.getValue());
    }
    return out.toByteArray();
  }

  /**
   * Parses the binary form.
   *
   * @throws IllegalArgumentException naming the problem if bytes is not exactly a token
   */
  public static TraceToken fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length == 0) {
      throw new IllegalArgumentException("bad trace token: empty");
    }
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException("bad trace token: " + bytes.length
          + " bytes, more than the limit of " + MAX_BYTES);
    }
    Reader r = new Reader(bytes);
    int version = bytes[0] & 0xff;
    r.pos = 1;
    if (version != VERSION) {
      throw r.fail("version " + version + " (this build reads version " + VERSION + ")");
    }
    String traceId = r.string("trace id", Names.MAX_TRACE_ID_LENGTH);
    String problem = Names.traceIdProblem(traceId);
    if (problem != null) {
      throw r.fail("trace id \"" + Names.printable(traceId) + "\": " + problem);
    }
    long count = r.varint("host count");
    if (count > bytes.length) {
      throw r.fail("host count " + count + " cannot fit in " + bytes.length + " bytes");
    }
    TreeMap<String, Long> entries = new TreeMap<>();
    String previous = null;
    for (long i = 0; i < count; i++) {
      String host = r.string("host " + i, Names.MAX_HOST_LENGTH);
      String hostProblem = Names.hostProblem(host);
      if (hostProblem != null) {
        throw r.fail("host " + i + " \"" + Names.printable(host) + "\": " + hostProblem);
      }
      if (previous != null && previous.compareTo(host) >= 0) {
        throw r.fail("host \"" + host + "\" " + (previous.equals(host) ? "appears twice"
            : "comes after \"" + previous + "\" (hosts must be in ascending order)"));
      }
      long value = r.varint("clock value of " + host);
      if (value < 1) {
        throw r.fail("clock value of " + host + " is " + value + " (must be at least 1)");
      }
      entries.put(host, value);
      previous = host;
    }
    if (r.pos != bytes.length) {
      throw r.fail((bytes.length - r.pos) + " trailing bytes after the clock");
    }
    return new TraceToken(traceId, VectorClock.of(entries));
  }

  /** The header form: base64url without padding. */
  public String toHeader() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(toBytes());
  }

  /**
   * Parses the header form.
   *
   * @throws IllegalArgumentException naming the problem if header is not a token's header form
   */
  public static TraceToken fromHeader(String header) {
    Objects.requireNonNull(header, "header");
    if (header.length() > (MAX_BYTES * 4 + 2) / 3) {
      throw new IllegalArgumentException("bad trace token header: " + header.length()
          + " characters, longer than a " + MAX_BYTES + "-byte token");
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(header);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad trace token header \"" + Names.printable(header)
          + "\": not base64url (" + e.getMessage() + ")", e);
    }
    return fromBytes(bytes);
  }

  private static void writeString(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    writeVarint(out, b.length);
    out.write(b, 0, b.length);
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  /** A cursor over the bytes whose errors say where they are. */
  private static final class Reader {
    final byte[] bytes;
    int pos;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    IllegalArgumentException fail(String problem) {
      return new IllegalArgumentException("bad trace token at byte " + pos + ": " + problem);
    }

    long varint(String what) {
      long v = 0;
      for (int shift = 0; ; shift += 7) {
        if (pos >= bytes.length) {
          throw fail("truncated in " + what);
        }
        if (shift > 56) {
          throw fail(what + " is an overlong varint");
        }
        int b = bytes[pos++] & 0xff;
        v |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          if (shift > 0 && b == 0) {
            throw fail(what + " is a varint with a redundant zero byte");
          }
          return v;
        }
      }
    }

    String string(String what, int maxChars) {
      long len = varint("length of " + what);
      if (len > maxChars * 4L) {
        throw fail(what + " is " + len + " bytes long (at most " + maxChars + " characters)");
      }
      if (len > bytes.length - pos) {
        throw fail("truncated in " + what + " (" + len + " bytes announced, "
            + (bytes.length - pos) + " left)");
      }
      try {
        String s = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes, pos, (int) len)).toString();
        pos += (int) len;
        return s;
      } catch (CharacterCodingException e) {
        throw fail(what + " is not valid UTF-8");
      }
    }
  }
}
