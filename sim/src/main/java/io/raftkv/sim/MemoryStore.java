package io.raftkv.sim;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.RaftConfig;
import io.raftkv.raft.Ready;
import io.raftkv.raft.RestoredState;
import io.raftkv.raft.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one simulated node has made durable: hard state, latest snapshot, log entries. A crash keeps
 * exactly this; everything else of the node is lost. Also checks, across crashes, that a node never
 * stores two different votes for one term (§5.2).
 */
final class MemoryStore {
  private HardState hardState = HardState.EMPTY;
  private Snapshot snapshot;
  /** Entries after {@link #baseIndex}. */
  private final ArrayList<Entry> entries = new ArrayList<>();
  private long baseIndex;
  private long baseTerm;
  private final Map<Long, Integer> voteByTerm = new HashMap<>();

  /** Makes a Ready's snapshot, entries and hard state durable, in the order Ready prescribes. */
  void persist(Ready rd) {
    if (rd.snapshot() != null) {
      snapshot = rd.snapshot();
      entries.clear();
      baseIndex = snapshot.meta().index();
      baseTerm = snapshot.meta().term();
    }
    if (!rd.entries().isEmpty()) {
      long first = rd.entries().get(0).index();
      if (first <= baseIndex) {
        throw new IllegalStateException("entries from " + first + " overlap the compacted prefix "
            + baseIndex);
      }
      int keep = (int) Math.min(entries.size(), first - baseIndex - 1);
      if (keep < first - baseIndex - 1) {
        throw new IllegalStateException("entries from " + first + " leave a gap after "
            + (baseIndex + entries.size()));
      }
      entries.subList(keep, entries.size()).clear();
      entries.addAll(rd.entries());
    }
    if (rd.hardState() != null) {
      HardState hs = rd.hardState();
      if (hs.vote() != RaftConfig.NONE) {
        Integer earlier = voteByTerm.putIfAbsent(hs.term(), hs.vote());
        // A node that rejoins records a vote for the leader it follows (Raft.maybeRejoin). Before
        // it lost its state it may have voted for another candidate in that term: harmless, since
        // that candidate cannot win a term this leader won without this node's vote (any two
        // majorities of the others meet). Any other second vote is a broken promise.
        if (earlier != null && earlier != hs.vote() && rd.rejoined()) {
          voteByTerm.put(hs.term(), hs.vote()); // from now on this is the vote to keep
        } else if (earlier != null && earlier != hs.vote()) {
          throw new InvariantViolation("§5.2 one vote per term across crashes: term " + hs.term()
              + " voted for " + earlier + " and later for " + hs.vote());
        }
      }
      hardState = hs;
    }
  }

  /**
   * Forgets everything durable, as a lost data directory does, but not the votes given before:
   * those were promises, and the one-vote-per-term check must still hold against them.
   */
  void wipe() {
    hardState = HardState.EMPTY;
    snapshot = null;
    entries.clear();
    baseIndex = 0;
    baseTerm = 0;
  }

  /** Records a snapshot the node took and drops the entries up to {@code compactIndex}. */
  void compact(Snapshot snap, long compactIndex) {
    if (snapshot == null || snap.meta().index() > snapshot.meta().index()) {
      snapshot = snap;
    }
    long upTo = Math.min(compactIndex, baseIndex + entries.size());
    if (upTo > baseIndex) {
      baseTerm = termAt(upTo);
      entries.subList(0, (int) (upTo - baseIndex)).clear();
      baseIndex = upTo;
    }
  }

