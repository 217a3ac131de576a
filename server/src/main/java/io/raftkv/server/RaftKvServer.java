package io.raftkv.server;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.raftkv.kv.KvConfig;
import io.raftkv.kv.KvStateMachine;
import io.raftkv.raft.RaftConfig;
import io.raftkv.raft.RaftNode;
import io.raftkv.raft.RestoredState;
import io.raftkv.raft.message.Message;
import io.raftkv.server.transport.PeerTransport;
import io.raftkv.storage.RaftStorage;
import io.raftkv.storage.StorageOptions;
import io.raftkv.storage.disk.FileChannelDisk;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RaftKV server process: its data directory, the node runtime, the peer transport, and two
 * gRPC servers (peers on the peer address, clients on the client address).
 */
public final class RaftKvServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftKvServer.class);
  /** How long streaming one snapshot to a peer may take before it counts as failed. */
  private static final long SNAPSHOT_TIMEOUT_MILLIS = 120_000;

  private final NodeRuntime runtime;
  private final PeerTransport transport;
  private final Server peerServer;
  private final Server clientServer;

  private RaftKvServer(NodeRuntime runtime, PeerTransport transport, Server peerServer,
      Server clientServer) {
    this.runtime = runtime;
    this.transport = transport;
    this.peerServer = peerServer;
    this.clientServer = clientServer;
  }

  /**
   * Opens node {@code id}'s data directory, recovers, and starts serving.
   *
   * @param onFatal called once if the node must stop (a failed fsync, damaged storage found
   *     while running, a broken Raft safety rule); the process should exit
   * @throws ConfigException if {@code id} is not a member
   * @throws IOException if an address cannot be bound
   */
  public static RaftKvServer start(ClusterConfig config, int id, Path dataDir,
      Consumer<Throwable> onFatal) throws IOException {
    ClusterConfig.Member me = config.member(id).orElseThrow(() -> new ConfigException("--id "
        + id + " is not a member of cluster '" + config.clusterId() + "' (members: "
        + config.ids() + ")"));
    ClusterConfig.Options o = config.options();
    RaftStorage storage = RaftStorage.open(new FileChannelDisk(), dataDir, config.clusterId(), id,
        StorageOptions.defaults());
    RestoredState restored = storage.restoredState();
    KvStateMachine kv = new KvStateMachine(new KvConfig(o.sessionTimeoutMillis(),
        KvConfig.DEFAULT_MAX_SESSIONS));
    if (restored.snapshot() != null) {
      kv.restore(restored.snapshot());
    }
    RaftConfig rc = RaftConfig.defaults(id, config.ids(), new SplittableRandom())
        .withTimeouts(o.electionTicks(), o.heartbeatTicks());
    RaftNode node = new RaftNode(rc, restored);
    LOG.info("node {} of cluster '{}' recovered: term {}, log {}..{}, commit {}, snapshot {}",
        id, config.clusterId(), restored.hardState().term(), node.status().firstIndex(),
        node.status().lastIndex(), node.status().commitIndex(),
        restored.snapshot() == null ? "none" : restored.snapshot().meta().index());

    AtomicReference<PeerTransport> transportRef = new AtomicReference<>();
    Consumer<Message[]> sender = msgs -> {
      PeerTransport t = transportRef.get();
      if (t != null) {
        t.send(List.of(msgs));
      }
    };
    NodeRuntime runtime = new NodeRuntime(id, config.ids(), o, node, storage, kv, sender, onFatal);
    Map<Integer, io.raftkv.server.HostPort> peers = new TreeMap<>();
    config.members().stream().filter(m -> m.id() != id)
        .forEach(m -> peers.put(m.id(), m.peerAddress()));
    PeerTransport transport = new PeerTransport(config.clusterId(), id, peers,
        new PeerTransport.Reports() {
          @Override
          public void unreachable(int peer) {
            runtime.reportUnreachable(peer);
          }

          @Override
          public void snapshotDone(int peer, boolean ok) {
            runtime.reportSnapshot(peer, ok);
          }
        }, SNAPSHOT_TIMEOUT_MILLIS);
    transportRef.set(transport);
    RequestExecutor executor = new RequestExecutor(config, runtime, transport::channel);
    ClusterStatus status = new ClusterStatus(config, runtime, transport::channel);
    // directExecutor: every handler here only decodes and hands work to the node runtime's inbox
    // (or to a future), never blocks, so it runs on the Netty event loop that read the request
    // instead of costing a hand-off to gRPC's default thread pool per call and per message batch.
    Server peerServer = NettyServerBuilder.forAddress(socket(me.peerAddress())).directExecutor()
        .addService(new PeerService(config.clusterId(), runtime, executor, status))
        .maxInboundMessageSize(64 << 20).build();
    Server clientServer = NettyServerBuilder.forAddress(socket(me.clientAddress()))
        .directExecutor()
        .addService(new KvService(executor, status)).maxInboundMessageSize(4 << 20).build();
    try {
      peerServer.start();
      clientServer.start();
    } catch (IOException e) {
      peerServer.shutdownNow();
      transport.close();
      runtime.close();
      throw new IOException("cannot listen on " + me.peerAddress() + " (peers) and "
          + me.clientAddress() + " (clients): " + e.getMessage(), e);
    }
    LOG.info("node {} listening: peers on {}, clients on {}", id, me.peerAddress(),
        me.clientAddress());
    return new RaftKvServer(runtime, transport, peerServer, clientServer);
  }

  private static InetSocketAddress socket(HostPort hp) {
    return new InetSocketAddress(hp.host(), hp.port());
  }

  public NodeRuntime runtime() {
    return runtime;
  }

  /** Blocks until the servers stop. */
  public void awaitTermination() throws InterruptedException {
    clientServer.awaitTermination();
  }

  @Override
  public void close() {
    clientServer.shutdownNow();
    peerServer.shutdownNow();
    try {
      clientServer.awaitTermination(2, TimeUnit.SECONDS);
      peerServer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    transport.close();
    runtime.close();
  }
}
