package io.raftkv.kv;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;

/**
 * A read-only sorted map over parallel arrays of keys (strictly ascending, unsigned) and values.
 * It exists so that {@link KvMap} can be built from a snapshot in linear time: {@code
 * TreeMap.putAll} copies a {@link SortedMap} with the same comparator into a balanced tree without
 * comparing a single key, where putting 1,000,000 keys one by one costs about twenty comparisons
 * each. The arrays are not copied; nobody may change them while the run is in use.
 */
final class SortedRun extends AbstractMap<byte[], byte[]> implements SortedMap<byte[], byte[]> {
  private final byte[][] keys;
  private final byte[][] values;
  private final int from;
  private final int to;

  /** The entries {@code [0, size)} of the arrays. */
  SortedRun(byte[][] keys, byte[][] values, int size) {
    this(keys, values, 0, size);
  }

  private SortedRun(byte[][] keys, byte[][] values, int from, int to) {
    this.keys = keys;
    this.values = values;
    this.from = from;
    this.to = to;
  }

  @Override
  public Comparator<? super byte[]> comparator() {
    return KvBytes.UNSIGNED;
  }

  @Override
  public int size() {
    return to - from;
  }

  /** Looks the key up by content (byte arrays have identity equality), in O(log n). */
  @Override
  public byte[] get(Object key) {
    if (!(key instanceof byte[] k)) {
      return null;
    }
    int i = lowerBound(k);
    return i < to && Arrays.equals(keys[i], k) ? values[i] : null;
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null; // values are never null
  }

  @Override
  public Set<Map.Entry<byte[], byte[]>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return to - from;
      }

      @Override
      public Iterator<Map.Entry<byte[], byte[]>> iterator() {
        return new Iterator<>() {
          private int next = from;

          @Override
          public boolean hasNext() {
            return next < to;
          }

          @Override
          public Map.Entry<byte[], byte[]> next() {
            if (next >= to) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new AbstractMap.SimpleImmutableEntry<>(keys[i], values[i]);
          }
        };
      }
    };
  }

  @Override
  public SortedMap<byte[], byte[]> subMap(byte[] fromKey, byte[] toKey) {
    int start = lowerBound(fromKey);
    return new SortedRun(keys, values, start, Math.max(start, lowerBound(toKey)));
  }

  @Override
  public SortedMap<byte[], byte[]> headMap(byte[] toKey) {
    return new SortedRun(keys, values, from, lowerBound(toKey));
  }

  @Override
  public SortedMap<byte[], byte[]> tailMap(byte[] fromKey) {
    return new SortedRun(keys, values, lowerBound(fromKey), to);
  }

  @Override
  public byte[] firstKey() {
    if (from == to) {
      throw new NoSuchElementException();
    }
    return keys[from];
  }

  @Override
  public byte[] lastKey() {
    if (from == to) {
      throw new NoSuchElementException();
    }
    return keys[to - 1];
  }

  /** The first position in {@code [from, to)} whose key is at least {@code key}. */
  private int lowerBound(byte[] key) {
    int lo = from;
    int hi = to;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Arrays.compareUnsigned(keys[mid], key) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
