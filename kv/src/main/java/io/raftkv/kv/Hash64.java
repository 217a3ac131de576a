package io.raftkv.kv;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A small streaming 64-bit hash (MurmurHash3-style mixing, fmix64 finaliser) for the state hash.
 *
 * <p>It has to be the same in every JVM, on every platform and in every release that replicas may
 * run side by side, so it is spelled out here rather than taken from {@code hashCode()}s that are
 * allowed to change. It is not cryptographic: it detects divergence, not tampering.
 */
final class Hash64 {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;

  /** Domain tags, so a map entry, a session and a result with the same bytes hash differently. */
  static final long TAG_ENTRY = 0x454e545259L;
  static final long TAG_SESSION = 0x53455353L;
  static final long TAG_RESULT = 0x524553L;
  static final long TAG_STATE = 0x5354415445L;

  private long h;

  Hash64(long tag) {
    this.h = fmix(tag ^ 0x9e3779b97f4a7c15L);
  }

  Hash64 add(long value) {
    long k = Long.rotateLeft(value * C1, 31) * C2;
    h = Long.rotateLeft(h ^ k, 27) * 5 + 0x52dce729L;
    return this;
  }

  Hash64 add(boolean value) {
    return add(value ? 1 : 0);
  }

  /**
   * Adds a byte string, length first: without it {@code ("ab","c")} and {@code ("a","bc")} would
   * collide, and a null (absent) value is told apart from an empty one by length -1.
   */
  Hash64 add(byte[] bytes) {
    if (bytes == null) {
      return add(-1L);
    }
    add(bytes.length);
    int i = 0;
    for (; i + 8 <= bytes.length; i += 8) {
      add((long) LONGS.get(bytes, i));
    }
    if (i < bytes.length) {
      long tail = 0;
      for (int shift = 0; i < bytes.length; i++, shift += 8) {
        tail |= (bytes[i] & 0xffL) << shift;
      }
      add(tail);
    }
    return this;
  }

  long finish() {
    return fmix(h);
  }

  /** The MurmurHash3 64-bit finaliser: every input bit affects every output bit. */
  static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }

  /** The hash of one map entry; the map's hash is the sum of these, so order does not matter. */
  static long ofEntry(byte[] key, byte[] value) {
    return new Hash64(TAG_ENTRY).add(key).add(value).finish();
  }

  /** The hash of a recorded result, cached in its session so refreshing a session is cheap. */
  static long ofResult(ApplyResult result) {
    Hash64 h = new Hash64(TAG_RESULT);
    if (result instanceof ApplyResult.Put p) {
      h.add(1).add(p.previous());
    } else if (result instanceof ApplyResult.Delete d) {
      h.add(2).add(d.existed());
    } else if (result instanceof ApplyResult.Cas c) {
      h.add(3).add(c.swapped()).add(c.current());
    } else if (result instanceof ApplyResult.ValueForgotten f) {
      h.add(4).add(f.kind().ordinal()).add(f.index()).add(f.swapped());
    } else {
      throw new IllegalArgumentException("only write results are recorded in sessions: " + result);
    }
    return h.finish();
  }

  /**
   * The state hash: the map and session sums with the clock and the settings that steer future
   * behaviour. Two replicas with equal inputs here behave identically from now on.
   */
  static long ofState(long mapSum, long sessionSum, long clockMillis, KvConfig config) {
    return new Hash64(TAG_STATE)
        .add(mapSum)
        .add(sessionSum)
        .add(clockMillis)
        .add(config.sessionTimeoutMillis())
        .add(config.maxSessions())
        .add(config.maxSessionAnswerBytes())
        .finish();
  }

  /**
   * The state hash as snapshot format version 1 stored it (before the session answer budget and
   * {@link Session#opIndex}): only for checking a version-1 snapshot as it is read.
   */
  static long ofStateV1(long mapSum, long sessionSumV1, long clockMillis, KvConfig config) {
    return new Hash64(TAG_STATE)
        .add(mapSum)
        .add(sessionSumV1)
        .add(clockMillis)
        .add(config.sessionTimeoutMillis())
        .add(config.maxSessions())
        .finish();
  }
}