  /**
   * Checks what the real storage recovered against what this shadow says was made durable, then
   * adopts it. Without a failed write, recovery must give back exactly the durable state (a
   * commit index no higher: commit-only updates are not synced). If the last write failed
   * ({@code failed}, its fsync raised an error), any prefix of it may also have reached the disk:
   * entries from its first index may be its own, and its term and vote may have been stored; none
   * of it was acknowledged, so Raft is safe either way. If {@code lostFrom} is not 0, the nemesis
   * damaged the record of that index at the end of the log: recovery may cut it and what follows.
   */
  void checkRecoveredAndAdopt(int node, RestoredState r, Ready failed, long lostFrom) {
    String where = "node " + node + " recovered ";
    HardState got = r.hardState();
    boolean asDurable = got.term() == hardState.term() && got.vote() == hardState.vote();
    boolean asFailed = failed != null && failed.hardState() != null
        && got.term() == failed.hardState().term() && got.vote() == failed.hardState().vote();
    if (!asDurable && !asFailed) {
      throw new InvariantViolation(where + "hard state " + got + " but made " + hardState
          + " durable" + (failed == null ? "" : " (and a failed write held " + failed.hardState()
          + ")"));
    }
    long snapIndex = r.snapshot() == null ? 0 : r.snapshot().meta().index();
    long durableSnap = snapshot == null ? 0 : snapshot.meta().index();
    boolean failedSnap = failed != null && failed.snapshot() != null
        && failed.snapshot().meta().index() == snapIndex;
    if (snapIndex < durableSnap || (snapIndex > durableSnap && !failedSnap)) {
      throw new InvariantViolation(where + "snapshot " + snapIndex + " but snapshot "
          + durableSnap + " was durable");
    }
    List<Entry> tail = failed == null || failedSnap ? List.of() : failed.entries();
    long tailFrom = tail.isEmpty() ? Long.MAX_VALUE : tail.get(0).index();
    long mustReach = failedSnap ? snapIndex : Math.min(lastIndex(), tailFrom - 1);
    if (lostFrom > 0) {
      mustReach = Math.min(mustReach, lostFrom - 1);
    }
    long recoveredLast = r.entries().isEmpty() ? snapIndex
        : r.entries().get(r.entries().size() - 1).index();
    if (recoveredLast < Math.max(snapIndex, mustReach)) {
      throw new InvariantViolation(where + "a log ending at " + recoveredLast
          + " but the durable log reaches " + mustReach + ": acknowledged entries lost");
    }
    // From the failed write's first index on, the disk holds either what was there before (the
    // write was lost) or a prefix of the failed write (it partly reached the disk).
    boolean failedWriteLanded = false;
    for (Entry e : r.entries()) {
      if (e.index() == tailFrom) {
        failedWriteLanded = e.equals(tail.get(0));
      }
      Entry want;
      if (e.index() >= tailFrom && failedWriteLanded) {
        int i = (int) (e.index() - tailFrom);
        want = i < tail.size() ? tail.get(i) : null;
      } else {
        want = failedSnap ? null : entry(e.index());
      }
      if (want == null && !(failedSnap && e.index() > snapIndex)) {
        throw new InvariantViolation(where + "entry " + e + " that was never written");
      }
      if (want != null && !want.equals(e)) {
        throw new InvariantViolation(where + "entry " + e + " but " + want + " was written");
      }
    }
    // Adopt: from now on the shadow is what this recovery found.
    hardState = got;
    if (got.vote() != RaftConfig.NONE) {
      voteByTerm.putIfAbsent(got.term(), got.vote());
    }
    snapshot = r.snapshot();
    entries.clear();
    entries.addAll(r.entries());
    baseIndex = snapIndex;
    baseTerm = snapshot == null ? 0 : snapshot.meta().term();
  }

  /** What a restarting node reads back. */
  RestoredState restore() {
    long snapIndex = snapshot == null ? 0 : snapshot.meta().index();
    List<Entry> after = new ArrayList<>();
    for (Entry e : entries) {
      if (e.index() > snapIndex) {
        after.add(e);
      }
    }
    return RestoredState.of(hardState, snapshot, after);
  }

  Snapshot snapshot() {
    return snapshot;
  }

  Entry entry(long index) {
    if (index <= baseIndex || index > baseIndex + entries.size()) {
      return null;
    }
    return entries.get((int) (index - baseIndex - 1));
  }

  /** The term stored at {@code index}: the base's term at the base, -1 where nothing is stored. */
  long termAt(long index) {
    if (index == baseIndex) {
      return baseTerm;
    }
    Entry e = entry(index);
    return e == null ? -1 : e.term();
  }

  long lastIndex() {
    return baseIndex + entries.size();
  }
}
