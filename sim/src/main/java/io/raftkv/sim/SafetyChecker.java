package io.raftkv.sim;

import io.raftkv.raft.Entry;
import io.raftkv.raft.NodeStatus;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * The cluster-wide safety properties of Raft (Figure 3), checked after every simulated step:
 *
 * <ul>
 *   <li>Election Safety: at most one leader per term.
 *   <li>Log Matching: entries with the same index and term hold the same command and follow the
 *       same term; by induction the logs are identical up to there. Checked on durable logs.
 *   <li>Leader Completeness: a new leader holds every entry committed before its term.
 *   <li>State Machine Safety: no two nodes apply different entries at one index (and so reach
 *       different states).
 *   <li>A node's commit index never decreases while it runs.
 *   <li>A ReadIndex read never starts below a commit index some node already knew when the read
 *       was asked (no stale reads, thesis §6.4).
 * </ul>
 */
final class SafetyChecker {
  private record IndexTerm(long index, long term) {}

  private record Stored(int dataHash, long prevTerm, int node) {}

  private final Map<Long, Integer> leaderOfTerm = new HashMap<>();
  private final Map<IndexTerm, Stored> stored = new HashMap<>();
  /** index -> {term, state hash after applying it}, for every index some node applied. */
  private final Map<Long, long[]> applied = new HashMap<>();
  private long maxApplied;
  /**
   * For each index, the lowest term in which any node knew it committed: the term of the leader
   * that committed it (followers learn of a commit later, in that term or after).
   */
  private final Map<Long, Long> commitTerm = new HashMap<>();

  long maxApplied() {
    return maxApplied;
  }

  /** Term of the committed entry at {@code index}, or -1 if no node has applied it yet. */
  long committedTerm(long index) {
    long[] a = applied.get(index);
    return a == null ? -1 : a[0];
  }

  /** Checks a node seen as leader; returns true the first time it is seen leading this term. */
  boolean onLeader(int node, NodeStatus st, LongUnaryOperator termAt) {
    Integer other = leaderOfTerm.putIfAbsent(st.term(), node);
    if (other == null) {
      checkLeaderCompleteness(node, st, termAt);
      return true;
    }
    if (other != node) {
      throw new InvariantViolation("§5.2 Election Safety: nodes " + other + " and " + node
          + " are both leaders of term " + st.term());
    }
    return false;
  }

  int leadersElected() {
    return leaderOfTerm.size();
  }

  /**
   * §5.4: a leader of term T holds every entry committed in a term before T. (A leader of an
   * older term may still be elected after a newer one committed more: it lacks those entries, and
   * is deposed as soon as it meets the newer term.)
   */
  private void checkLeaderCompleteness(int node, NodeStatus st, LongUnaryOperator termAt) {
    for (long i = Math.max(1, st.firstIndex()); i <= maxApplied; i++) {
      long want = committedTerm(i);
      Long committedIn = commitTerm.get(i);
      if (want < 0 || committedIn == null || committedIn >= st.term()) {
        continue;
      }
      if (i > st.lastIndex()) {
        throw new InvariantViolation("§5.4 Leader Completeness: leader " + node + " of term "
            + st.term() + " has log up to " + st.lastIndex() + " but " + i
            + " was committed in term " + committedIn);
      }
      if (termAt.applyAsLong(i) != want) {
        throw new InvariantViolation("§5.4 Leader Completeness: leader " + node + " of term "
            + st.term() + " holds term " + termAt.applyAsLong(i) + " at committed index " + i
            + " where term " + want + " was committed");
      }
    }
  }

  void onPersisted(int node, MemoryStore store, Iterable<Entry> entries) {
    for (Entry e : entries) {
      Stored mine = new Stored(Arrays.hashCode(e.data()), store.termAt(e.index() - 1), node);
      Stored seen = stored.putIfAbsent(new IndexTerm(e.index(), e.term()), mine);
      if (seen != null && (seen.dataHash() != mine.dataHash() || seen.prevTerm() != mine.prevTerm())) {
        throw new InvariantViolation("§5.3 Log Matching: entry " + e.index() + "/" + e.term()
            + " on node " + node + " (prev term " + mine.prevTerm() + ") differs from node "
            + seen.node() + "'s (prev term " + seen.prevTerm() + ")");
      }
    }
  }

  void onApplied(int node, Entry e, long stateHash) {
    long[] mine = {e.term(), stateHash};
    long[] seen = applied.putIfAbsent(e.index(), mine);
    if (seen != null && (seen[0] != mine[0] || seen[1] != mine[1])) {
      throw new InvariantViolation("§5.4.3 State Machine Safety: node " + node + " applied term "
          + e.term() + " at index " + e.index() + " (state " + Long.toHexString(stateHash)
          + ") but another node applied term " + seen[0] + " (state "
          + Long.toHexString(seen[1]) + ")");
    }
    maxApplied = Math.max(maxApplied, e.index());
  }

  void onSnapshotInstalled(int node, long index, long term, long stateHash) {
    long[] seen = applied.get(index);
    if (seen != null && (seen[0] != term || seen[1] != stateHash)) {
      throw new InvariantViolation("§7 State Machine Safety: node " + node + " installed a snapshot"
          + " at " + index + "/" + term + " whose state differs from what was applied there");
    }
  }

  void onCommit(int node, long before, long after, long term) {
    if (after < before) {
      throw new InvariantViolation("commit index of node " + node + " went down from " + before
          + " to " + after);
    }
    for (long i = before + 1; i <= after; i++) {
      commitTerm.merge(i, term, Math::min);
    }
  }

  void onRead(int node, long context, long readIndex, long knownCommitWhenAsked) {
    if (readIndex < knownCommitWhenAsked) {
      throw new InvariantViolation("§6.4 stale read: read " + context + " on node " + node
          + " got read index " + readIndex + " but index " + knownCommitWhenAsked
          + " was already committed when it was asked");
    }
  }
}
