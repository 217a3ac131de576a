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
        if (earlier != null && earlier != hs.vote()) {
          throw new InvariantViolation("§5.2 one vote per term across crashes: term " + hs.term()
              + " voted for " + earlier + " and later for " + hs.vote());
        }
      }
      hardState = hs;
    }
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
