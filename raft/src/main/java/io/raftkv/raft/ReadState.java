package io.raftkv.raft;

/**
 * The answer to a {@link RaftNode#readIndex(long)} request (thesis §6.4).
 *
 * <p>When {@code outcome} is {@link Outcome#READY}, a read with this context is linearizable once
 * the local state machine has applied at least {@code index}. Otherwise leadership could not be
 * confirmed and the read must be retried elsewhere.
 *
 * @param context the caller's request id, echoed
 * @param index   the commit index the read must wait for; 0 when not ready
 * @param outcome whether the read may proceed
 */
public record ReadState(long context, long index, Outcome outcome) {

  /** Whether a read may proceed. */
  public enum Outcome {
    /** Leadership was confirmed by a quorum; serve once {@code index} is applied. */
    READY,
    /** This node is not the leader, lost leadership, or knows no leader; retry elsewhere. */
    NOT_LEADER
  }
}
