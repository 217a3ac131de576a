package io.raftkv.raft;

/**
 * A snapshot of one node's state, for status APIs, tests and invariant checkers.
 *
 * @param readsPending ReadIndex requests not yet answered
 * @param transferee   the target of a leadership transfer in progress, or {@link RaftConfig#NONE}
 * @param rejoining    whether the node is rejoining after it lost state ({@link
 *                     RestoredState#rejoining()}): it neither votes nor counts toward a quorum
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
    boolean rejoining) {}
