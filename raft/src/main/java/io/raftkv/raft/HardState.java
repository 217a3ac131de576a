package io.raftkv.raft;

/**
 * The state a node must make durable before it acts on it (Figure 2, "persistent state on all
 * servers"), plus the commit index so a restart can re-apply without waiting for a leader.
 *
 * @param term   the latest term this node has seen
 * @param vote   the candidate voted for in {@code term}, or {@link RaftConfig#NONE}
 * @param commit the highest log index known to be committed
 */
public record HardState(long term, int vote, long commit) {

  /** The state of a node that has never run. */
  public static final HardState EMPTY = new HardState(0, RaftConfig.NONE, 0);

  public HardState {
    if (term < 0 || commit < 0) {
      throw new IllegalArgumentException("term and commit must be >= 0: " + term + ", " + commit);
    }
  }
}
