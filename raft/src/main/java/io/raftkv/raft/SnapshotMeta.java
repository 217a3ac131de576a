package io.raftkv.raft;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a snapshot covers (§7): every entry up to and including {@code index}, whose term was {@code
 * term}, and the configuration in force at that index (thesis §5.1: "the latest configuration as of
 * the last included index"), so a node restored from it knows the members without the entries.
 *
 * @param index      last log index included in the snapshot
 * @param term       term of the entry at {@code index}
 * @param membership the configuration in force at {@code index}
 */
public record SnapshotMeta(long index, long term, Membership membership) {

  public SnapshotMeta {
    Objects.requireNonNull(membership, "membership");
    if (index < 0 || term < 0) {
      throw new IllegalArgumentException("snapshot index and term must be >= 0");
    }
    if ((index == 0) != (term == 0)) {
      throw new IllegalArgumentException("snapshot index and term must both be 0 or both positive");
    }
    if (membership.index() > index) {
      throw new IllegalArgumentException("snapshot at " + index + " carries a configuration set"
          + " later, at " + membership.index());
    }
  }

  /** A snapshot whose configuration is the bootstrap one of these voters (tests, old formats). */
  public SnapshotMeta(long index, long term, List<Integer> voters) {
    this(index, term, Membership.ofVoters(voters));
  }

  /** The voting members at {@code index}, ascending. */
  public List<Integer> voters() {
    return Arrays.stream(membership.voters()).boxed().toList();
  }
}
