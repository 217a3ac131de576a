package io.raftkv.raft;

/**
 * A snapshot of one node's state, for status APIs, tests and invariant checkers.
 *
 * @param readsPending ReadIndex requests not yet answered
 * @param transferee   the target of a leadership transfer in progress, or {@link RaftConfig#NONE}
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
    int transferee) {}
