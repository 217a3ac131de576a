package io.raftkv.raft;

/**
 * A snapshot of one node's state, for status APIs, tests and invariant checkers.
 *
 * @param readsPending ReadIndex requests not yet answered
 * @param transferee   the target of a leadership transfer in progress, or {@link RaftConfig#NONE}
 * @param rejoining    whether the node is rejoining after it lost state ({@link
 *                     RestoredState#rejoining()}): it neither votes nor counts toward a quorum
 * @param membership   the configuration in force on this node (thesis §4.1)
 */
public record NodeStatus(
    int id,
    long term,
    int vote,
    Role role,
    int leader,
    long firstIndex,
    long lastIndex,
    long lastTerm,
    long commitIndex,
    long appliedIndex,
    long stableIndex,
    int readsPending,
    int transferee,
    boolean rejoining,
    Membership membership) {

  /** Whether this node is a voter of its own configuration. */
  public boolean isVoter() {
    return membership.isVoter(id);
  }

  /**
   * Whether the configuration in force holds this node. A node that is not a member never
   * campaigns; it is either removed (it was a member of an earlier configuration) or joining (its
   * log has not yet reached the entry that adds it): the runtime, which saw which, says so.
   */
  public boolean isMember() {
    return membership.contains(id);
  }
}
