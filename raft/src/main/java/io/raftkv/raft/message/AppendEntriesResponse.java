package io.raftkv.raft.message;

/**
 * The answer to an {@link AppendEntries} or {@link InstallSnapshot}.
 *
 * <p>On success {@code matchIndex} is the last index the request proved the follower holds. On a
 * rejection, {@code rejectedIndex} is the request's {@code prevLogIndex}, and the conflict hint of
 * §5.3 lets the leader skip a whole term per round trip: {@code conflictTerm} is the term the
 * follower holds at {@code rejectedIndex} (0 when its log is shorter) and {@code conflictIndex} the
 * first index it holds for that term (or its last index + 1 when its log is shorter).
 *
 * <p>{@code rejoining} says the follower restarted with less than it may have promised (its data
 * directory was lost, or recovery cut a record it may have acknowledged): until the leader lets it
 * rejoin, its answers prove what it holds now but count toward no quorum.
 */
public record AppendEntriesResponse(
    int from,
    int to,
    long term,
    boolean success,
    long matchIndex,
    long rejectedIndex,
    long conflictTerm,
    long conflictIndex,
    boolean rejoining)
    implements Message {

  /** An answer from a follower in good standing. */
  public AppendEntriesResponse(int from, int to, long term, boolean success, long matchIndex,
      long rejectedIndex, long conflictTerm, long conflictIndex) {
    this(from, to, term, success, matchIndex, rejectedIndex, conflictTerm, conflictIndex, false);
  }

  /** This answer marked as coming from a follower that is {@code rejoining}. */
  public AppendEntriesResponse withRejoining(boolean rejoining) {
    return rejoining == this.rejoining ? this : new AppendEntriesResponse(from, to, term, success,
        matchIndex, rejectedIndex, conflictTerm, conflictIndex, rejoining);
  }

  /** A successful answer proving the follower holds the leader's log up to {@code matchIndex}. */
  public static AppendEntriesResponse accept(int from, int to, long term, long matchIndex) {
    return new AppendEntriesResponse(from, to, term, true, matchIndex, 0, 0, 0);
  }

  /** A rejection of the request whose {@code prevLogIndex} was {@code rejectedIndex}. */
  public static AppendEntriesResponse reject(
      int from, int to, long term, long rejectedIndex, long conflictTerm, long conflictIndex) {
    return new AppendEntriesResponse(
        from, to, term, false, 0, rejectedIndex, conflictTerm, conflictIndex);
  }
}
