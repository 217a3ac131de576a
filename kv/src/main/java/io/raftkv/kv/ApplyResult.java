package io.raftkv.kv;

import java.util.Arrays;

/**
 * What applying one log entry produced: the answer for the client that proposed it.
 *
 * <p>A write's result is recorded in its client's session, and a retry of the same operation is
 * answered with that recorded object, so a client that retries after a failover sees exactly the
 * answer of the one time its write took effect. Byte arrays are shared, not copied: callers must
 * not modify them.
 */
public sealed interface ApplyResult
    permits ApplyResult.Noop,
        ApplyResult.Put,
        ApplyResult.Delete,
        ApplyResult.Cas,
        ApplyResult.ValueForgotten,
        ApplyResult.Rejected {

  /** The entry carried no command (a leader's {@code NOOP}); only the applied index moved. */
  record Noop() implements ApplyResult {}

  /**
   * A {@link Command.Put} took effect.
   *
   * @param previous the value the key held before, or null if it was absent
   */
  record Put(byte[] previous) implements ApplyResult {
    @Override
    public boolean equals(Object o) {
      return o instanceof Put p && Arrays.equals(p.previous, previous);
    }

    @Override
    public int hashCode() {
      return KvBytes.hash(previous);
    }

    @Override
    public String toString() {
      return "Put[previous=" + KvBytes.printable(previous) + "]";
    }
  }

  /**
   * A {@link Command.Delete} took effect.
   *
   * @param existed whether the key was present (and so was removed)
   */
  record Delete(boolean existed) implements ApplyResult {}

  /**
   * A {@link Command.Cas} was evaluated.
   *
   * @param swapped whether the expected value matched and the new value was stored
   * @param current the value the key holds afterwards (the new value if swapped), or null if absent
   */
  record Cas(boolean swapped, byte[] current) implements ApplyResult {
    @Override
    public boolean equals(Object o) {
      return o instanceof Cas c && c.swapped == swapped && Arrays.equals(c.current, current);
    }

    @Override
    public int hashCode() {
      return Boolean.hashCode(swapped) * 31 + KvBytes.hash(current);
    }

    @Override
    public String toString() {
      return "Cas[swapped=" + swapped + " current=" + KvBytes.printable(current) + "]";
    }
  }

  /**
   * The answer to a <b>retry</b> of a write that took effect once, whose recorded answer was too
   * large to keep within {@link KvConfig#maxSessionAnswerBytes()}: the retry is not applied
   * again (exactly-once holds), and it is told that its write took effect and at which index, but
   * not the value the first answer carried (a Put's previous value, a Cas's current value). Only
   * retries get this; the first application always answers in full. Small answers (a Delete's, and
   * any whose values fit the budget) are always kept whole.
   *
   * @param kind    which write it was
   * @param index   the log index at which the write took effect
   * @param swapped for a Cas, whether it swapped; false for a Put
   */
  record ValueForgotten(WriteKind kind, long index, boolean swapped) implements ApplyResult {}

  /** The writes whose answers carry a value, and so may be kept as {@link ValueForgotten}. */
  enum WriteKind {
    PUT,
    CAS
  }

  /**
   * The entry was not applied; nothing changed but the applied index.
   *
   * @param reason  why, for the client to act on
   * @param message a sentence naming the client, operation or problem, for logs and error replies
   */
  record Rejected(Reason reason, String message) implements ApplyResult {}

  /** Why an entry was rejected. */
  enum Reason {
    /**
     * The operation is older than the latest one applied for its client, whose answer has been
     * replaced: it cannot be answered, and applying it again would break exactly-once. Only a
     * delayed duplicate of an operation the client already gave up on can get this.
     */
    STALE_REQUEST,
    /**
     * The client has no session (it expired, was evicted, or never existed) and the operation is
     * not the first of one ({@code opId > 1}), so it may be a retry of a write that already took
     * effect. The client must not retry it; it starts a new session (a new clientId, opId 1).
     */
    SESSION_EXPIRED,
    /**
     * The entry's bytes are not a valid command (damaged, or written by an incompatible version).
     * Every replica rejects it identically, so this never causes divergence.
     */
    INVALID_COMMAND
  }
}
