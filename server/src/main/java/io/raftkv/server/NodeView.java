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
 */
record NodeView(NodeStatus status, long stateHash, long appliedIndex, int keys,
    Map<Integer, Long> matchIndex) {

  /** Whether this node knows a leader (itself or another): it can serve writes and reads. */
  public boolean leaderKnown() {
    return status.leader() != io.raftkv.raft.RaftConfig.NONE;
  }

  public boolean isLeader() {
    return status.role() == io.raftkv.raft.Role.LEADER;
  }
}
