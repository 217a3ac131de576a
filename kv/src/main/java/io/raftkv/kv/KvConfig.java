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
 * @param maxSessions most sessions kept; opening one more drops the least recently used. A session
 *     without its answer's values takes about 150 bytes of heap.
 * @param maxSessionAnswerBytes most bytes of values (a Put's previous value, a Cas's current
 *     value) the recorded answers of all sessions hold together. Recording an answer that would
 *     exceed it replaces the least recently used sessions' answers, oldest first, by {@link
 *     ApplyResult.ValueForgotten} (an answer larger than the whole budget is kept that way at once).
 *     Sessions are never dropped for it, so exactly-once holds for every session; only a retry's
 *     answer loses the value. Session memory is therefore bounded by about {@code maxSessions ×
 *     150 + maxSessionAnswerBytes} bytes.
 */
public record KvConfig(long sessionTimeoutMillis, int maxSessions, long maxSessionAnswerBytes) {

  /** One hour: long enough for any client retry loop to give up first. */
  public static final long DEFAULT_SESSION_TIMEOUT_MILLIS = 60 * 60 * 1000L;

  /** Ten thousand concurrent clients. */
  public static final int DEFAULT_MAX_SESSIONS = 10_000;

  /**
   * 64 MiB: an eighth of the 512 MiB heap {@code raftkv cluster up} gives a server, which leaves
   * room for the map, the in-memory log and requests in flight. It keeps whole the answers of 64
   * clients retrying 1 MiB writes at once, or of every one of 10,000 sessions whose values are
   * under 6 KiB. A setting, not the heap size read at run time: every replica must decide alike.
   */
  public static final long DEFAULT_MAX_SESSION_ANSWER_BYTES = 64L << 20;

  public KvConfig {
    if (sessionTimeoutMillis < 1) {
      throw new IllegalArgumentException(
          "sessionTimeoutMillis must be >= 1, got " + sessionTimeoutMillis);
    }
    if (maxSessions < 1) {
      throw new IllegalArgumentException("maxSessions must be >= 1, got " + maxSessions);
    }
    if (maxSessionAnswerBytes < 0) {
      throw new IllegalArgumentException(
          "maxSessionAnswerBytes must be >= 0, got " + maxSessionAnswerBytes);
    }
  }

  /** The given timeout and session count with {@link #DEFAULT_MAX_SESSION_ANSWER_BYTES}. */
  public KvConfig(long sessionTimeoutMillis, int maxSessions) {
    this(sessionTimeoutMillis, maxSessions, DEFAULT_MAX_SESSION_ANSWER_BYTES);
  }

  /**
   * The defaults: {@value #DEFAULT_SESSION_TIMEOUT_MILLIS} ms, {@value #DEFAULT_MAX_SESSIONS}
   * sessions and {@value #DEFAULT_MAX_SESSION_ANSWER_BYTES} answer bytes.
   */
  public static KvConfig defaults() {
    return new KvConfig(DEFAULT_SESSION_TIMEOUT_MILLIS, DEFAULT_MAX_SESSIONS);
  }
}
