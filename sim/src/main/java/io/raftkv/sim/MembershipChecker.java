package io.raftkv.sim;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.Membership;
import io.raftkv.raft.NodeStatus;
import io.raftkv.raft.Ready;
import io.raftkv.raft.Role;
import io.raftkv.raft.Snapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster-wide safety properties of membership changes (thesis chapter 4), checked after every
 * simulated step, with or without churn:
 *
 * <ul>
 *   <li>Configuration matching: the configuration in force at an index (the latest CONFIG entry at
 *       or below it in a node's durable log, or its snapshot's) is the same on every node holding
 *       the same entry (index, term) there; and the configuration a node says is in force ({@link
 *       NodeStatus#membership()}) is the one its log's last entry implies (no second copy drifts).
 *   <li>One change at a time: a leader's log never holds two CONFIG entries above the highest
 *       index any node has known committed (thesis §4.1; Ongaro's 2015 counter-example needs two).
 *   <li>Learners never counted: whenever a leader's commit index advances to {@code c}, a majority
 *       of the voters of the leader's configuration have made the entry at {@code c} durable (some
 *       time: acknowledged, per the nodes' durable logs, not the leader's bookkeeping).
 *   <li>A new leader is a voter of its own configuration (or that configuration is uncommitted on
 *       it: see {@code Raft.votesInElections}), and a leader whose configuration does not
 *       hold it as a voter, once that configuration is committed on it, stops leading within
 *       {@code 2 * electionTicks} of its own ticks (thesis §4.2.2; etcd #11038).
 * </ul>
 */
final class MembershipChecker {
  private record IndexTerm(long index, long term) {}

  /** (index, term) -> the configuration in force there, as the first node to persist it saw it. */
  private final Map<IndexTerm, Membership> configAt = new HashMap<>();
  /** (index, term) -> bit set of the node ids that ever made that entry durable. */
  private final Map<IndexTerm, Long> durableOn = new HashMap<>();
  /** Per node: the highest snapshot index it ever made durable (it holds every entry below). */
  private final Map<Integer, Long> snapshotOn = new HashMap<>();
  /** Per node: index -> term of the CONFIG entries in its durable log. */
  private final Map<Integer, TreeMap<Long, Long>> configEntries = new HashMap<>();
  /** Per node: consecutive ticks it has led while removed or demoted by a committed change. */
  private final Map<Integer, Integer> removedLeaderTicks = new HashMap<>();
  private final int removedLeaderBoundTicks;
  /** The highest index any node has known committed. */
  private long clusterCommit;

  MembershipChecker(int electionTicks) {
    this.removedLeaderBoundTicks = 2 * electionTicks;
  }


  /** Node {@code node} made {@code rd} durable; {@code store} is its durable state after it. */
  void onPersisted(int node, MemoryStore store, Ready rd, Membership bootstrap) {
    if (node >= Long.SIZE) {
      throw new IllegalStateException("node ids up to 63 are supported, got " + node);
    }
    TreeMap<Long, Long> configs = configEntries.computeIfAbsent(node, k -> new TreeMap<>());
    Snapshot snap = rd.snapshot();
    if (snap != null) {
      snapshotOn.merge(node, snap.meta().index(), Math::max);
      matchConfig(node, snap.meta().index(), snap.meta().term(), snap.meta().membership());
      configs.clear();
    }
    List<Entry> entries = rd.entries();
    if (entries.isEmpty()) {
      return;
    }
    configs.tailMap(entries.get(0).index(), true).clear();
    Membership m = configBefore(store, entries.get(0).index(), bootstrap);
    for (Entry e : entries) {
      if (e.type() == EntryType.CONFIG) {
        m = Membership.decode(e.index(), e.data());
        configs.put(e.index(), e.term());
      }
      IndexTerm at = new IndexTerm(e.index(), e.term());
      durableOn.merge(at, 1L << node, (a, b) -> a | b);
      matchConfig(node, e.index(), e.term(), m);
    }
  }

  /** The node lost its whole directory: nothing of its log is durable any more. */
  void onWiped(int node) {
    configEntries.remove(node);
  }

  /**
   * The node started from {@code store}, its recovered state (a damaged tail may be cut). What it
   * recovered is durable on it, even entries whose write reported a failed fsync before the crash
   * (their data may have reached the disk anyway): counted for the voters' majority from now on.
   */
  void onStarted(int node, MemoryStore store) {
    TreeMap<Long, Long> configs = new TreeMap<>();
    for (long i = store.lastIndex(); i > 0; i--) {
      Entry e = store.entry(i);
      if (e == null) {
        break;
      }
      durableOn.merge(new IndexTerm(e.index(), e.term()), 1L << node, (a, b) -> a | b);
      if (e.type() == EntryType.CONFIG) {
        configs.put(e.index(), e.term());
      }
    }
    configEntries.put(node, configs);
  }

  /** The configuration in force just below {@code index} in the node's durable state. */
  private static Membership configBefore(MemoryStore store, long index, Membership bootstrap) {
    for (long i = index - 1; i > 0; i--) {
      Entry e = store.entry(i);
      if (e == null) {
        break;
      }
      if (e.type() == EntryType.CONFIG) {
        return Membership.decode(e.index(), e.data());
      }
    }
    Snapshot snap = store.snapshot();
    return snap != null ? snap.meta().membership() : bootstrap;
  }

  private void matchConfig(int node, long index, long term, Membership m) {
    Membership seen = configAt.putIfAbsent(new IndexTerm(index, term), m);
    if (seen != null && !seen.equals(m)) {
      throw new InvariantViolation("§4.1 configuration matching: at entry " + index + "/" + term
          + " node " + node + " has " + m + " in force but another node had " + seen);
    }
  }

  /** A node's commit index went from {@code before} to {@code after}. */
  void onCommit(long after) {
    clusterCommit = Math.max(clusterCommit, after);
  }

  /** Checks a running node's view after a step; {@code lastCommit} is its commit before it. */
  void afterStep(int node, NodeStatus st, long lastCommit, boolean newLeader) {
    Membership seen = configAt.get(new IndexTerm(st.lastIndex(), st.lastTerm()));
    if (st.lastIndex() > 0 && seen != null && !seen.equals(st.membership())) {
      throw new InvariantViolation("§4.1 configuration in force: node " + node + " says "
          + st.membership() + " but its last entry " + st.lastIndex() + "/" + st.lastTerm()
          + " implies " + seen);
    }
    if (st.role() != Role.LEADER) {
      return;
    }
    // A leader is a voter of its configuration, or of the one before it while that one is not
    // committed on it (a leader that removed itself in an entry no one else received: Raft
    // .votesInElections). The core checks which; here only that the latter is uncommitted.
    if (newLeader && !st.isVoter() && st.membership().index() <= st.commitIndex()) {
      throw new InvariantViolation("§4.1 node " + node + " became leader of term " + st.term()
          + " but is no voter of its configuration " + st.membership());
    }
    checkOneUncommittedChange(node, st);
    if (st.commitIndex() > lastCommit) {
      checkCommitCountsVoters(node, st);
    }
  }

  private void checkOneUncommittedChange(int node, NodeStatus st) {
    TreeMap<Long, Long> configs = configEntries.getOrDefault(node, new TreeMap<>());
    long count = 0;
    long inForce = st.membership().index();
    for (var e : configs.tailMap(clusterCommit, false).entrySet()) {
      count += e.getKey() <= st.lastIndex() && e.getKey() != inForce ? 1 : 0;
    }
    count += inForce > clusterCommit ? 1 : 0;
    if (count > 1) {
      throw new InvariantViolation("§4.1 one change at a time: leader " + node + " of term "
          + st.term() + " holds " + count + " configuration entries above the cluster's commit "
          + "index " + clusterCommit + " (" + configs.tailMap(clusterCommit, false).keySet()
          + ", in force " + st.membership() + ")");
    }
  }

  private void checkCommitCountsVoters(int node, NodeStatus st) {
    long c = st.commitIndex();
    Long holders = durableOn.get(new IndexTerm(c, st.term()));
    int[] voters = st.membership().voters();
    int holding = 0;
    for (int v : voters) {
      boolean durable = holders != null && (holders & (1L << v)) != 0;
      holding += durable || snapshotOn.getOrDefault(v, 0L) >= c ? 1 : 0;
    }
    if (holding <= voters.length / 2) {
      throw new InvariantViolation("§4.1 learners never counted: leader " + node + " of term "
          + st.term() + " committed index " + c + " but only " + holding + " of the voters "
          + java.util.Arrays.toString(voters) + " of " + st.membership()
          + " ever made it durable");
    }
  }

  /** After node {@code node} ticked: bounds how long a removed or demoted leader leads. */
  void afterTick(int node, NodeStatus st) {
    Membership m = st.membership();
    boolean removedLeading = st.role() == Role.LEADER && !m.isVoter(node)
        && st.commitIndex() >= m.index();
    int ticks = removedLeading ? removedLeaderTicks.merge(node, 1, Integer::sum) : 0;
    if (!removedLeading) {
      removedLeaderTicks.remove(node);
    }
    if (ticks > removedLeaderBoundTicks) {
      throw new InvariantViolation("§4.2.2 removed leader: node " + node + " still leads term "
          + st.term() + " " + ticks + " ticks after " + m + ", which does not hold it as a voter,"
          + " committed on it (bound " + removedLeaderBoundTicks + " ticks)");
    }
  }
}
