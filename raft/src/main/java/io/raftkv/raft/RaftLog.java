package io.raftkv.raft;

import static io.raftkv.raft.RaftSafetyException.check;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A node's view of the replicated log: a snapshot base (index, term), the entries after it, and the
 * three positions that move along it: stabled (durable), committed, applied.
 *
 * <p>Invariants, checked on every change: {@code applied <= committed <= lastIndex}; entries are
 * contiguous and their terms never decrease; committed entries are never removed or replaced
 * (§5.4, Leader Completeness and State Machine Safety depend on it).
 */
final class RaftLog {
  private long snapshotIndex;
  private long snapshotTerm;
  /** entries.get(i) has index snapshotIndex + 1 + i. */
  private final ArrayList<Entry> entries = new ArrayList<>();
  private long stabled;
  private long committed;
  private long applied;
  /** A snapshot received from a leader that the caller has not yet been handed in a Ready. */
  private Snapshot pendingSnapshot;
  /** The latest snapshot this node holds, sent to followers behind {@link #firstIndex()}. */
  private Snapshot latestSnapshot;
  /**
   * The configuration in force at {@link #snapshotIndex}: the snapshot's, or the bootstrap one
   * when the log has never been compacted.
   */
  private Membership baseMembership;
  /** The configuration entries after {@link #snapshotIndex}, by index (thesis §4.1). */
  private final TreeMap<Long, Membership> configs = new TreeMap<>();
  /**
   * The last of {@link #configs}, or {@link #baseMembership}: read on every commit and read, so
   * kept rather than looked up (a TreeMap's lastEntry allocates).
   */
  private Membership inForce;

  RaftLog(RestoredState restored, Membership bootstrap) {
    Snapshot snap = restored.snapshot();
    baseMembership = bootstrap;
    if (snap != null) {
      snapshotIndex = snap.meta().index();
      snapshotTerm = snap.meta().term();
      latestSnapshot = snap;
      baseMembership = snap.meta().membership();
    }
    inForce = baseMembership;
    for (Entry e : restored.entries()) {
      appendOne(e);
    }
    stabled = lastIndex();
    long commit = Math.max(restored.hardState().commit(), snapshotIndex);
    check(commit <= lastIndex(),
        "restored commit index %d is beyond the last stored entry %d", commit, lastIndex());
    committed = commit;
    check(restored.applied() >= snapshotIndex && restored.applied() <= committed,
        "restored applied index %d must lie between snapshot %d and commit %d",
        restored.applied(), snapshotIndex, committed);
    applied = restored.applied();
  }

  long firstIndex() {
    return snapshotIndex + 1;
  }

  long lastIndex() {
    return snapshotIndex + entries.size();
  }

  long lastTerm() {
    return entries.isEmpty() ? snapshotTerm : entries.get(entries.size() - 1).term();
  }

  long committed() {
    return committed;
  }

  long applied() {
    return applied;
  }

  long stabled() {
    return stabled;
  }

  long snapshotIndex() {
    return snapshotIndex;
  }

  Snapshot latestSnapshot() {
    return latestSnapshot;
  }

  /** The term of the entry at {@code index}; 0 for index 0; -1 when compacted away or absent. */
  long term(long index) {
    if (index == snapshotIndex) {
      return snapshotTerm;
    }
    if (index < snapshotIndex || index > lastIndex()) {
      return index == 0 ? 0 : -1;
    }
    return entries.get((int) (index - snapshotIndex - 1)).term();
  }

  boolean matchTerm(long index, long term) {
    long t = term(index);
    return t >= 0 && t == term;
  }

  Entry entry(long index) {
    check(index > snapshotIndex && index <= lastIndex(), "entry %d is not in the log [%d, %d]",
        index, firstIndex(), lastIndex());
    return entries.get((int) (index - snapshotIndex - 1));
  }

  /** §5.4.1: a log is at least as up-to-date as ours if its last term is higher, or equal and it is as long. */
  boolean isUpToDate(long lastIndex, long lastTerm) {
    return lastTerm > lastTerm() || (lastTerm == lastTerm() && lastIndex >= lastIndex());
  }

  /** Appends an entry at the end of the log (leader proposals, §5.3 Leader Append-Only). */
  void append(Entry e) {
    appendOne(e);
  }

