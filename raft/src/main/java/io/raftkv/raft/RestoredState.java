package io.raftkv.raft;

import java.util.List;
import java.util.Objects;

/**
 * What a restarting node read back from its durable storage.
 *
 * @param hardState the last stored hard state
 * @param snapshot  the latest durable snapshot, or null if none was taken
 * @param entries   the stored log entries following the snapshot, ascending and contiguous
 * @param applied   the highest index already applied to the state machine the caller restored
 *                  (at least the snapshot's index); committed entries above it are handed out again
 * @param rejoining whether the node may have promised more than this state holds: its data
 *                  directory was lost and made anew to join an existing cluster, or recovery cut a
 *                  record it may have acknowledged. Such a node neither votes, campaigns nor counts
 *                  toward any quorum until a leader lets it rejoin ({@link RaftNode}); the flag
 *                  stays set across restarts until then ({@link Ready#rejoined()})
 */
public record RestoredState(
    HardState hardState, Snapshot snapshot, List<Entry> entries, long applied, boolean rejoining) {

  /** The state of a node that has never run. */
  public static final RestoredState EMPTY = new RestoredState(HardState.EMPTY, null, List.of(), 0);

  public RestoredState {
    Objects.requireNonNull(hardState, "hardState");
    entries = List.copyOf(entries);
  }

  /** A restored state that holds everything the node may have promised. */
  public RestoredState(HardState hardState, Snapshot snapshot, List<Entry> entries, long applied) {
    this(hardState, snapshot, entries, applied, false);
  }

  /** This state, marked as {@code rejoining} or not. */
  public RestoredState withRejoining(boolean rejoining) {
    return new RestoredState(hardState, snapshot, entries, applied, rejoining);
  }

  /** A restart that re-applies everything after the snapshot (or from the start). */
  public static RestoredState of(HardState hardState, Snapshot snapshot, List<Entry> entries) {
    return new RestoredState(hardState, snapshot, entries, snapshot == null ? 0 : snapshot.meta().index());
  }
}
