package io.raftkv.node;

import io.raftkv.kv.ApplyResult;
import io.raftkv.raft.Entry;
import io.raftkv.raft.Ready;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.SoftState;
import java.util.function.LongSupplier;

/**
 * What a {@link NodeHost} tells about its Ready cycle as it runs it, on the caller's thread. The
 * server traces and logs through it (the seed's actions: LeaderElected, Commit, Apply); the
 * simulator checks its safety invariants through it. Every method defaults to nothing.
 */
public interface NodeObserver {
  /** The role or leader changed ({@code soft}); {@code term} is the node's term now. */
  default void roleChanged(SoftState soft, long term) {}

  /** {@code ready}'s snapshot, entries and hard state are durable (before anything is sent). */
  default void persisted(Ready ready) {}

  /** The node left the rejoining state (see {@code RestoredState.rejoining}); {@code leader} let it. */
  default void rejoined(int leader) {}

  /** As leader, the node found a follower rejoining; {@code notice} says which and what follows. */
  default void rejoinNoticed(String notice) {}

  /** A snapshot received from the leader was installed; {@code stateHash} is the state's hash. */
  default void snapshotInstalled(SnapshotMeta meta, long stateHash) {}

  /** {@code entry} is committed and about to be applied. */
  default void applying(Entry entry) {}

  /** {@code entry} was applied with {@code result}; {@code stateHash} gives the state's hash. */
  default void applied(Entry entry, ApplyResult result, LongSupplier stateHash) {}

  /** The node took {@code snapshot} (durable) and compacted its log up to {@code compactIndex}. */
  default void snapshotTaken(Snapshot snapshot, long compactIndex) {}

  /** A linearizable read's index was confirmed: it is served once applied up to there. */
  default void readIndexConfirmed(long context, long index) {}
}
