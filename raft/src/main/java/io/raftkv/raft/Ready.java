package io.raftkv.raft;

import io.raftkv.raft.message.Message;
import java.util.List;

/**
 * One batch of work the caller must do for a {@link RaftNode}, in this order:
 *
 * <ol>
 *   <li>send {@code earlyMessages}: they promise nothing this batch stores (a leader's
 *       AppendEntries, heartbeats, snapshots, TimeoutNow, answers to forwarded reads), so they may
 *       leave before or while step 2 runs. Thesis §10.2.1: the leader writes to its own disk in
 *       parallel with replicating to the followers; the core counts the leader's own copy only
 *       after {@link RaftNode#advance(Ready)};
 *   <li>make durable {@code snapshot} (if any), then {@code entries} (an entry whose index is at or
 *       below the last stored one replaces the stored suffix from that index), then {@code
 *       hardState} (if any), with an fsync when {@code mustSync} is set;
 *   <li>if {@code rejoined} is set, durably record that the node has rejoined (only after step 2,
 *       which stores the vote that goes with it; see {@link RestoredState#rejoining()});
 *   <li>send {@code messages} (only after step 2: they may promise what step 2 stores, such as a
 *       vote, §5.2, or an acknowledged entry, §5.3);
 *   <li>apply {@code snapshot} (if any) and then {@code committedEntries} to the state machine, in
 *       order; answer {@code readStates} once the applied index reaches theirs;
 *   <li>call {@link RaftNode#advance(Ready)} with this batch.
 * </ol>
 *
 * @param softState        the leader and role if they changed since the last Ready, else null
 * @param hardState        the hard state to store if it changed, else null
 * @param entries          log entries to store, ascending and contiguous
 * @param snapshot         a snapshot received from the leader to store and apply, else null
 * @param earlyMessages    messages that may be sent before the above is durable (step 1)
 * @param messages         messages to send once the above is durable
 * @param committedEntries committed entries to apply, ascending and contiguous
 * @param readStates       answers to ReadIndex requests
 * @param mustSync         whether step 2 needs an fsync (a new term or vote, or new entries)
 * @param rejoined         whether the node left the rejoining state in this batch
 */
public record Ready(
    SoftState softState,
    HardState hardState,
    List<Entry> entries,
    Snapshot snapshot,
    List<Message> earlyMessages,
    List<Message> messages,
    List<Entry> committedEntries,
    List<ReadState> readStates,
    boolean mustSync,
    boolean rejoined) {

  public Ready {
    entries = List.copyOf(entries);
    earlyMessages = List.copyOf(earlyMessages);
    messages = List.copyOf(messages);
    committedEntries = List.copyOf(committedEntries);
    readStates = List.copyOf(readStates);
  }

  /** A batch of a node that did not rejoin in it. */
  public Ready(SoftState softState, HardState hardState, List<Entry> entries, Snapshot snapshot,
      List<Message> earlyMessages, List<Message> messages, List<Entry> committedEntries,
      List<ReadState> readStates, boolean mustSync) {
    this(softState, hardState, entries, snapshot, earlyMessages, messages, committedEntries,
        readStates, mustSync, false);
  }

  /** A batch whose messages all wait for persistence (none may be sent early). */
  public Ready(SoftState softState, HardState hardState, List<Entry> entries, Snapshot snapshot,
      List<Message> messages, List<Entry> committedEntries, List<ReadState> readStates,
      boolean mustSync) {
    this(softState, hardState, entries, snapshot, List.of(), messages, committedEntries,
        readStates, mustSync);
  }

  /** Whether the batch holds nothing to do. */
  public boolean isEmpty() {
    return softState == null
        && hardState == null
        && entries.isEmpty()
        && snapshot == null
        && earlyMessages.isEmpty()
        && messages.isEmpty()
        && committedEntries.isEmpty()
        && readStates.isEmpty()
        && !rejoined;
  }
}
