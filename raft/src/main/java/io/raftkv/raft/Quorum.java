package io.raftkv.raft;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntToLongFunction;

/**
 * Majority arithmetic over one configuration's voters (learners are never in it). Kept apart from
 * the node so that joint consensus (thesis §4.3) can later replace it with a pair of majorities
 * without touching the callers.
 */
final class Quorum {
  private final int[] voters;
  /** Reused by {@link #committedValue}: the core is single-threaded and this is on the hot path. */
  private final long[] scratch;

  Quorum(List<Integer> voters) {
    this(voters.stream().mapToInt(Integer::intValue).toArray());
  }

  Quorum(int[] voters) {
    this.voters = voters.clone();
    Arrays.sort(this.voters);
    this.scratch = new long[this.voters.length];
  }

  int size() {
    return voters.length;
  }

  int majority() {
    return voters.length / 2 + 1;
  }

  int[] voters() {
    return voters.clone();
  }

  boolean contains(int id) {
    return Arrays.binarySearch(voters, id) >= 0;
  }

  /**
   * The largest value that a majority of voters has reached; absent voters count as 0. With no
   * voters (a node that knows no configuration yet) nothing is ever reached: 0.
   */
  long committedValue(IntToLongFunction valueOf) {
    if (voters.length == 0) {
      return 0;
    }
    long[] values = scratch;
    for (int i = 0; i < voters.length; i++) {
      values[i] = valueOf.applyAsLong(voters[i]);
    }
    Arrays.sort(values);
    return values[voters.length - majority()];
  }

  /** The outcome of an election given the answers so far (§5.2). */
  enum VoteResult { WON, LOST, PENDING }

  VoteResult tally(Map<Integer, Boolean> votes) {
    int granted = 0;
    int refused = 0;
    for (int v : voters) {
      Boolean b = votes.get(v);
      if (b == null) {
        continue;
      }
      if (b) {
        granted++;
      } else {
        refused++;
      }
    }
    if (voters.length > 0 && granted >= majority()) {
      return VoteResult.WON;
    }
    if (refused > voters.length - majority()) {
      return VoteResult.LOST;
    }
    return VoteResult.PENDING;
  }
}
