package io.raftkv.server;

import io.raftkv.raft.NodeStatus;
import java.util.Map;

/**
 * What the node runtime last published about itself, readable from any thread (the gRPC services
 * read it to route requests and to answer Status).
 *
 * @param status      the Raft core's status after the last processed batch
 * @param stateHash   hash of the key-value state at {@code appliedIndex}
 * @param keys        number of keys stored
 * @param matchIndex  the leader's view of each follower's log (empty on a follower)
 * @param removedAt   the index of the configuration that removed this node (the one in force no
 *                    longer holds it, after one had held it), or 0 if it is not removed
 */
record NodeView(NodeStatus status, long stateHash, long appliedIndex, int keys,
    Map<Integer, Long> matchIndex, long removedAt) {

  /** Whether this node was removed from the cluster: it no longer votes or serves. */
  public boolean removed() {
    return removedAt > 0;
  }

  /** The configuration in force on this node (thesis §4.1). */
  public io.raftkv.raft.Membership membership() {
    return status.membership();
  }

  /** Why this removed node refuses requests, in one line. */
  public String removedReason() {
    return "node " + status.id() + " was removed from the cluster (configuration index "
        + removedAt + "); it no longer votes or serves";
  }

  /** Whether this node knows a leader (itself or another): it can serve writes and reads. */
  public boolean leaderKnown() {
    return status.leader() != io.raftkv.raft.RaftConfig.NONE;
  }

  public boolean isLeader() {
    return status.role() == io.raftkv.raft.Role.LEADER;
  }
}
