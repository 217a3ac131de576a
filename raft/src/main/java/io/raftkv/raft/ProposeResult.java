package io.raftkv.raft;

import java.util.Objects;

/**
 * What became of a proposal (a command or a {@link ConfChange}).
 *
 * @param status     accepted or why not
 * @param index      the log index the command was appended at, when accepted
 * @param term       the term it was appended in, when accepted; the command is committed once an
 *                   entry with this index and term is applied
 * @param leaderHint the leader this node knows, when not accepted for {@link Status#NOT_LEADER}
 * @param reason     a one-line explanation when refused ("" when accepted)
 */
public record ProposeResult(Status status, long index, long term, int leaderHint, String reason) {

  /** Why a proposal was or was not accepted. */
  public enum Status {
    /** Appended to the leader's log; not yet committed. */
    ACCEPTED,
    /** This node is not the leader; {@code leaderHint} names the one it knows, if any. */
    NOT_LEADER,
    /** A leadership transfer is in progress; retry shortly. */
    TRANSFERRING,
    /** Too many proposed bytes are not yet committed; retry later (back-pressure). */
    OVERLOADED,
    /**
     * A membership change: the leader has not yet committed an entry of its own term, or a
     * previous change is not yet committed (one change at a time); retry shortly.
     */
    CHANGE_IN_PROGRESS,
    /** A membership change named a configuration index that is no longer the one in force. */
    CONFIG_INDEX_MISMATCH,
    /** A promotion of a learner that has not caught up with the leader yet. */
    LEARNER_NOT_READY,
    /** A membership change that does not apply to the configuration in force. */
    INVALID_CHANGE
  }

  public ProposeResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
  }

  /** A result without a reason. */
  public ProposeResult(Status status, long index, long term, int leaderHint) {
    this(status, index, term, leaderHint, "");
  }

  static ProposeResult accepted(long index, long term) {
    return new ProposeResult(Status.ACCEPTED, index, term, RaftConfig.NONE);
  }

  static ProposeResult refused(Status status, int leaderHint) {
    return new ProposeResult(status, 0, 0, leaderHint, defaultReason(status));
  }

  static ProposeResult refused(Status status, int leaderHint, String reason) {
    return new ProposeResult(status, 0, 0, leaderHint, reason);
  }

  private static String defaultReason(Status status) {
    return switch (status) {
      case NOT_LEADER -> "this node is not the leader";
      case TRANSFERRING -> "a leadership transfer is in progress";
      case OVERLOADED -> "too many proposed bytes are not yet committed";
      default -> status.name();
    };
  }

  public boolean isAccepted() {
    return status == Status.ACCEPTED;
  }
}
