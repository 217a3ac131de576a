package io.raftkv.server;

import java.nio.file.Path;

/**
 * Whether and where a server records its trace (see the trace module and server/README.md).
 *
 * <p>With a directory, server N appends the actions of host {@code serverN} (ServerStart,
 * ServerListening, and the Recv, Fwd, Result and ResultFwd of traced Gets and Puts) to {@code
 * dir/serverN.trace.jsonl}, and those of host {@code raftN} (RaftStart, elections, replication,
 * Commit, Apply, RaftPutReq) to {@code dir/raftN.trace.jsonl}, and carries trace tokens with its
 * Raft messages and forwarded requests.
 *
 * @param dir the trace directory (created if missing), or null for no tracing
 * @param heartbeats also record heartbeat-only traffic (Heartbeat messages and their answers,
 *     AppendEntries without entries, answers acknowledging nothing new); ignored without {@code
 *     dir}
 */
public record TraceOptions(Path dir, boolean heartbeats) {
  /** No tracing: the default, costing nothing. */
  public static final TraceOptions OFF = new TraceOptions(null, false);

  /** Tracing into {@code dir}, heartbeat-only traffic left out. */
  public static TraceOptions to(Path dir) {
    return new TraceOptions(java.util.Objects.requireNonNull(dir, "dir"), false);
  }

  public boolean enabled() {
    return dir != null;
  }
}
