package io.raftkv.kv;

import java.util.Map;
import java.util.NavigableMap;
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
  private final TreeMap<byte[], byte[]> entries = new TreeMap<>(KvBytes.UNSIGNED);
  /** Sum (mod 2^64) of {@link Hash64#ofEntry} over all entries: O(1) to update and to read. */
  private long hashSum;
  private long rawBytes;

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

  /** The entries from {@code fromKey} (inclusive) on, in unsigned key order; read-only use. */
  NavigableMap<byte[], byte[]> tailFrom(byte[] fromKey) {
    return entries.tailMap(fromKey, true);
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
