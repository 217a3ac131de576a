package io.raftkv.raft.message;

import io.raftkv.raft.Entry;
import java.util.List;

/**
 * Log replication from the leader (§5.3). The receiver accepts {@code entries} only if its log
 * holds an entry at {@code prevLogIndex} with term {@code prevLogTerm}.
 *
 * @param leaderCommit the leader's commit index, capped by the receiver at the last entry this
 *                     message proves it holds
 * @param rejoinIndex  for a follower that restarted with less than it may have promised (see
 *                     {@link AppendEntriesResponse#rejoining()}): the index at which the leader lets
 *                     it rejoin once it knows that index committed; 0 for every other follower
 */
public record AppendEntries(
    int from,
    int to,
    long term,
    long prevLogIndex,
    long prevLogTerm,
    List<Entry> entries,
    long leaderCommit,
    long rejoinIndex)
    implements Message {

  public AppendEntries {
    entries = List.copyOf(entries);
  }

  /** An AppendEntries to a follower in good standing (no rejoin index). */
  public AppendEntries(int from, int to, long term, long prevLogIndex, long prevLogTerm,
      List<Entry> entries, long leaderCommit) {
    this(from, to, term, prevLogIndex, prevLogTerm, entries, leaderCommit, 0);
  }

  /** Index of the last entry carried, or {@code prevLogIndex} if none. */
  public long lastIndex() {
    return prevLogIndex + entries.size();
  }
}
