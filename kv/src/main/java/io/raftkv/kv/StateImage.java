package io.raftkv.kv;

/**
 * Everything a snapshot carries: what {@link SnapshotCodec} writes from a live state machine and
 * what it builds, complete and checked, before a restore swaps it in.
 */
record StateImage(
    KvMap map, SessionTable sessions, long appliedIndex, long appliedTerm, long clockMillis,
    KvConfig config) {

  long stateHash() {
    return Hash64.ofState(map.hashSum(), sessions.hashSum(), clockMillis, config);
  }
}
