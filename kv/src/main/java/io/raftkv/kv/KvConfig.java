package io.raftkv.kv;

/**
 * Settings of the state machine. They decide which sessions survive, so they are part of the
 * replicated behaviour: every replica of a cluster must use the same values (they are mixed into
 * {@link KvStateMachine#stateHash()}, so a mismatch shows up as differing hashes).
 *
 * @param sessionTimeoutMillis a client session idle for longer than this (in proposal time, see
 *     {@link Command#proposedAtMillis()}) is dropped; its client then gets {@link
 *     ApplyResult.Reason#SESSION_EXPIRED}. Clients must give up retrying an operation well before
 *     this much time has passed since they first sent it.
 * @param maxSessions most sessions kept; opening one more drops the least recently used. Each
 *     session holds its last answer, which may carry a value of up to {@link
 *     KvLimits#MAX_VALUE_BYTES}, so this bounds session memory.
 */
public record KvConfig(long sessionTimeoutMillis, int maxSessions) {

  /** One hour: long enough for any client retry loop to give up first. */
  public static final long DEFAULT_SESSION_TIMEOUT_MILLIS = 60 * 60 * 1000L;

  /** Ten thousand concurrent clients. */
  public static final int DEFAULT_MAX_SESSIONS = 10_000;

  public KvConfig {
    if (sessionTimeoutMillis < 1) {
      throw new IllegalArgumentException(
          "sessionTimeoutMillis must be >= 1, got " + sessionTimeoutMillis);
    }
    if (maxSessions < 1) {
      throw new IllegalArgumentException("maxSessions must be >= 1, got " + maxSessions);
    }
  }

  /** The defaults: {@value #DEFAULT_SESSION_TIMEOUT_MILLIS} ms and {@value #DEFAULT_MAX_SESSIONS}. */
  public static KvConfig defaults() {
    return new KvConfig(DEFAULT_SESSION_TIMEOUT_MILLIS, DEFAULT_MAX_SESSIONS);
  }
}
