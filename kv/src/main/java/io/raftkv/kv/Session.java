package io.raftkv.kv;

/**
 * One client's session (thesis §6.3): the latest operation applied for it and that operation's
 * answer, kept so a retry can be answered without applying it again.
 */
final class Session {
  final long clientId;
  final long lastOpId;
  /** The answer to {@link #lastOpId}; always a write result (Put, Delete or Cas). */
  final ApplyResult lastResult;
  /** Cached {@link Hash64#ofResult} of {@link #lastResult}: it may hold a 1 MiB value. */
  final long resultHash;
  /** The state machine's clock when the session was last used; expiry counts from here. */
  long lastActiveMillis;
  /**
   * Log index of the last use. Unique and rising, so it orders sessions for LRU eviction without
   * ties, the same way on every replica.
   */
  long lastUsedIndex;

  Session(long clientId, long lastOpId, ApplyResult lastResult, long lastActiveMillis,
      long lastUsedIndex) {
    this.clientId = clientId;
    this.lastOpId = lastOpId;
    this.lastResult = lastResult;
    this.resultHash = Hash64.ofResult(lastResult);
    this.lastActiveMillis = lastActiveMillis;
    this.lastUsedIndex = lastUsedIndex;
  }

  /** This session's share of the state hash; sessions combine by addition, so order is free. */
  long hash() {
    return new Hash64(Hash64.TAG_SESSION)
        .add(clientId)
        .add(lastOpId)
        .add(resultHash)
        .add(lastActiveMillis)
        .add(lastUsedIndex)
        .finish();
  }
}
