package io.raftkv.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of the replicated log (§5.3): its position, the term of the leader that created it, and
 * an opaque command.
 *
 * <p>The core never interprets {@code data}. Entries are immutable by contract: callers must not
 * modify the array after handing it over, and must not modify arrays they receive.
 *
 * @param index position in the log, starting at 1
 * @param term  term in which a leader first appended the entry
 * @param type  what the entry carries
 * @param data  the command bytes; empty for {@link EntryType#NOOP}
 */
public record Entry(long index, long term, EntryType type, byte[] data) {

  private static final byte[] EMPTY = new byte[0];

  public Entry {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(data, "data");
    if (index < 1) {
      throw new IllegalArgumentException("entry index must be >= 1, got " + index);
    }
    if (term < 1) {
      throw new IllegalArgumentException("entry term must be >= 1, got " + term);
    }
  }

  /** A normal entry carrying a client command. */
  public static Entry normal(long index, long term, byte[] data) {
    return new Entry(index, term, EntryType.NORMAL, data);
  }

  /** The empty entry a new leader appends at the start of its term (§5.4.2, thesis §6.4). */
  public static Entry noop(long index, long term) {
    return new Entry(index, term, EntryType.NOOP, EMPTY);
  }

  /** A configuration entry (thesis §4.1): {@code membership} in force from this index on. */
  public static Entry config(long index, long term, Membership membership) {
    return new Entry(index, term, EntryType.CONFIG, membership.encode());
  }

  /** Approximate bytes this entry takes on the wire, used for flow-control limits. */
  public long sizeBytes() {
    return data.length + 24L;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entry e
        && e.index == index
        && e.term == term
        && e.type == type
        && Arrays.equals(e.data, data);
  }

  @Override
  public int hashCode() {
    // ordinal, not the enum's identity hash: hashes must be the same in every JVM run
    return (Long.hashCode(index) * 31 + Long.hashCode(term)) * 31 + type.ordinal() * 7
        + Arrays.hashCode(data);
  }

  private String describeConfig() {
    try {
      return Membership.decode(index, data).toString();
    } catch (IllegalArgumentException e) {
      return "config?" + Bytes.printable(data);
    }
  }

  @Override
  public String toString() {
    return index + "/" + term + switch (type) {
      case NOOP -> " noop";
      case CONFIG -> " " + describeConfig();
      case NORMAL -> " " + Bytes.printable(data);
    };
  }
}
