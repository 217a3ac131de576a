package io.raftkv.raft;

/**
 * Rules that a test can switch off on purpose ({@link RaftConfig#withInjectedBugs}), to show that
 * the simulator's checks catch the bug each rule prevents. Never set outside tests.
 */
public enum InjectedBug {
  /**
   * A leader accepts a membership change before it has committed an entry of its own term: Ongaro's
   * 2015 single-server-change bug (raft-dev, "bug in single-server membership changes").
   */
  CHANGE_BEFORE_TERM_COMMIT,
  /** Learners count toward the commit quorum as if they were voters. */
  LEARNERS_COUNTED,
  /** A leader that removed (or demoted) itself goes on leading after the change commits. */
  REMOVED_LEADER_KEEPS_LEADING
}
