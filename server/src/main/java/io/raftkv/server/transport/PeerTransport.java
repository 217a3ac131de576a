package io.raftkv.server.transport;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.api.peer.v1.RaftMessage;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.Message;
import io.raftkv.server.HostPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Raft messages to the other servers: one {@link PeerLink} (one long-lived gRPC stream)
 * per peer, snapshots streamed in chunks on a separate call. Never blocks the caller: the node
 * runtime's loop hands over a Ready's messages and moves on.
 */
public final class PeerTransport implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerTransport.class);

  /** What the transport tells the node runtime. Called from transport threads. */
  public interface Reports {
    /** A message to {@code peer} could not be sent. */
    void unreachable(int peer);

    /** Streaming a snapshot to {@code peer} ended, well or badly. */
    void snapshotDone(int peer, boolean ok);
  }

  /** A peer's link, channel and address; replaced whole, never changed. */
  private record Peer(HostPort address, ManagedChannel channel, PeerLink link) {}

  private final String clusterId;
  /** Written by {@link #update} on the node thread; read from any thread. */
  private final Map<Integer, Peer> peers = new ConcurrentHashMap<>();
  private final ExecutorService snapshots;
  private final Reports reports;
  private final long snapshotTimeoutMillis;

  /**
   * A transport to {@code initialPeers}; {@link #update} changes the set as the configuration in
   * force changes.
   */
  public PeerTransport(String clusterId, int selfId, Map<Integer, HostPort> initialPeers,
      Reports reports, long snapshotTimeoutMillis) {
    this.clusterId = clusterId;
    this.reports = reports;
    this.snapshotTimeoutMillis = snapshotTimeoutMillis;
    this.snapshots = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "raftkv-" + selfId + "-snapshot-sender");
      t.setDaemon(true);
      return t;
    });
    update(initialPeers);
  }

  /**
   * Makes the peers exactly {@code wanted}: opens a link to each new one (or one whose address
   * changed) and closes the links to the others (calls in flight on their channels may finish).
   * Called from the node thread, the one that sends.
   */
  public synchronized void update(Map<Integer, HostPort> wanted) {
    for (var it = peers.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      HostPort addr = wanted.get(e.getKey());
      if (addr == null || !addr.equals(e.getValue().address())) {
        it.remove();
        e.getValue().link().close();
        e.getValue().channel().shutdown();
        LOG.info("closed the link to node {} at {}", e.getKey(), e.getValue().address());
      }
    }
    wanted.forEach((id, addr) -> {
      if (!peers.containsKey(id)) {
        // directExecutor: the callbacks on these channels (stream readiness, forwarded answers
        // relayed to a client, snapshot acks) never block, so they run on the event loop.
        ManagedChannel ch = NettyChannelBuilder.forTarget(addr.target()).usePlaintext()
            .directExecutor().maxInboundMessageSize(64 << 20).build();
        peers.put(id, new Peer(addr, ch, new PeerLink(clusterId, id, ch, reports::unreachable)));
      }
    });
  }

  /** The peers' ids and addresses now. */
  public Map<Integer, HostPort> peers() {
    Map<Integer, HostPort> out = new TreeMap<>();
    peers.forEach((id, p) -> out.put(id, p.address()));
    return out;
  }

  /** Supplies an outgoing message's trace token (binary form), or null if it is not traced. */
  @FunctionalInterface
  public interface TraceTokens {
    byte[] tokenFor(Message m);
  }

  /**
   * Writes messages to their peers' streams, on the calling thread, one batch per peer (queued if a
   * stream cannot take them yet); messages to unknown peers are dropped with a log line.
   */
  public void send(List<Message> messages) {
    send(messages, null);
  }

  /**
   * As {@link #send(List)}, asking {@code tokens} (if not null) for each message's trace token
   * just before it is queued; snapshots and messages to unknown peers are not asked about.
   */
  public void send(List<Message> messages, TraceTokens tokens) {
    // One batch per peer per call: a Ready's messages to a follower leave in one stream write.
    Map<Integer, List<RaftMessage>> byPeer = new TreeMap<>();
    for (Message m : messages) {
      if (!peers.containsKey(m.to())) {
        LOG.debug("dropping a message to node {}, whose address is not known: {}", m.to(), m);
        continue;
      }
      if (m instanceof InstallSnapshot s) {
        sendSnapshot(s);
      } else {
        byPeer.computeIfAbsent(m.to(), k -> new ArrayList<>(2))
            .add(MessageCodec.encode(m, tokens == null ? null : tokens.tokenFor(m)));
      }
    }
    byPeer.forEach((peer, batch) -> {
      Peer p = peers.get(peer);
      if (p != null) {
        p.link().send(batch);
      }
    });
  }

  private void sendSnapshot(InstallSnapshot s) {
    ManagedChannel ch = channel(s.to());
    if (ch == null) {
      reports.snapshotDone(s.to(), false);
      return;
    }
    snapshots.execute(() -> {
      boolean ok = false;
      try {
        ok = SnapshotSender.send(clusterId, ch, s, snapshotTimeoutMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.io.IOException | RuntimeException e) {
        LOG.warn("sending snapshot {} to {} failed: {}", s.snapshot(), s.to(), e.toString());
      }
      reports.snapshotDone(s.to(), ok);
    });
  }

  /** The channel to {@code peer}, for forwarding client requests to it; null if not a peer. */
  public ManagedChannel channel(int peer) {
    Peer p = peers.get(peer);
    return p == null ? null : p.channel();
  }

  @Override
  public synchronized void close() {
    List<ManagedChannel> channels = peers.values().stream().map(Peer::channel).toList();
    peers.values().forEach(p -> p.link().close());
    peers.clear();
    snapshots.shutdownNow();
    for (ManagedChannel ch : channels) {
      ch.shutdownNow();
    }
    for (ManagedChannel ch : channels) {
      try {
        ch.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
