package io.raftkv.raft;

import java.util.List;

/**
 * What a snapshot covers (§7): every entry up to and including {@code index}, whose term was {@code
 * term}, and the voters at that point.
 *
 * @param index  last log index included in the snapshot
 * @param term   term of the entry at {@code index}
 * @param voters the ids of the voting members when the snapshot was taken
 */
public record SnapshotMeta(long index, long term, List<Integer> voters) {

  public SnapshotMeta {
    if (index < 0 || term < 0) {
      throw new IllegalArgumentException("snapshot index and term must be >= 0");
    }
    if ((index == 0) != (term == 0)) {
      throw new IllegalArgumentException("snapshot index and term must both be 0 or both positive");
    }
    voters = List.copyOf(voters);
  }
}
