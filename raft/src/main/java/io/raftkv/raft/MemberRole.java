package io.raftkv.raft;

/** Whether a member votes. */
public enum MemberRole {
  /** Votes in elections and counts toward every quorum (commit, election, ReadIndex, CheckQuorum). */
  VOTER,
  /**
   * Receives the log and snapshots, but never campaigns and is never counted in any quorum (thesis
   * §4.2.1: new servers join as non-voting members until they have caught up).
   */
  LEARNER
}
