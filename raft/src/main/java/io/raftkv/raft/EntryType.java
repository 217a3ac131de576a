package io.raftkv.raft;

/** What a log entry carries. */
public enum EntryType {
  /** A command for the replicated state machine. */
  NORMAL,
  /** The empty entry a leader appends when its term starts; the state machine skips it. */
  NOOP,
  /**
   * A cluster configuration ({@link Membership#encode()}): the whole member list, in force on every
   * node from the moment the node appends it (thesis §4.1). The state machine skips it.
   */
  CONFIG
}
