package io.raftkv.server;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.api.peer.v1.RaftPeerGrpc;
import io.raftkv.api.v1.KVGrpc;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.RequestHeader;
import io.raftkv.api.v1.StatusRequest;
import io.raftkv.api.v1.StatusResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A cluster of real servers in this JVM: {@link RaftKvServer#start} per member, each with its own
 * data directory under a temporary one, real gRPC on loopback ports. Members can be stopped
 * ({@link RaftKvServer#close}, a clean shutdown, not a crash) and started again on their data.
 */
final class LocalCluster implements AutoCloseable {
  final ClusterConfig config;
  private final Path dir;
  private final Map<Integer, RaftKvServer> running = new TreeMap<>();
  private final Map<Integer, ManagedChannel> clientChannels = new TreeMap<>();
  private final Map<Integer, ManagedChannel> peerChannels = new TreeMap<>();
  /** Addresses of members started with {@link #join}, which the cluster file does not list. */
  private final Map<Integer, MemberAddresses> joined = new TreeMap<>();
  /** The first fatal error any member reported; a test fails on it at close. */
  final AtomicReference<Throwable> fatal = new AtomicReference<>();

  private LocalCluster(ClusterConfig config, Path dir) {
    this.config = config;
    this.dir = dir;
  }

  /**
   * Starts members 1..n with {@code options} (the JSON object's fields, without braces; empty for
   * the defaults).
   */
  static LocalCluster start(Path dir, int n, String options) throws IOException {
    int[] ports = freePorts(2 * n);
    StringBuilder json = new StringBuilder("{\"clusterId\": \"local\", \"members\": [");
    for (int i = 0; i < n; i++) {
      json.append(i == 0 ? "" : ", ").append("{\"id\": ").append(i + 1)
          .append(", \"clientAddress\": \"127.0.0.1:").append(ports[2 * i])
          .append("\", \"peerAddress\": \"127.0.0.1:").append(ports[2 * i + 1]).append("\"}");
    }
    json.append("], \"options\": {").append(options).append("}}");
    LocalCluster c = new LocalCluster(ClusterConfigLoader.parse(json.toString()), dir);
    try {
      for (int id = 1; id <= n; id++) {
        c.start(id);
      }
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** Starts (or restarts, on its data) member {@code id}. */
  void start(int id) throws IOException {
    running.put(id, RaftKvServer.start(config, id, dataDir(id), fatal::set));
  }

  /**
   * Starts node {@code id}, not in the cluster file, joining through member {@code via}'s client
   * address ({@link RaftKvServer#join}) on fresh ports; on a restart, on the same ports.
   */
  void join(int id, boolean autoPromote, int via) throws IOException {
    MemberAddresses self = reserve(id);
    JoinOptions options = new JoinOptions(List.of(addresses(via).client()), self, autoPromote,
        30_000);
    running.put(id, RaftKvServer.join(config, id, options, dataDir(id), TraceOptions.OFF,
        fatal::set));
  }

  /** Fresh loopback addresses for node {@code id}, not in the cluster file (kept once chosen). */
  MemberAddresses reserve(int id) throws IOException {
    MemberAddresses self = joined.get(id);
    if (self == null) {
      int[] ports = freePorts(2);
      self = new MemberAddresses(new HostPort("127.0.0.1", ports[1]),
          new HostPort("127.0.0.1", ports[0]));
      joined.put(id, self);
    }
    return self;
  }

  /** Member {@code id}'s addresses (from the cluster file, or given when it joined). */
  MemberAddresses addresses(int id) {
    MemberAddresses a = joined.get(id);
    if (a != null) {
      return a;
    }
    ClusterConfig.Member m = config.member(id).orElseThrow();
    return new MemberAddresses(m.peerAddress(), m.clientAddress());
  }

  /** Member {@code id}'s data directory. */
  Path dataDir(int id) {
    return dir.resolve("n" + id);
  }

  /** Whether member {@code id} is running here. */
  boolean isRunning(int id) {
    return running.containsKey(id);
  }

  /** Stops member {@code id} (cleanly: its storage is closed; not a crash). */
  void stop(int id) {
    RaftKvServer s = running.remove(id);
    // Fresh channels after a restart: an old one may wait out a reconnect back-off.
    ManagedChannel c = clientChannels.remove(id);
    if (c != null) {
      c.shutdownNow();
    }
    ManagedChannel p = peerChannels.remove(id);
    if (p != null) {
      p.shutdownNow();
    }
    if (s != null) {
      s.close();
    }
  }

  RaftKvServer server(int id) {
    RaftKvServer s = running.get(id);
    if (s == null) {
      throw new IllegalStateException("member " + id + " is not running");
    }
    return s;
  }

  List<Integer> ids() {
    return config.ids();
  }

  /** Members other than {@code id}. */
  List<Integer> others(int id) {
    return ids().stream().filter(i -> i != id).toList();
  }

  /**
   * Waits until exactly one running member leads and every running member knows it as leader;
   * returns its id.
   */
  int awaitLeader(Duration within) throws InterruptedException {
    return await(within, "one leader known to every running member", () -> {
      int leader = 0;
      for (RaftKvServer s : running.values()) {
        NodeView v = s.runtime().view();
        if (v.status().leader() == 0 || (leader != 0 && v.status().leader() != leader)) {
          return null;
        }
        leader = v.status().leader();
      }
      return running.containsKey(leader) && running.get(leader).runtime().view().isLeader()
          ? leader : null;
    });
  }

  /** Polls {@code probe} every 20 ms until it gives a value, failing after {@code within}. */
  static <T> T await(Duration within, String what, Supplier<T> probe)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      T v = probe.get();
      if (v != null) {
        return v;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("not within " + within + ": " + what);
  }

  /** A blocking stub on member {@code id}'s client port, each call with a 15 s deadline. */
  KVGrpc.KVBlockingStub kv(int id) {
    return KVGrpc.newBlockingStub(clientChannel(id)).withDeadlineAfter(15, TimeUnit.SECONDS);
  }

  /** A future stub on member {@code id}'s client port, each call with a 30 s deadline. */
  KVGrpc.KVFutureStub kvAsync(int id) {
    return KVGrpc.newFutureStub(clientChannel(id)).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** A blocking stub on member {@code id}'s peer port, as another member would call it. */
  RaftPeerGrpc.RaftPeerBlockingStub peer(int id) {
    ManagedChannel ch = peerChannels.computeIfAbsent(id, i -> channel(addresses(i).peer()));
    return RaftPeerGrpc.newBlockingStub(ch).withDeadlineAfter(15, TimeUnit.SECONDS);
  }

  /** Member {@code id}'s entry in a Status answer. */
  static MemberStatus memberOf(StatusResponse s, int id) {
    return s.getMembersList().stream().filter(m -> m.getId() == id).findFirst().orElseThrow();
  }

  /** Member {@code id}'s view of itself (its Status entry for itself). */
  MemberStatus self(int id) {
    return kv(id).status(StatusRequest.getDefaultInstance()).getMembersList().stream()
        .filter(m -> m.getId() == id).findFirst().orElseThrow();
  }

  /** A blocking stub of the Cluster service on member {@code id}'s client port (15 s deadline). */
  io.raftkv.api.v1.ClusterGrpc.ClusterBlockingStub cluster(int id) {
    return io.raftkv.api.v1.ClusterGrpc.newBlockingStub(clientChannel(id))
        .withDeadlineAfter(15, TimeUnit.SECONDS);
  }

  ManagedChannel clientChannel(int id) {
    return clientChannels.computeIfAbsent(id, i -> channel(addresses(i).client()));
  }

  private static ManagedChannel channel(HostPort hp) {
    return NettyChannelBuilder.forAddress(hp.host(), hp.port()).usePlaintext().build();
  }

  /** A header for a new client's first operation. */
  static RequestHeader freshHeader() {
    return RequestHeader.newBuilder().setClientId(ThreadLocalRandom.current().nextLong())
        .setOpId(1).build();
  }

  static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    clientChannels.values().forEach(ManagedChannel::shutdownNow);
    peerChannels.values().forEach(ManagedChannel::shutdownNow);
    new ArrayList<>(running.keySet()).forEach(this::stop);
    if (fatal.get() != null) {
      throw new AssertionError("a member stopped on a fatal error", fatal.get());
    }
  }

  /**
   * {@code n} loopback ports free just now, below the kernel's ephemeral range (32768 and up on
   * Linux): a port inside it can be taken by the local end of an outgoing connection between this
   * check and the server's bind ("address already in use").
   */
  static int[] freePorts(int n) throws IOException {
    int[] ports = new int[n];
    java.util.Set<Integer> chosen = new java.util.HashSet<>();
    for (int i = 0; i < n; i++) {
      for (int attempt = 0; ; attempt++) {
        if (attempt == 1000) {
          throw new IOException("no free loopback port found below 32000");
        }
        int port = 10_000 + ThreadLocalRandom.current().nextInt(22_000);
        if (chosen.contains(port)) {
          continue;
        }
        try (ServerSocket s = new ServerSocket()) {
          s.setReuseAddress(false);
          s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
        } catch (IOException taken) {
          continue;
        }
        chosen.add(port);
        ports[i] = port;
        break;
      }
    }
    return ports;
  }
}
