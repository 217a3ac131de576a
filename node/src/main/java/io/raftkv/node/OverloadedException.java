package io.raftkv.node;

/** The node is at a limit (queue or uncommitted bytes); the request may be retried later. */
public final class OverloadedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OverloadedException(String why) {
    super(why, null, false, false);
  }
}
