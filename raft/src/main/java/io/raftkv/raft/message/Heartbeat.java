package io.raftkv.raft.message;

/**
 * A leader's sign of life to an otherwise idle follower (§5.2), also used to confirm leadership for
 * ReadIndex (thesis §6.4).
 *
 * @param commit    the leader's commit index capped at what it knows the follower holds, so the
 *                  follower never commits an entry the leader has not matched
 * @param readRound the latest ReadIndex confirmation round; echoed in the response
 * @param rejoinIndex as in {@link AppendEntries#rejoinIndex()}: 0 unless the follower is rejoining
 */
public record Heartbeat(int from, int to, long term, long commit, long readRound, long rejoinIndex)
    implements Message {

  /** A heartbeat to a follower in good standing. */
  public Heartbeat(int from, int to, long term, long commit, long readRound) {
    this(from, to, term, commit, readRound, 0);
  }
}
