package io.raftkv.node;

import io.raftkv.raft.ProposeResult;

/**
 * The leader refused a membership change ({@link NodeHost#proposeConfChange}): {@link #status()}
 * says why (another change or this term's first commit is pending, the expected configuration
 * index is stale, the learner is not caught up, or the change does not apply), the message gives
 * the reason in one line.
 */
public final class MembershipChangeRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ProposeResult.Status status;

  public MembershipChangeRefusedException(ProposeResult.Status status, String reason) {
    super(status + ": " + reason, null, false, false);
    this.status = status;
  }

  public ProposeResult.Status status() {
    return status;
  }
}
