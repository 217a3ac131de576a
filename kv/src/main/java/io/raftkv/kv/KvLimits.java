package io.raftkv.kv;

/**
 * Size limits of the key-value store, enforced when a command is built, when it is decoded from a
 * log entry and when a snapshot is restored. Every replica must run with the same limits: they
 * decide whether a committed entry is applied or rejected, so they are constants, not settings.
 *
 * <p>The error messages name the limit and the actual size so a client can tell what to change.
 */
public final class KvLimits {
  private KvLimits() {}

  /**
   * Largest key, in bytes: 4 KiB. Keys are held in memory and compared on every lookup, so they are
   * kept small. Keys must also be non-empty: an empty key is almost
   * always a client that forgot to set one.
   */
  public static final int MAX_KEY_BYTES = 4 * 1024;

  /**
   * Largest value, in bytes: 1 MiB. A value travels in one log entry, one gRPC message and,
   * as a previous value, in the client's session, so it is bounded well below message limits.
   */
  public static final int MAX_VALUE_BYTES = 1024 * 1024;

  /**
   * Largest encoded command, in bytes: a compare-and-swap with a maximal key and two maximal values
   * plus its header. A transport or log that accepts this many bytes per entry accepts every valid
   * command.
   */
  public static final int MAX_COMMAND_BYTES = MAX_KEY_BYTES + 2 * MAX_VALUE_BYTES + 64;

  /**
   * Checks a key against the limits.
   *
   * @throws IllegalArgumentException naming the limit and the actual size if the key is empty or
   *     longer than {@link #MAX_KEY_BYTES}
   */
  public static void checkKey(byte[] key) {
    if (key == null) {
      throw new IllegalArgumentException("key must not be null");
    }
    checkKeyLength(key.length);
  }

  /**
   * Checks a value against the limits.
   *
   * @throws IllegalArgumentException naming the limit and the actual size if the value is longer
   *     than {@link #MAX_VALUE_BYTES}
   */
  public static void checkValue(byte[] value) {
    if (value == null) {
      throw new IllegalArgumentException("value must not be null");
    }
    checkValueLength(value.length);
  }

  static void checkKeyLength(long length) {
    if (length == 0) {
      throw new IllegalArgumentException("key is empty; keys must be 1 to " + MAX_KEY_BYTES + " bytes");
    }
    if (length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "key is " + length + " bytes; the maximum key size is " + MAX_KEY_BYTES
              + " bytes (KvLimits.MAX_KEY_BYTES)");
    }
  }

  static void checkValueLength(long length) {
    if (length > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException(
          "value is " + length + " bytes; the maximum value size is " + MAX_VALUE_BYTES
              + " bytes (KvLimits.MAX_VALUE_BYTES)");
    }
  }
}
