package io.raftkv.node;

/**
 * This node cannot serve the request because it is not the leader. {@code leaderHint} names the
 * leader it knows, or 0; the caller forwards there or answers UNAVAILABLE.
 */
public final class NotLeaderException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int leaderHint;

  public NotLeaderException(int leaderHint, String why) {
    super(why, null, false, false);
    this.leaderHint = leaderHint;
  }

  public int leaderHint() {
    return leaderHint;
  }
}
