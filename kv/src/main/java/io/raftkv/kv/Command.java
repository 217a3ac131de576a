package io.raftkv.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * A write to the key-value store, as carried in a log entry (encoded by {@link CommandCodec}).
 *
 * <p>Every write belongs to a client session: {@code clientId} names the client and {@code opId}
 * numbers its operations from 1, rising by at least one for each new operation. Both are unsigned
 * 64-bit numbers ({@code uint64} on the wire): compare them with {@link Long#compareUnsigned} and
 * print them with {@link Long#toUnsignedString}; {@code opId} runs from 1 to 2<sup>64</sup>−1
 * (which Java holds as -1). A retry of the
 * same operation reuses its {@code opId}, which is how the state machine applies it exactly once
 * (see {@link KvStateMachine}).
 *
 * <p>{@code proposedAtMillis} is the leader's wall clock when it proposed the command. It is the
 * state machine's only notion of time: sessions expire by it, so every replica expires the same
 * sessions at the same log index. The state machine never reads a clock itself.
 *
 * <p>Commands are immutable by contract: their byte arrays are not copied, so callers must not
 * modify an array after handing it over, nor arrays they receive. All sizes are checked against
 * {@link KvLimits} on construction, so a command that exists can always be encoded.
 */
public sealed interface Command permits Command.Put, Command.Delete, Command.Cas {

  /** The client session this write belongs to. Any 64-bit value; clients pick a random one. */
  long clientId();

  /** The operation's number within its session: unsigned, 1 to 2<sup>64</sup>−1, never 0. */
  long opId();

  /** The proposing leader's wall-clock time, in milliseconds since the epoch; at least 0. */
  long proposedAtMillis();

  /** The key written. */
  byte[] key();

  /** The same command with the leader's proposal time set, which the leader does just before proposing. */
  Command withProposedAtMillis(long proposedAtMillis);

  /** Sets {@code key} to {@code value}; the result carries the previous value. */
  record Put(long clientId, long opId, long proposedAtMillis, byte[] key, byte[] value)
      implements Command {
    public Put {
      checkSession(opId, proposedAtMillis);
      KvLimits.checkKey(key);
      KvLimits.checkValue(value);
    }

    @Override
    public Put withProposedAtMillis(long proposedAtMillis) {
      return new Put(clientId, opId, proposedAtMillis, key, value);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Put p
          && sameSession(this, p)
          && Arrays.equals(p.key, key)
          && Arrays.equals(p.value, value);
    }

    @Override
    public int hashCode() {
      return sessionHash(this) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Put[" + session(this) + " " + KvBytes.printable(key) + "=" + KvBytes.printable(value)
          + "]";
    }
  }

  /** Removes {@code key}; the result says whether it existed. */
  record Delete(long clientId, long opId, long proposedAtMillis, byte[] key) implements Command {
    public Delete {
      checkSession(opId, proposedAtMillis);
      KvLimits.checkKey(key);
    }

    @Override
    public Delete withProposedAtMillis(long proposedAtMillis) {
      return new Delete(clientId, opId, proposedAtMillis, key);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Delete d && sameSession(this, d) && Arrays.equals(d.key, key);
    }

    @Override
    public int hashCode() {
      return sessionHash(this);
    }

    @Override
    public String toString() {
      return "Delete[" + session(this) + " " + KvBytes.printable(key) + "]";
    }
  }

  /**
   * Compare-and-swap: sets {@code key} to {@code newValue} only if its current value equals {@code
   * expected}, where a null {@code expected} means "only if the key is absent". The result says
   * whether the swap happened and carries the value the key holds afterwards.
   */
  record Cas(
      long clientId, long opId, long proposedAtMillis, byte[] key, byte[] expected, byte[] newValue)
      implements Command {
    public Cas {
      checkSession(opId, proposedAtMillis);
      KvLimits.checkKey(key);
      if (expected != null) {
        KvLimits.checkValue(expected);
      }
      KvLimits.checkValue(newValue);
    }

    /** Whether the swap requires the key to be absent. */
    public boolean expectsAbsent() {
      return expected == null;
    }

    @Override
    public Cas withProposedAtMillis(long proposedAtMillis) {
      return new Cas(clientId, opId, proposedAtMillis, key, expected, newValue);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Cas c
          && sameSession(this, c)
          && Arrays.equals(c.key, key)
          && Arrays.equals(c.expected, expected)
          && Arrays.equals(c.newValue, newValue);
    }

    @Override
    public int hashCode() {
      return (sessionHash(this) * 31 + KvBytes.hash(expected)) * 31 + Arrays.hashCode(newValue);
    }

    @Override
    public String toString() {
      return "Cas[" + session(this) + " " + KvBytes.printable(key) + " "
          + KvBytes.printable(expected) + "->" + KvBytes.printable(newValue) + "]";
    }
  }

  private static void checkSession(long opId, long proposedAtMillis) {
    if (opId == 0) {
      throw new IllegalArgumentException("opId must be 1 to 2^64-1 (unsigned), got 0");
    }
    if (proposedAtMillis < 0) {
      throw new IllegalArgumentException("proposedAtMillis must be >= 0, got " + proposedAtMillis);
    }
  }

  private static boolean sameSession(Command a, Command b) {
    return a.clientId() == b.clientId()
        && a.opId() == b.opId()
        && a.proposedAtMillis() == b.proposedAtMillis()
        && Arrays.equals(a.key(), b.key());
  }

  private static int sessionHash(Command c) {
    return Objects.hash(c.clientId(), c.opId(), c.proposedAtMillis()) * 31
        + Arrays.hashCode(c.key());
  }

  private static String session(Command c) {
    return "client=" + Long.toUnsignedString(c.clientId(), 16) + " op=" + Long.toUnsignedString(c.opId())
        + " at=" + c.proposedAtMillis();
  }
}
