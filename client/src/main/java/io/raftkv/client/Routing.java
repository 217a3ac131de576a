package io.raftkv.client;

/**
 * Where a client sends writes and linearizable reads. Either way every server accepts every
 * request (a follower forwards to the leader), so this changes cost, never results.
 */
public enum Routing {
  /**
   * To the leader, which the client learns from the cluster: a Status call when it starts (the
   * first operations do not wait for it: they go to the first listed server and are forwarded),
   * and the leader id in every answer's header. After a failover, or when an answer names a
   * leader it does not know the address of, it asks again, at most once per probe interval. If
   * the leader's address fails, the client falls back to the listed servers in turn. Serializable
   * reads and Status calls stay on the listed servers. The default of {@link RaftKvClient}.
   */
  LEADER,
  /**
   * To the listed servers: the first one until it fails, then the next (round robin), as the
   * seed's kvslib does. A follower there forwards each write and linearizable read, a second
   * hop. The default of {@link Kvslib}.
   */
  LISTED
}
