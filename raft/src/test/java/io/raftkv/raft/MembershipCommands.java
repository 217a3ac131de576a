package io.raftkv.raft;

import io.raftkv.raft.ScriptHarness.Args;
import io.raftkv.raft.ScriptHarness.FixedRandom;
import io.raftkv.raft.ScriptHarness.Peer;
import io.raftkv.raft.ScriptHarness.ScriptError;
import java.util.List;

/**
 * The membership commands of the scenario language (thesis §4), kept apart from {@link
 * ScriptHarness} which dispatches to them:
 *
 * <ul>
 *   <li>{@code propose-conf-change ID TYPE NODE [auto-promote] [expect=INDEX] [address=A]}: node
 *       ID proposes a single-server change; TYPE is {@code add-learner}, {@code promote}, {@code
 *       demote} or {@code remove}; {@code expect} is the configuration index the change expects
 *       (compare-and-set; any when absent). Prints {@code accepted index=I term=T} or {@code
 *       refused STATUS leader=L: reason}.
 *   <li>{@code add-node ID}: a brand-new node joins the network: empty storage and no bootstrap
 *       voters (a node joining an existing cluster), with the options of {@code add-nodes}. It
 *       learns the configuration from the log or a snapshot sent by the leader.
 *   <li>{@code show-config}: from here on, status lines end with the node's configuration in force
 *       (and {@code NOT-MEMBER} when it is not in it).
 *   <li>{@code membership [IDS]}: each node's configuration in force, whether it is committed on
 *       that node, and what the node is in it.
 * </ul>
 */
final class MembershipCommands {
  private final ScriptHarness h;
  private boolean showConfig;

  MembershipCommands(ScriptHarness harness) {
    this.h = harness;
  }

  /** Runs {@code cmd} if it is a membership command; returns false if it is not one. */
  boolean run(String cmd, Args a, StringBuilder out) {
    switch (cmd) {
      case "propose-conf-change" -> proposeConfChange(a, out);
      case "add-node" -> addNode(a);
      case "show-config" -> showConfig = true;
      case "membership" -> membership(a, out);
      default -> {
        return false;
      }
    }
    return true;
  }

  /** Appends the configuration to a status line, once {@code show-config} was given. */
  void appendStatus(NodeStatus s, StringBuilder sb) {
    if (!showConfig) {
      return;
    }
    sb.append(' ').append(s.membership());
    if (!s.isMember()) {
      sb.append(" NOT-MEMBER");
    }
  }

  private void proposeConfChange(Args a, StringBuilder out) {
    RaftNode n = h.node(a.intAt(1));
    int target = a.intAt(3);
    long expect = a.longOr("expect", ConfChange.ANY_INDEX);
    ConfChange change = switch (a.pos(2)) {
      case "add-learner" -> ConfChange.addLearner(target, a.str("address", ""),
          a.positional() > 4 && "auto-promote".equals(a.pos(4)), expect);
      case "promote" -> ConfChange.promote(target, expect);
      case "demote" -> ConfChange.demote(target, expect);
      case "remove" -> ConfChange.remove(target, expect);
      default -> throw new ScriptError("unknown conf change type: " + a.pos(2));
    };
    ProposeResult r = n.proposeConfChange(change);
    if (r.isAccepted()) {
      out.append("accepted index=").append(r.index()).append(" term=").append(r.term());
    } else {
      out.append("refused ").append(r.status()).append(" leader=").append(r.leaderHint())
          .append(": ").append(r.reason());
    }
    out.append('\n');
  }

  private void addNode(Args a) {
    int id = a.intAt(1);
    if (h.peers.containsKey(id)) {
      throw new ScriptError("node " + id + " exists already");
    }
    if (h.peers.isEmpty()) {
      throw new ScriptError("add-node needs a cluster (add-nodes) to copy its options from");
    }
    RaftConfig t = h.peers.firstEntry().getValue().config;
    FixedRandom random = new FixedRandom();
    RaftConfig config = new RaftConfig(id, List.of(), t.electionTimeoutTicks(),
        t.heartbeatIntervalTicks(), t.preVote(), t.checkQuorum(), t.maxEntriesPerMessage(),
        t.maxBytesPerMessage(), t.maxInflightMessages(), t.maxInflightBytes(),
        t.maxUncommittedBytes(), t.maxCommittedBytesPerReady(), t.learnerCatchUpEntries(), random,
        t.injectedBugs());
    Peer p = new Peer(id, config, random);
    p.node = new RaftNode(config, RestoredState.EMPTY);
    h.peers.put(id, p);
  }

  private void membership(Args a, StringBuilder out) {
    for (int id : h.ids(a.positional() > 1 ? a.pos(1) : "all")) {
      Peer p = h.peer(id);
      if (p.node == null) {
        out.append(id).append(": DOWN\n");
        continue;
      }
      NodeStatus s = p.node.status();
      Membership m = s.membership();
      out.append(id).append(": ").append(m)
          .append(m.index() <= s.commitIndex() ? " committed" : " uncommitted")
          .append(m.isVoter(id) ? " (voter)" : m.isLearner(id) ? " (learner)" : " (not a member)")
          .append('\n');
    }
  }
}
