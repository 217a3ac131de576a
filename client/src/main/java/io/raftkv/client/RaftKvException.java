package io.raftkv.client;

/**
 * An operation that the client reports as failed, with a {@link Kind} saying why and whether the
 * operation may nevertheless have taken effect.
 *
 * <p>The client only reports a failure when it knows the outcome ({@link Kind#INVALID_ARGUMENT},
 * {@link Kind#FAILED_PRECONDITION}, {@link Kind#UNSUPPORTED}: the server refused the operation and
 * applied nothing) or when the caller stopped waiting ({@link Kind#DEADLINE_EXCEEDED}, {@link
 * Kind#CLOSED}). In the last two cases a write that was sent at least once may or may not have been
 * applied, and {@link #mayHaveBeenApplied()} says so; the client never turns "unknown" into "failed".
 *
 * <p>Membership calls fail with the subclass {@link MembershipException} when the cluster names a
 * reason.
 */
public class RaftKvException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why an operation failed. */
  public enum Kind {
    /** The server refused the request as malformed (empty or oversized key or value). Definite. */
    INVALID_ARGUMENT,
    /**
     * The server refused the request because the client's session expired or the request is older
     * than one already answered. Definite; the client should start over with a new session.
     */
    FAILED_PRECONDITION,
    /** The contacted endpoint does not implement the RaftKV v1 API: a configuration error. Definite. */
    UNSUPPORTED,
    /** The caller's deadline passed before an answer arrived. A write may have been applied. */
    DEADLINE_EXCEEDED,
    /** The client was stopped or closed before an answer arrived. A write may have been applied. */
    CLOSED
  }

  private final Kind kind;
  private final boolean mayHaveBeenApplied;

  /**
   * Creates an exception.
   *
   * @param kind why the operation failed
   * @param message a sentence naming the operation and the reason
   * @param mayHaveBeenApplied whether the operation may have taken effect despite the failure
   * @param cause the last error seen from a server, or null
   */
  public RaftKvException(Kind kind, String message, boolean mayHaveBeenApplied, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.mayHaveBeenApplied = mayHaveBeenApplied;
  }

  /** Why the operation failed. */
  public Kind kind() {
    return kind;
  }

  /**
   * Whether the operation may have taken effect although it is reported as failed: true for a write
   * that was sent at least once and then abandoned (deadline or close), false when the server
   * definitely refused it or it was never sent.
   */
  public boolean mayHaveBeenApplied() {
    return mayHaveBeenApplied;
  }
}
