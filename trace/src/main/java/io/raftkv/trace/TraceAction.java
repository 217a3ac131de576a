package io.raftkv.trace;

import java.util.Map;

/**
 * The actions a RaftKV process records, named and shaped exactly as in the seed report's
 * "Evaluation Methodology": one record per action, its components the action's fields in order.
 *
 * <p>{@link #name()} is the record's simple name ({@code "PutRecv"}); {@link #fields()} maps the
 * component names to their values in declared order, with the types a trace file reads back as:
 * {@code String}, {@code Long} (for {@code int} and {@code long} components) and
 * {@code Boolean}. String components must not be null (recording one throws
 * {@link NullPointerException} naming the field); use {@code ""} for an absent value.
 *
 * <p>Server ids are {@code int}; terms, indexes and op ids {@code long}; {@code clientId},
 * {@code opId} in operation actions are the kvslib's (the user-visible client name and OpId),
 * not wire session ids; {@code entries} is a number of log entries; {@code command} and
 * {@code operation} are short human strings such as {@code "Put(k1,v1)"}.
 */
public sealed interface TraceAction {

  /** The action's name, exactly as in the seed report, e.g. {@code "PutRecv"}. */
  default String name() {
    return getClass().getSimpleName();
  }

  /** The fields in declared order, as String, Long or Boolean; a new map each call. */
  default Map<String, Object> fields() {
    return ActionSchema.fieldsOf(this);
  }

  // ---- server (strace)
  /** A server node starts; once per lifetime. */
  record ServerStart(int serverId) implements TraceAction {}

  /** The server accepts RPCs; after its lifetime's ServerStart. */
  record ServerListening(int serverId) implements TraceAction {}

  // ---- raft (rtrace)
  /** The Raft instance starts. */
  record RaftStart(int id) implements TraceAction {}

  /** A committed command is applied to the state machine. */
  record Apply(String command, long term, long index) implements TraceAction {}

  // ---- elections (vtrace)
  /** Candidate {@code id} asks for votes in {@code term}. */
  record RequestVote(long term, int id) implements TraceAction {}

  /** A follower receives a vote request. */
  record RequestVoteRecv(int serverId, long term) implements TraceAction {}

  /** The reply to a vote request. */
  record RequestVoteRes(boolean voteGranted, int serverId, int candidateServerId, long term)
      implements TraceAction {}

  /** A server becomes leader of {@code term}; at most once per term. */
  record LeaderElected(int serverId, long term) implements TraceAction {}

  // ---- replication (atrace)
  /** The leader sends AppendEntries carrying {@code entries} entries. */
  record AppendEntries(long term, int entries, long prevLogIndex, long prevLogTerm)
      implements TraceAction {}

  /** A follower receives AppendEntries. */
  record AppendEntriesRecv(long term, int entries, long prevLogIndex, long prevLogTerm)
      implements TraceAction {}

  /** The reply to AppendEntries. */
  record AppendEntriesRes(boolean valid, long conflictIndex) implements TraceAction {}

  /** The leader commits an entry (a majority replicated it). */
  record Commit(long term, String operation) implements TraceAction {}

  // ---- client (ktrace)
  /** The kvslib starts; once per client, before all its other actions. */
  record KvslibStart(String clientId) implements TraceAction {}

  /** The kvslib stops; after all its other actions. */
  record KvslibStop(String clientId) implements TraceAction {}

  /** The kvslib connects to a server. */
  record NewServerConnection(String clientId, int serverId, String serverAddr)
      implements TraceAction {}

  // ---- operations (get and put traces)
  /** The user called Get. */
  record GetStart(String clientId, long opId, String key) implements TraceAction {}

  /** The user called Put. */
  record PutStart(String clientId, long opId, String key, String value) implements TraceAction {}

  /** The kvslib is about to send a Get to a server. */
  record GetSend(String clientId, long opId, String key) implements TraceAction {}

  /** The kvslib is about to send a Put to a server. */
  record PutSend(String clientId, long opId, String key, String value) implements TraceAction {}

  /** A server received a Get (from the client, or forwarded by a follower). */
  record GetRecv(String clientId, long opId, String key) implements TraceAction {}

  /** A server received a Put (from the client, or forwarded by a follower). */
  record PutRecv(String clientId, long opId, String key, String value) implements TraceAction {}

  /** A follower is about to forward a Get to the leader. */
  record GetFwd(String clientId, long opId, String key) implements TraceAction {}

  /** A follower is about to forward a Put to the leader. */
  record PutFwd(String clientId, long opId, String key, String value) implements TraceAction {}

  /** The leader's Raft instance is about to append a Put to its log. */
  record RaftPutReq(String clientId, long opId, String key, String value)
      implements TraceAction {}

  /** The leader has a Get's result on the return path. */
  record GetResult(String clientId, long opId, String key, String value)
      implements TraceAction {}

  /** The leader has a Put's result on the return path. */
  record PutResult(String clientId, long opId, String key, String value)
      implements TraceAction {}

  /** A follower is about to pass a Get result from the leader back to the client. */
  record GetResultFwd(String clientId, long opId, String key, String value)
      implements TraceAction {}

  /** A follower is about to pass a Put result from the leader back to the client. */
  record PutResultFwd(String clientId, long opId, String key, String value)
      implements TraceAction {}
}
