package io.raftkv.node;

/**
 * A write was proposed but this node lost the leadership before it learnt the outcome: the entry
 * may still be committed by a later leader, or may have been replaced. Retry it with the same op
 * id (on any server): the client sessions apply it at most once.
 */
public final class OutcomeUnknownException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int leaderHint;

  public OutcomeUnknownException(int leaderHint, String why) {
    super(why, null, false, false);
    this.leaderHint = leaderHint;
  }

  /** The leader this node knows now, or 0. */
  public int leaderHint() {
    return leaderHint;
  }
}
