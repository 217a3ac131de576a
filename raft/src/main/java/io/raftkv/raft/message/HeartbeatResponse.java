package io.raftkv.raft.message;

/**
 * The answer to a {@link Heartbeat}, echoing its read round; {@code rejoining} as in {@link
 * AppendEntriesResponse#rejoining()} (such an answer confirms no leadership).
 */
public record HeartbeatResponse(int from, int to, long term, long readRound, boolean rejoining)
    implements Message {

  /** An answer from a follower in good standing. */
  public HeartbeatResponse(int from, int to, long term, long readRound) {
    this(from, to, term, readRound, false);
  }
}
