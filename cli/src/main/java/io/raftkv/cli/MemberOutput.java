package io.raftkv.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftkv.client.ClusterMember;
import io.raftkv.client.MemberChange;
import io.raftkv.client.MemberList;
import java.util.OptionalLong;

/** How {@code raftkv member ...} writes its results: a table or line, or one JSON object. */
final class MemberOutput {
  private MemberOutput() {}

  /** The role column: voter or learner. */
  static String role(ClusterMember m) {
    return m.learner() ? "learner" : "voter";
  }

  /**
   * A member's replication progress as the leader reports it: {@code leader} for the leader,
   * {@code caught up} or {@code N behind} for the others, {@code -} if the leader reports none.
   */
  static String progress(MemberList list, ClusterMember m) {
    if (m.id() == list.leaderId()) {
      return "leader";
    }
    OptionalLong lag = list.lag(m.id());
    if (lag.isEmpty()) {
      return "-";
    }
    return lag.getAsLong() == 0 ? "caught up" : lag.getAsLong() + " behind";
  }

  /** The member list as a table, a line of configuration first. */
  static String table(MemberList list) {
    StringBuilder sb = new StringBuilder(String.format("configuration index %d (%s)  leader %s"
        + "  leader last index %d%n", list.configIndex(),
        list.configCommitted() ? "committed" : "not committed yet",
        list.leaderId() == 0 ? "unknown" : String.valueOf(list.leaderId()),
        list.leaderLastIndex()));
    String row = "%-4s %-8s %-21s %-21s %9s  %-14s %s%n";
    sb.append(String.format(row, "id", "role", "peer", "client", "match", "progress",
        "auto-promote"));
    for (ClusterMember m : list.members()) {
      Long match = list.matchIndex().get(m.id());
      sb.append(String.format(row, m.id(), role(m), m.peerAddress(), m.clientAddress(),
          match == null ? "-" : match, progress(list, m),
          m.learner() ? (m.autoPromote() ? "yes" : "no") : "-"));
    }
    return sb.toString();
  }

  static ObjectNode json(MemberList list) {
    ObjectNode o = KvCommands.JSON.createObjectNode();
    o.put("config_index", list.configIndex());
    o.put("config_committed", list.configCommitted());
    o.put("leader_id", list.leaderId());
    o.put("leader_last_index", list.leaderLastIndex());
    var members = o.putArray("members");
    for (ClusterMember m : list.members()) {
      ObjectNode j = member(members.addObject(), m);
      Long match = list.matchIndex().get(m.id());
      if (match != null) {
        j.put("match_index", match);
      } else {
        j.putNull("match_index");
      }
    }
    return o;
  }

  /** One line saying what a change did, like {@code added member 4 as a learner}. */
  static String changed(String done, int id, MemberChange change) {
    return done + " member " + id + " (configuration index " + change.configIndex() + "; "
        + change.members().stream().map(m -> m.id() + (m.learner() ? " learner" : " voter"))
            .reduce((a, b) -> a + ", " + b).orElse("no members") + ")";
  }

  static ObjectNode json(MemberChange change) {
    ObjectNode o = KvCommands.JSON.createObjectNode();
    o.put("config_index", change.configIndex());
    o.put("leader_id", change.leaderId());
    var members = o.putArray("members");
    change.members().forEach(m -> member(members.addObject(), m));
    return o;
  }

  private static ObjectNode member(ObjectNode j, ClusterMember m) {
    j.put("id", m.id());
    j.put("role", role(m));
    j.put("peer_address", m.peerAddress());
    j.put("client_address", m.clientAddress());
    j.put("auto_promote", m.autoPromote());
    return j;
  }
}
