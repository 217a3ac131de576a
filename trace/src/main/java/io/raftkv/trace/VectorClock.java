package io.raftkv.trace;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable vector clock: for each host, the number of events it recorded that this clock
 * has seen. Hosts not present count as 0; stored entries are always at least 1.
 *
 * <p>{@code a.happenedBefore(b)} iff every entry of a is at most b's and the clocks differ;
 * {@code a.concurrentWith(b)} iff they differ and neither happened before the other.
 */
public final class VectorClock {
  private static final VectorClock EMPTY = new VectorClock(new TreeMap<>());

  private final SortedMap<String, Long> entries;

  private VectorClock(TreeMap<String, Long> entries) {
    this.entries = Collections.unmodifiableSortedMap(entries);
  }

  /** The clock that has seen nothing. */
  public static VectorClock empty() {
    return EMPTY;
  }

  /**
   * A clock with these entries.
   *
   * @throws IllegalArgumentException if a host name is not valid (see {@link Tracer}) or a value
   *     is below 1
   */
  public static VectorClock of(Map<String, Long> entries) {
    TreeMap<String, Long> copy = new TreeMap<>();
    for (Map.Entry<String, Long> e : entries.entrySet()) {
      Names.checkHost(e.getKey());
      Long v = e.getValue();
      if (v == null || v < 1) {
        throw new IllegalArgumentException("clock entry for " + e.getKey() + " is " + v
            + "; entries must be at least 1 (absent hosts count as 0)");
      }
      copy.put(e.getKey(), v);
    }
    return copy.isEmpty() ? EMPTY : new VectorClock(copy);
  }

  /** The entries, sorted by host name, unmodifiable. */
  public Map<String, Long> entries() {
    return entries;
  }

  /** This clock's entry for host, 0 if absent. */
  public long get(String host) {
    Long v = entries.get(host);
    return v == null ? 0 : v;
  }

  /** Number of hosts with an entry. */
  public int size() {
    return entries.size();
  }

  /** A copy with host's entry one higher. */
  public VectorClock tick(String host) {
    Names.checkHost(host);
    TreeMap<String, Long> copy = new TreeMap<>(entries);
    copy.merge(host, 1L, Long::sum);
    return new VectorClock(copy);
  }

  /** The entry-wise maximum of this clock and other. */
  public VectorClock merge(VectorClock other) {
    TreeMap<String, Long> copy = new TreeMap<>(entries);
    other.entries.forEach((h, v) -> copy.merge(h, v, Math::max));
    return new VectorClock(copy);
  }

  /** True iff every entry of this clock is at most other's and the two differ. */
  public boolean happenedBefore(VectorClock other) {
    return lessOrEqual(this, other) && !entries.equals(other.entries);
  }

  /** True iff the clocks differ and neither happened before the other. */
  public boolean concurrentWith(VectorClock other) {
    return !lessOrEqual(this, other) && !lessOrEqual(other, this);
  }

  private static boolean lessOrEqual(VectorClock a, VectorClock b) {
    for (Map.Entry<String, Long> e : a.entries.entrySet()) {
      if (e.getValue() > b.get(e.getKey())) {
        return false;
      }
    }
    return true;
  }

  /** The clock as a JSON object, hosts sorted: {@code {"client1":4,"server3":17}}. */
  public String toJson() {
    StringBuilder b = new StringBuilder(16 + 16 * entries.size());
    appendJson(b);
    return b.toString();
  }

  void appendJson(StringBuilder b) {
    b.append('{');
    boolean first = true;
    for (Map.Entry<String, Long> e : entries.entrySet()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      JsonWriter.appendString(b, e.getKey());
      b.append(':').append(e.getValue().longValue());
    }
    b.append('}');
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VectorClock && ((VectorClock) o).entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return Objects.hash(entries);
  }

  @Override
  public String toString() {
    return toJson();
  }
}
