package io.raftkv.raft;

/**
 * What became of a proposal.
 *
 * @param status     accepted or why not
 * @param index      the log index the command was appended at, when accepted
 * @param term       the term it was appended in, when accepted; the command is committed once an
 *                   entry with this index and term is applied
 * @param leaderHint the leader this node knows, when not accepted for {@link Status#NOT_LEADER}
 */
public record ProposeResult(Status status, long index, long term, int leaderHint) {

  /** Why a proposal was or was not accepted. */
  public enum Status {
    /** Appended to the leader's log; not yet committed. */
    ACCEPTED,
    /** This node is not the leader; {@code leaderHint} names the one it knows, if any. */
    NOT_LEADER,
    /** A leadership transfer is in progress; retry shortly. */
    TRANSFERRING,
    /** Too many proposed bytes are not yet committed; retry later (back-pressure). */
    OVERLOADED
  }

  static ProposeResult accepted(long index, long term) {
    return new ProposeResult(Status.ACCEPTED, index, term, RaftConfig.NONE);
  }

  static ProposeResult refused(Status status, int leaderHint) {
    return new ProposeResult(status, 0, 0, leaderHint);
  }

  public boolean isAccepted() {
    return status == Status.ACCEPTED;
  }
}
