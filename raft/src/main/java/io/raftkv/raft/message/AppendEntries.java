package io.raftkv.raft.message;

import io.raftkv.raft.Entry;
import java.util.List;

/**
 * Log replication from the leader (§5.3). The receiver accepts {@code entries} only if its log
 * holds an entry at {@code prevLogIndex} with term {@code prevLogTerm}.
 *
 * @param leaderCommit the leader's commit index, capped by the receiver at the last entry this
 *                     message proves it holds
 */
public record AppendEntries(
    int from,
    int to,
    long term,
    long prevLogIndex,
    long prevLogTerm,
    List<Entry> entries,
    long leaderCommit)
    implements Message {

  public AppendEntries {
    entries = List.copyOf(entries);
  }

  /** Index of the last entry carried, or {@code prevLogIndex} if none. */
  public long lastIndex() {
    return prevLogIndex + entries.size();
  }
}
