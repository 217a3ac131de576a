package io.raftkv.server;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cluster file: the bootstrap members of a new cluster and the options every server shares.
 * Loaded from a JSON file by {@link ClusterConfigLoader}, which reports every problem with the
 * field it is in. Once a node's log holds a configuration, the member list is not read again
 * (membership lives in the log).
 *
 * @param clusterId  a name for the cluster; a node's data directory remembers it, and peers
 *                   refuse messages from another cluster
 * @param members    the bootstrap servers, at least one, ids and addresses unique
 * @param options    timing, snapshot and limit settings
 * @param peerRoutes how the server reading this file dials some peers, by id, instead of the
 *                   peer address the configuration in force gives them: a local routing table
 *                   (a proxy, a NAT), not membership; empty in most files
 */
public record ClusterConfig(String clusterId, List<Member> members, Options options,
    Map<Integer, HostPort> peerRoutes) {

  public ClusterConfig {
    members = List.copyOf(members);
    peerRoutes = Map.copyOf(peerRoutes);
  }

  /** A cluster file without peer routes. */
  public ClusterConfig(String clusterId, List<Member> members, Options options) {
    this(clusterId, members, options, Map.of());
  }

  /**
   * One server.
   *
   * @param id            positive and unique
   * @param peerAddress   host:port where other servers reach it
   * @param clientAddress host:port where clients reach it
   */
  public record Member(int id, HostPort peerAddress, HostPort clientAddress) {}

  /**
   * Shared options. Times in milliseconds unless the name says ticks.
   *
   * @param tickMillis             length of one Raft tick
   * @param electionTicks          base election timeout in ticks (randomized up to twice that)
   * @param heartbeatTicks         heartbeat interval in ticks
   * @param snapshotEntries        snapshot the state machine after this many applied entries
   * @param sessionTimeoutMillis   a client session idle this long expires
   * @param maxPendingRequests     client requests a node holds at once before answering
   *                               RESOURCE_EXHAUSTED
   * @param requestTimeoutMillis   how long a node waits for a request to commit or be forwarded
   * @param maxPendingRequestBytes bytes of client requests (their encoded size) a node holds at
   *                               once before answering RESOURCE_EXHAUSTED; each held request
   *                               costs the heap about three times its size (the request, the
   *                               command, the log entry), so the default 32 MiB bounds requests
   *                               in flight to about 100 MiB however many clients send 1 MiB values
   * @param maxSessionAnswerBytes  bytes of values the client sessions' recorded answers hold
   *                               together ({@link io.raftkv.kv.KvConfig#maxSessionAnswerBytes()});
   *                               part of the replicated state: every server must use the same
   */
  public record Options(
      int tickMillis,
      int electionTicks,
      int heartbeatTicks,
      int snapshotEntries,
      long sessionTimeoutMillis,
      int maxPendingRequests,
      long requestTimeoutMillis,
      long maxPendingRequestBytes,
      long maxSessionAnswerBytes) {

    /**
     * Defaults: 50 ms ticks, election after 10 ticks (0.5–1 s), heartbeat every 2 ticks, 32 MiB of
     * requests in flight, 64 MiB of session answers.
     */
    public static final Options DEFAULTS = new Options(50, 10, 2, 10_000, 3_600_000, 10_000, 5_000,
        32L << 20, io.raftkv.kv.KvConfig.DEFAULT_MAX_SESSION_ANSWER_BYTES);
  }

  public Optional<Member> member(int id) {
    return members.stream().filter(m -> m.id() == id).findFirst();
  }

  public List<Integer> ids() {
    return members.stream().map(Member::id).toList();
  }
}