  private void appendOne(Entry e) {
    check(e.index() == lastIndex() + 1,
        "log entries must be contiguous: appending %d after %d", e.index(), lastIndex());
    check(e.term() >= lastTerm(),
        "log terms must not decrease: entry %d has term %d after term %d",
        e.index(), e.term(), lastTerm());
    if (e.type() == EntryType.CONFIG) {
      // Validated before it got here (MessageValidator, or our own encoding): a failure is a bug.
      inForce = Membership.decode(e.index(), e.data());
      configs.put(e.index(), inForce);
    }
    entries.add(e);
  }

  /**
   * The configuration in force: the latest in the log, committed or not (thesis §4.1), else the
   * one at the snapshot (or the bootstrap one).
   */
  Membership membership() {
    return inForce;
  }

  private void refreshInForce() {
    inForce = configs.isEmpty() ? baseMembership : configs.lastEntry().getValue();
  }

  /** The configuration in force at {@code index}, which must not lie below the snapshot. */
  Membership membershipAt(long index) {
    check(index >= snapshotIndex && index <= lastIndex(),
        "configuration asked at %d, outside the log [%d, %d]", index, snapshotIndex, lastIndex());
    var at = configs.floorEntry(index);
    return at == null ? baseMembership : at.getValue();
  }

  /** How many configuration entries lie after the commit index (thesis §4.1: at most one). */
  int uncommittedConfigs() {
    return configs.tailMap(committed, false).size();
  }

  /**
   * Merges entries received from the leader after a successful consistency check (§5.3): an entry
   * that conflicts with ours (same index, other term) removes ours and all that follow; entries we
   * already hold are kept. Committed entries never conflict; if one would, it is a safety violation.
   *
   * @return the index of the last entry in {@code incoming}, or {@code prevIndex} if none
   */
  long mergeFromLeader(long prevIndex, List<Entry> incoming) {
    for (Entry e : incoming) {
      if (e.index() <= snapshotIndex) {
        continue; // already compacted: committed, hence identical (§5.4)
      }
      long ours = term(e.index());
      if (ours == e.term()) {
        continue;
      }
      if (ours >= 0) {
        check(e.index() > committed,
            "§5.4: a committed entry must never be overwritten: entry %d (term %d, committed %d)"
                + " conflicts with incoming term %d", e.index(), ours, committed, e.term());
        truncateFrom(e.index());
      }
      appendOne(e);
    }
    return prevIndex + incoming.size();
  }

  private void truncateFrom(long index) {
    entries.subList((int) (index - snapshotIndex - 1), entries.size()).clear();
    // Thesis §4.1: a configuration entry removed with the suffix takes its configuration with it;
    // the previous one is in force again.
    configs.tailMap(index, true).clear();
    refreshInForce();
    stabled = Math.min(stabled, index - 1);
  }

  /** The last index whose term is {@code term}, searching down from {@code atOrBelow}; -1 if none. */
  long lastIndexOfTerm(long term, long atOrBelow) {
    for (long i = Math.min(atOrBelow, lastIndex()); i >= snapshotIndex; i--) {
      long t = term(i);
      if (t == term) {
        return i;
      }
      if (t < term) {
        return -1;
      }
    }
    return -1;
  }

  /**
   * The first index of the run of entries with the same term as {@code index}, not searching below
   * the committed index (committed entries match every leader's, so the hint need go no lower).
   */
  long firstIndexOfTermAt(long index) {
    long t = term(index);
    long i = index;
    while (i - 1 > Math.max(committed, snapshotIndex) && term(i - 1) == t) {
      i--;
    }
    return i;
  }

