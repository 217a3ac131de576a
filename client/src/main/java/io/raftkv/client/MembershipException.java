package io.raftkv.client;

import java.util.Objects;

/**
 * A membership call ({@link RaftKvClient#memberAdd}, promote, demote, remove, {@link
 * RaftKvClient#leaderTransfer}) that failed for a reason the Cluster API names ({@code
 * raftkv/v1/cluster.proto}): {@link #reason()}, besides the {@link RaftKvException#kind()} every
 * client failure has.
 *
 * <p>{@link Reason#CHANGE_IN_PROGRESS} is retryable and the client retries it (with its usual
 * backoff) until the call's deadline; it is reported only when the deadline passes, with kind
 * {@link RaftKvException.Kind#DEADLINE_EXCEEDED}. The other reasons are definite refusals: the
 * change was not made by the refused attempt. {@link #mayHaveBeenApplied()} is true if an earlier
 * attempt of the same call ended without an answer (a timeout), since that attempt may have made
 * the change the later one was refused for (adding a member twice, a configuration index that
 * moved): read the member list to know.
 */
public final class MembershipException extends RaftKvException {
  private static final long serialVersionUID = 1L;

  /** Why the cluster refused a membership call; the names the Cluster API's errors start with. */
  public enum Reason {
    /** {@code expected_config_index} is not the configuration in force: read the list again. */
    CONFIG_INDEX_MISMATCH,
    /** The learner has not caught up with the leader yet: promote it later. */
    LEARNER_NOT_READY,
    /**
     * The change does not apply: adding a member twice, promoting a voter, removing the last
     * voter, an id that is not a member.
     */
    INVALID_CHANGE,
    /**
     * Retryable: the leader has not committed an entry of its term yet, or the previous change is
     * not committed.
     */
    CHANGE_IN_PROGRESS
  }

  private final Reason reason;

  /**
   * Creates an exception.
   *
   * @param reason the reason the cluster gave
   * @param kind the client failure kind
   * @param message a sentence naming the call and the reason
   * @param mayHaveBeenApplied whether the change may have been made anyway
   * @param cause the server's error, or null
   */
  public MembershipException(Reason reason, Kind kind, String message, boolean mayHaveBeenApplied,
      Throwable cause) {
    super(kind, message, mayHaveBeenApplied, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The reason the cluster gave. */
  public Reason reason() {
    return reason;
  }
}
