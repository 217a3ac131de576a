package io.raftkv.client;

import io.raftkv.api.v1.Member;
import java.util.List;

/**
 * One member of the cluster's configuration, as the Cluster API describes it.
 *
 * @param id the member's node id
 * @param peerAddress where the other members reach it ({@code host:port})
 * @param clientAddress where clients reach it ({@code host:port})
 * @param learner whether it is a learner (receives the log, never votes, counted in no quorum)
 * @param autoPromote for a learner: whether the leader promotes it by itself once caught up
 */
public record ClusterMember(int id, String peerAddress, String clientAddress, boolean learner,
    boolean autoPromote) {

  static ClusterMember of(Member m) {
    return new ClusterMember(m.getId(), m.getPeerAddress(), m.getClientAddress(), m.getLearner(),
        m.getAutoPromote());
  }

  static List<ClusterMember> of(List<Member> members) {
    return members.stream().map(ClusterMember::of).toList();
  }
}
