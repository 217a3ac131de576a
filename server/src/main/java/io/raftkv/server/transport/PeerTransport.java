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

  private final String clusterId;
  private final Map<Integer, ManagedChannel> channels = new TreeMap<>();
  private final Map<Integer, PeerLink> links = new TreeMap<>();
  private final ExecutorService snapshots;
  private final Reports reports;
  private final long snapshotTimeoutMillis;

  public PeerTransport(String clusterId, int selfId, Map<Integer, HostPort> peers,
      Reports reports, long snapshotTimeoutMillis) {
    this.clusterId = clusterId;
    this.reports = reports;
    this.snapshotTimeoutMillis = snapshotTimeoutMillis;
    this.snapshots = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "raftkv-" + selfId + "-snapshot-sender");
      t.setDaemon(true);
      return t;
    });
    peers.forEach((id, addr) -> {
      // directExecutor: the callbacks on these channels (stream readiness, forwarded answers
      // relayed to a client, snapshot acks) never block, so they run on the event loop.
      ManagedChannel ch = NettyChannelBuilder.forTarget(addr.target()).usePlaintext()
          .directExecutor().maxInboundMessageSize(64 << 20).build();
      channels.put(id, ch);
      links.put(id, new PeerLink(clusterId, id, ch, reports::unreachable));
    });
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
      if (!links.containsKey(m.to())) {
        LOG.warn("dropping a message to unknown node {}: {}", m.to(), m);
        continue;
      }
      if (m instanceof InstallSnapshot s) {
        sendSnapshot(s);
      } else {
        byPeer.computeIfAbsent(m.to(), k -> new ArrayList<>(2))
            .add(MessageCodec.encode(m, tokens == null ? null : tokens.tokenFor(m)));
      }
    }
    byPeer.forEach((peer, batch) -> links.get(peer).send(batch));
  }

  private void sendSnapshot(InstallSnapshot s) {
    ManagedChannel ch = channels.get(s.to());
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

  /** The channel to {@code peer}, for forwarding client requests to it. */
  public ManagedChannel channel(int peer) {
    return channels.get(peer);
  }

  @Override
  public void close() {
    links.values().forEach(PeerLink::close);
    snapshots.shutdownNow();
    for (ManagedChannel ch : channels.values()) {
      ch.shutdownNow();
    }
    for (ManagedChannel ch : channels.values()) {
      try {
        ch.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
