package io.raftkv.raft;

/**
 * Volatile facts about a node that need not be persisted but that callers want to observe.
 *
 * @param leader the leader this node knows for its current term, or {@link RaftConfig#NONE}
 * @param role   this node's role
 */
public record SoftState(int leader, Role role) {}