  /** Up to {@code maxCount} entries from {@code from}, at most {@code maxBytes} (one always fits). */
  List<Entry> slice(long from, int maxCount, long maxBytes) {
    check(from > snapshotIndex, "slice from %d reaches into the snapshot at %d", from, snapshotIndex);
    long end = Math.min(lastIndex(), from + maxCount - 1);
    List<Entry> out = new ArrayList<>();
    long bytes = 0;
    for (long i = from; i <= end; i++) {
      Entry e = entry(i);
      bytes += e.sizeBytes();
      if (!out.isEmpty() && bytes > maxBytes) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  /** Raises the commit index (never lowers it, §5.3). */
  boolean commitTo(long index) {
    if (index <= committed) {
      return false;
    }
    check(index <= lastIndex(),
        "commit index %d beyond the last log entry %d", index, lastIndex());
    committed = index;
    return true;
  }

  /** Entries not yet durable. */
  List<Entry> unstableEntries() {
    if (stabled >= lastIndex()) {
      return List.of();
    }
    return List.copyOf(entries.subList((int) (stabled - snapshotIndex), entries.size()));
  }

  /** Committed entries not yet handed out to apply, at most {@code maxBytes} (one always fits). */
  List<Entry> nextCommitted(long maxBytes) {
    if (applied >= committed || pendingSnapshot != null) {
      return List.of();
    }
    // Only up to the commit index: entries after it may still be replaced (§5.3, State Machine
    // Safety §5.4.3 requires applying committed entries only).
    long from = Math.max(applied + 1, firstIndex());
    return slice(from, (int) Math.min(Integer.MAX_VALUE, committed - from + 1), maxBytes);
  }

  boolean hasNextCommitted() {
    return applied < committed && pendingSnapshot == null;
  }

  /** The caller made entries up to {@code index} (of {@code term}) durable. */
  void stableTo(long index, long term) {
    // A later truncation may have replaced the entry the caller stored; then it is not stable.
    if (index > stabled && matchTerm(index, term)) {
      stabled = index;
    }
  }

  void appliedTo(long index) {
    check(index <= committed, "applied index %d beyond commit index %d", index, committed);
    if (index > applied) {
      applied = index;
    }
  }

  /** Installs a leader's snapshot (§7): the log now starts after it and everything in it is committed. */
  void restore(Snapshot snapshot) {
    long index = snapshot.meta().index();
    check(index > committed,
        "a snapshot at %d must not replace committed state up to %d", index, committed);
    entries.clear();
    configs.clear();
    baseMembership = snapshot.meta().membership();
    inForce = baseMembership;
    snapshotIndex = index;
    snapshotTerm = snapshot.meta().term();
    committed = index;
    applied = index;
    stabled = index;
    pendingSnapshot = snapshot;
    latestSnapshot = snapshot;
  }

  Snapshot pendingSnapshot() {
    return pendingSnapshot;
  }

  void snapshotHandedOut() {
    pendingSnapshot = null;
  }

  /**
   * Swaps the latest snapshot for {@code stored}, a handle to the same snapshot (same index and
   * term) that the caller keeps elsewhere, typically its durable copy of a snapshot received from
   * the leader. Ignored if the latest snapshot is already newer.
   */
  void replaceLatestSnapshot(Snapshot stored) {
    long index = stored.meta().index();
    check(latestSnapshot != null && index <= latestSnapshot.meta().index(),
        "snapshot at %d replaces a snapshot this log does not hold (latest: %s)", index,
        latestSnapshot);
    if (index < latestSnapshot.meta().index()) {
      return;
    }
    check(stored.meta().term() == latestSnapshot.meta().term(),
        "snapshot at %d has term %d but the latest snapshot there has term %d", index,
        stored.meta().term(), latestSnapshot.meta().term());
    latestSnapshot = stored;
  }

  /**
   * Records a snapshot the caller took of its state machine, and drops the entries up to {@code
   * compactIndex} (which must be at most the snapshot's index, applied and durable).
   */
  void compact(Snapshot snapshot, long compactIndex) {
    long index = snapshot.meta().index();
    check(index <= applied, "snapshot at %d covers entries not yet applied (%d)", index, applied);
    check(index < snapshotIndex || index > lastIndex() || matchTerm(index, snapshot.meta().term()),
        "snapshot at %d has term %d but the log holds term %d there",
        index, snapshot.meta().term(), term(index));
    Membership inForce =
        index >= snapshotIndex && index <= lastIndex() ? membershipAt(index) : null;
    check(inForce == null || snapshot.meta().membership().equals(inForce),
        "snapshot at %d carries %s but the configuration in force there is %s (thesis §5.1)",
        index, snapshot.meta().membership(), inForce);
    if (latestSnapshot == null || index > latestSnapshot.meta().index()) {
      latestSnapshot = snapshot;
    }
    long upTo = Math.min(compactIndex, index);
    if (upTo <= snapshotIndex) {
      return;
    }
    check(upTo <= stabled, "compacting up to %d drops entries not yet durable (%d)", upTo, stabled);
    baseMembership = membershipAt(upTo);
    configs.headMap(upTo, true).clear();
    refreshInForce();
    snapshotTerm = term(upTo);
    entries.subList(0, (int) (upTo - snapshotIndex)).clear();
    snapshotIndex = upTo;
  }
}
