package io.raftkv.server;

/**
 * What an empty data directory means at a member's start, as etcd's {@code
 * --initial-cluster-state}. A directory that already holds a node's data ignores it.
 */
public enum InitialClusterState {
  /**
   * The first start of a member of a new cluster: it has promised nothing, so it votes and counts
   * toward quorums from the start. Every member of a new cluster starts so.
   */
  NEW,
  /**
   * A member of a cluster that already runs, whose data is lost (a replaced disk, a repaired
   * node) or that never had any: it may have voted and acknowledged entries before, so it
   * rejoins. It neither votes nor counts toward any quorum until a leader has copied the log to
   * it past everything it could have promised (see {@code io.raftkv.raft.RestoredState#rejoining}).
   */
  EXISTING;

  /** Parses {@code new} or {@code existing}, case-insensitively. */
  public static InitialClusterState parse(String text) {
    for (InitialClusterState s : values()) {
      if (s.name().equalsIgnoreCase(text.trim())) {
        return s;
      }
    }
    throw new IllegalArgumentException("--initial-cluster-state must be 'new' or 'existing', not '"
        + text + "'");
  }
}
