package io.raftkv.kv;

/**
 * One client's session (thesis §6.3): the latest operation applied for it and that operation's
 * answer, kept so a retry can be answered without applying it again. Client and operation ids are
 * unsigned 64-bit numbers.
 */
final class Session {
  final long clientId;
  final long lastOpId;
  /** The log index at which {@link #lastOpId} took effect. */
  final long opIndex;
  /**
   * The answer to {@link #lastOpId}; always a write result (Put, Delete, Cas, or ValueForgotten
   * when the answer's value did not fit the byte budget).
   */
  final ApplyResult lastResult;
  /** Cached {@link Hash64#ofResult} of {@link #lastResult}: it may hold a 1 MiB value. */
  final long resultHash;
  /** Bytes of values {@link #lastResult} holds (what counts against the answer budget). */
  final long answerBytes;
  /** The state machine's clock when the session was last used; expiry counts from here. */
  long lastActiveMillis;
  /**
   * Log index of the last use. Unique and rising, so it orders sessions for LRU eviction without
   * ties, the same way on every replica.
   */
  long lastUsedIndex;

  Session(long clientId, long lastOpId, long opIndex, ApplyResult lastResult,
      long lastActiveMillis, long lastUsedIndex) {
    this.clientId = clientId;
    this.lastOpId = lastOpId;
    this.opIndex = opIndex;
    this.lastResult = lastResult;
    this.resultHash = Hash64.ofResult(lastResult);
    this.answerBytes = answerBytes(lastResult);
    this.lastActiveMillis = lastActiveMillis;
    this.lastUsedIndex = lastUsedIndex;
  }

  /** This session with its answer replaced by {@link ApplyResult.ValueForgotten}. */
  Session forgettingValue() {
    ApplyResult.ValueForgotten marker = lastResult instanceof ApplyResult.Cas c
        ? new ApplyResult.ValueForgotten(ApplyResult.WriteKind.CAS, opIndex, c.swapped())
        : new ApplyResult.ValueForgotten(ApplyResult.WriteKind.PUT, opIndex, false);
    return new Session(clientId, lastOpId, opIndex, marker, lastActiveMillis, lastUsedIndex);
  }

  /** Bytes of values a recorded answer holds. */
  static long answerBytes(ApplyResult result) {
    byte[] value = result instanceof ApplyResult.Put p ? p.previous()
        : result instanceof ApplyResult.Cas c ? c.current() : null;
    return value == null ? 0 : value.length;
  }

  /** This session's share of the state hash; sessions combine by addition, so order is free. */
  long hash() {
    return new Hash64(Hash64.TAG_SESSION)
        .add(clientId)
        .add(lastOpId)
        .add(opIndex)
        .add(resultHash)
        .add(lastActiveMillis)
        .add(lastUsedIndex)
        .finish();
  }

  /** {@link #hash()} as snapshot format version 1 computed it (no {@link #opIndex}). */
  long hashV1() {
    return new Hash64(Hash64.TAG_SESSION)
        .add(clientId)
        .add(lastOpId)
        .add(resultHash)
        .add(lastActiveMillis)
        .add(lastUsedIndex)
        .finish();
  }
}
