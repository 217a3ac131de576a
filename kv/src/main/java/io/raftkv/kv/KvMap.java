package io.raftkv.kv;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ordered map of the store with an order-independent hash kept up to date on every change.
 *
 * <p>Keys are raw {@code byte[]} in a {@link TreeMap} with an unsigned comparator: no wrapper
 * object per key, so an entry costs the tree node and the two arrays and nothing else (this is
 * what keeps 1,000,000 small entries well under 3x their raw size). Arrays are owned by the map
 * once put: nobody may modify them.
 */
final class KvMap {
  private final TreeMap<byte[], byte[]> entries;
  /** Sum (mod 2^64) of {@link Hash64#ofEntry} over all entries: O(1) to update and to read. */
  private long hashSum;
  private long rawBytes;

  /** An empty map. */
  KvMap() {
    this(new TreeMap<>(KvBytes.UNSIGNED), 0, 0);
  }

  private KvMap(TreeMap<byte[], byte[]> entries, long hashSum, long rawBytes) {
    this.entries = entries;
    this.hashSum = hashSum;
    this.rawBytes = rawBytes;
  }

  /**
   * Collects entries given in strictly ascending unsigned key order (as a snapshot lists them) and
   * builds the map from them in linear time (see {@link SortedRun}). Single use.
   */
  static final class SortedLoader {
    private byte[][] keys;
    private byte[][] values;
    private int size;
    private long hashSum;
    private long rawBytes;

    /** {@code expected} only sizes the first arrays; a damaged count cannot claim much memory. */
    SortedLoader(long expected) {
      int initial = (int) Math.max(16, Math.min(expected, 1 << 16));
      keys = new byte[initial][];
      values = new byte[initial][];
    }

    /**
     * Adds the next entry.
     *
     * @throws IllegalArgumentException if {@code key} is not above the previous key
     */
    void add(byte[] key, byte[] value) {
      if (size > 0 && Arrays.compareUnsigned(keys[size - 1], key) >= 0) {
        throw new IllegalArgumentException("keys out of order: " + KvBytes.printable(key)
            + " after " + KvBytes.printable(keys[size - 1]));
      }
      if (size == keys.length) {
        int grown = (int) Math.min(Integer.MAX_VALUE - 8, 2L * size);
        keys = Arrays.copyOf(keys, grown);
        values = Arrays.copyOf(values, grown);
      }
      keys[size] = key;
      values[size] = value;
      size++;
      hashSum += Hash64.ofEntry(key, value);
      rawBytes += key.length + value.length;
    }

    KvMap build() {
      TreeMap<byte[], byte[]> tree = new TreeMap<>(KvBytes.UNSIGNED);
      tree.putAll(new SortedRun(keys, values, size));
      keys = null; // single use: the tree holds the arrays now
      values = null;
      return new KvMap(tree, hashSum, rawBytes);
    }
  }

  byte[] get(byte[] key) {
    return entries.get(key);
  }

  /** Stores {@code value} under {@code key} and returns the previous value or null. */
  byte[] put(byte[] key, byte[] value) {
    byte[] previous = entries.put(key, value);
    if (previous != null) {
      hashSum -= Hash64.ofEntry(key, previous);
      rawBytes -= key.length + previous.length;
    }
    hashSum += Hash64.ofEntry(key, value);
    rawBytes += key.length + value.length;
    return previous;
  }

  /** Removes {@code key} and returns the value it had, or null if it was absent. */
  byte[] remove(byte[] key) {
    byte[] previous = entries.remove(key);
    if (previous != null) {
      hashSum -= Hash64.ofEntry(key, previous);
      rawBytes -= key.length + previous.length;
    }
    return previous;
  }

  /** All entries in key order; read-only use. */
  Iterable<Map.Entry<byte[], byte[]>> all() {
    return entries.entrySet();
  }

  int size() {
    return entries.size();
  }

  long hashSum() {
    return hashSum;
  }

  /** Sum of key and value lengths: the raw payload the heap overhead is measured against. */
  long rawBytes() {
    return rawBytes;
  }
}
