package io.raftkv.raft.message;

/**
 * A message between Raft nodes. Every message names its sender, its receiver and the sender's term;
 * the receiver applies the term rules of §5.1 before anything else.
 *
 * <p>Messages whose {@link #term()} is 0 are exempt from the term rules: they are requests between
 * a follower and the leader it knows about (forwarded ReadIndex) that do not carry authority.
 */
public sealed interface Message
    permits RequestVote,
        RequestVoteResponse,
        AppendEntries,
        AppendEntriesResponse,
        Heartbeat,
        HeartbeatResponse,
        InstallSnapshot,
        TimeoutNow,
        ReadIndexRequest,
        ReadIndexResponse {

  /** The sending node's id. */
  int from();

  /** The receiving node's id. */
  int to();

  /** The sender's current term, or 0 for messages exempt from the term rules. */
  long term();
}
