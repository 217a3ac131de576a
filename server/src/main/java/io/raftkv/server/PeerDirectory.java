package io.raftkv.server;

import io.raftkv.raft.Member;
import io.raftkv.raft.Membership;
import io.raftkv.server.transport.PeerTransport;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which peers the transport talks to, derived from the configuration in force alone (thesis §4.1:
 * the latest configuration entry in the node's log), never from a second member list that could
 * drift (etcd #13196, #20967).
 *
 * <p>The transport holds a link to every member of the configuration in force, to the leader this
 * node follows (which may be removing itself) and, on a leader, to every node it still has
 * progress for: a removed member keeps its link until it holds the
 * entry that removed it or stops answering (the core then prunes it). Addresses come from the
 * configurations' {@link MemberAddresses}; every address seen in one is remembered, so a removed
 * member stays reachable while the leader still needs it. {@code seeds} give the addresses of
 * members whose configuration entries carry none this server can read (an older log), and of an
 * existing cluster's members to a node joining it, before its log holds any configuration.
 * {@code routes}, the cluster file's local routing table, say how this server dials some peers
 * (a proxy, a NAT) whatever address their configuration gives: routing, not membership.
 */
final class PeerDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(PeerDirectory.class);

  private final int selfId;
  private final MemberAddresses self;
  private final Map<Integer, MemberAddresses> seeds;
  /** The cluster file's local routing table: how to dial these peers, whatever their address. */
  private final Map<Integer, HostPort> routes;
  /** Every member address seen in a configuration in force; read from any thread. */
  private final Map<Integer, MemberAddresses> known = new ConcurrentHashMap<>();
  private final Set<Integer> unknownReported = new TreeSet<>();
  private PeerTransport transport;

  PeerDirectory(int selfId, MemberAddresses self, Map<Integer, MemberAddresses> seeds,
      Map<Integer, HostPort> routes) {
    this.selfId = selfId;
    this.self = self;
    this.seeds = Map.copyOf(seeds);
    this.routes = Map.copyOf(routes);
  }

  /** Where this server listens. */
  MemberAddresses self() {
    return self;
  }

  /** The addresses of node {@code id} as last seen in a configuration (or a seed); null if none. */
  MemberAddresses addresses(int id) {
    if (id == selfId) {
      return self;
    }
    MemberAddresses a = known.get(id);
    return a != null ? a : seeds.get(id);
  }

  /** Starts driving {@code t}'s peer set. */
  synchronized void attach(PeerTransport t) {
    this.transport = t;
  }

  /**
   * Sets the transport's peers from the view {@code latest} gives (read under this object's lock,
   * so the last caller applies the newest view): the members of its configuration in force, the
   * leader's followers, and the seeds while no configuration is known. Safe from any thread.
   */
  synchronized void refresh(java.util.function.Supplier<NodeView> latest) {
    NodeView v = latest.get();
    Membership m = v.membership();
    for (Member member : m.members()) {
      MemberAddresses a = MemberAddresses.of(member);
      if (a != null && member.id() != selfId) {
        known.put(member.id(), a);
      }
    }
    Set<Integer> wanted = new TreeSet<>(v.matchIndex().keySet());
    if (v.status().leader() != 0) {
      // The leader this node follows, even one its configuration no longer holds: a leader that
      // removed itself leads until the removal commits and hands over (thesis §4.2.2), and
      // needs its followers' answers to get there.
      wanted.add(v.status().leader());
    }
    m.members().forEach(member -> wanted.add(member.id()));
    if (m.isEmpty()) {
      wanted.addAll(seeds.keySet());
    }
    wanted.remove(selfId);
    Map<Integer, HostPort> peers = new TreeMap<>();
    for (int id : wanted) {
      MemberAddresses a = addresses(id);
      if (routes.containsKey(id)) {
        peers.put(id, routes.get(id)); // a local route wins: it is how this server reaches id
      } else if (a != null) {
        peers.put(id, a.peer());
      } else if (unknownReported.add(id)) {
        LOG.warn("node {}: no address is known for member {} (its configuration entry carries"
            + " none); messages to it are dropped", selfId, id);
      }
    }
    if (transport != null) {
      transport.update(peers);
    }
  }
}
