package io.raftkv.raft;

/** What a log entry carries. New kinds (for example membership changes) are added here. */
public enum EntryType {
  /** A command for the replicated state machine. */
  NORMAL,
  /** The empty entry a leader appends when its term starts; the state machine skips it. */
  NOOP
}
