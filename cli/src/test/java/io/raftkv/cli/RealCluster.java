package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.api.MemberRoles;
import io.raftkv.api.v1.KVGrpc;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.StatusRequest;
import io.raftkv.api.v1.StatusResponse;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.Routing;
import io.raftkv.nemesis.StableClassPath;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A cluster of real server processes on loopback for one test: free ports of its own, a data
 * directory under the test's temporary directory, small fast-starting JVMs. {@link #close()} kills
 * every process it started (also stopped ones), and closes its channels and clients.
 */
final class RealCluster implements AutoCloseable {
  /**
   * Timing for tests: 20 ms ticks, elections after 500-1000 ms of silence (a loaded machine's
   * pauses do not depose a healthy leader), heartbeats every 100 ms.
   */
  static final String FAST = "{\"tickMillis\": 20, \"electionTicks\": 25, \"heartbeatTicks\": 5, "
      + "\"requestTimeoutMillis\": 3000}";

  /** Quicker elections (200-400 ms), for tests about elections themselves. */
  static final String QUICK_ELECTIONS = "{\"tickMillis\": 20, \"electionTicks\": 10, "
      + "\"heartbeatTicks\": 2, \"requestTimeoutMillis\": 2000}";

  private static final List<String> JVM = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1",
      "-Xshare:auto", "-XX:+UseSerialGC");

  final ProcessCluster cluster;
  private final Map<Integer, Process> processes = new HashMap<>();
  private final Map<Integer, ManagedChannel> channels = new HashMap<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  private final String name;

  private RealCluster(ProcessCluster cluster, String name) {
    this.cluster = cluster;
    this.name = name;
  }

  /** Writes the configuration for {@code nodes} members with {@code optionsJson}; starts none. */
  static RealCluster create(Path tempDir, String name, int nodes, String optionsJson)
      throws IOException {
    return create(tempDir, name, nodes, optionsJson, JVM);
  }

  /** As above, the servers' JVMs started with {@code jvmOptions}. */
  static RealCluster create(Path tempDir, String name, int nodes, String optionsJson,
      List<String> jvmOptions) throws IOException {
    int[] bases = PortBases.pick(nodes);
    String cp = stableClassPath();
    RealCluster c = new RealCluster(new ProcessCluster(tempDir.resolve("cluster"), nodes,
        bases[0], bases[1], jvmOptions, cp), name);
    c.cluster.writeConfig(optionsJson);
    return c;
  }

  /**
   * As {@link #create(Path, String, int, String)}, with servers that record traces into {@code
   * traceDir} ({@code raftkv server --trace-dir}).
   */
  static RealCluster createTraced(Path tempDir, String name, int nodes, String optionsJson,
      Path traceDir) throws IOException {
    RealCluster plain = create(tempDir, name, nodes, optionsJson);
    return new RealCluster(plain.cluster.tracing(traceDir, false), name);
  }

  /** Creates and starts all members. */
  static RealCluster start(Path tempDir, String name, int nodes, String optionsJson)
      throws IOException {
    RealCluster c = create(tempDir, name, nodes, optionsJson);
    for (int i = 1; i <= nodes; i++) {
      c.start(i);
    }
    return c;
  }

  private static final java.security.SecureRandom SESSIONS = new java.security.SecureRandom();

  /** A request header of a brand-new session's first operation (a one-shot client). */
  static io.raftkv.api.v1.RequestHeader freshHeader() {
    return io.raftkv.api.v1.RequestHeader.newBuilder().setClientId(SESSIONS.nextLong()).setOpId(1)
        .build();
  }

  /** The class path for server processes: see {@link StableClassPath}. */
  static String stableClassPath() throws IOException {
    return StableClassPath.get();
  }

  /** A loopback port nothing listens on just now (bound to port 0, then released). */
  static int unusedPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every server process any RealCluster started, killed when this JVM exits, come what may. */
  private static final java.util.Set<Process> ALL = java.util.concurrent.ConcurrentHashMap
      .newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> ALL.forEach(Process::destroyForcibly),
        "kill-test-servers"));
  }

  void start(int id) throws IOException {
    Process p = cluster.start(id);
    ALL.add(p);
    p.onExit().thenRun(() -> ALL.remove(p));
    processes.put(id, p);
  }

  /** SIGKILL, and wait until it is gone. */
  void kill(int id) {
    Process p = processes.remove(id);
    if (p != null) {
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    dropChannel(id);
  }

  void signal(int id, String signal) throws Exception {
    Process p = processes.get(id);
    if (p == null) {
      throw new IllegalStateException("node " + id + " is not running");
    }
    Process k = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid()))
        .redirectErrorStream(true).start();
    if (k.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + p.pid() + " failed");
    }
  }

  List<String> addresses() {
    return cluster.clientAddresses();
  }

  String address(int id) {
    return cluster.clientAddress(id);
  }

  /** A client of these servers, routing to the leader (the default). */
  RaftKvClient client(List<String> servers) {
    return client(servers, Routing.LEADER);
  }

  /** A client of these servers; {@link Routing#LISTED} keeps it on them (a test of a path). */
  RaftKvClient client(List<String> servers, Routing routing) {
    RaftKvClient c = RaftKvClient.builder().servers(servers).routing(routing)
        .perAttemptTimeout(Duration.ofMillis(1500)).build();
    closeables.add(c);
    return c;
  }

  RaftKvClient client() {
    return client(addresses());
  }

  /** A blocking stub talking to server {@code id} only, with a deadline. */
  KVGrpc.KVBlockingStub stub(int id, long deadlineMillis) {
    ManagedChannel ch = channels.computeIfAbsent(id, i -> NettyChannelBuilder
        .forTarget(address(i)).usePlaintext().maxInboundMessageSize(8 << 20).build());
    return KVGrpc.newBlockingStub(ch).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Calls server {@code id} only, resending the same request while it answers UNAVAILABLE (no
   * leader known during an election, say) for up to 30 s; other errors are thrown at once.
   */
  <T> T call(int id, java.util.function.Function<KVGrpc.KVBlockingStub, T> op)
      throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return op.apply(stub(id, 10_000));
      } catch (io.grpc.StatusRuntimeException e) {
        if (e.getStatus().getCode() != io.grpc.Status.Code.UNAVAILABLE
            || System.nanoTime() > end) {
          throw e;
        }
      }
      Thread.sleep(100);
    }
  }

  /** A future stub talking to server {@code id} only, with a deadline. */
  KVGrpc.KVFutureStub futureStub(int id, long deadlineMillis) {
    stub(id, deadlineMillis); // opens the channel
    return KVGrpc.newFutureStub(channels.get(id))
        .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
  }

  private void dropChannel(int id) {
    ManagedChannel ch = channels.remove(id);
    if (ch != null) {
      ch.shutdownNow();
    }
  }

  /** Server {@code id}'s Status, or empty if it does not answer. */
  Optional<StatusResponse> status(int id) {
    try {
      return Optional.of(stub(id, 1000).status(StatusRequest.getDefaultInstance()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Waits until the servers {@code up} agree on one leader among them in one term, and that
   * leader reports itself LEADER; returns it.
   */
  int awaitLeader(List<Integer> up, Duration timeout) throws InterruptedException {
    return await(timeout, "a leader among " + up, () -> {
      int leader = 0;
      long term = -1;
      for (int id : up) {
        Optional<StatusResponse> s = status(id);
        if (s.isEmpty() || s.get().getLeaderId() == 0) {
          return Optional.empty();
        }
        if (leader != 0 && (s.get().getLeaderId() != leader || s.get().getTerm() != term)) {
          return Optional.empty();
        }
        leader = s.get().getLeaderId();
        term = s.get().getTerm();
      }
      int l = leader;
      if (!up.contains(l)) {
        return Optional.empty();
      }
      Optional<StatusResponse> own = status(l);
      boolean leads = own.isPresent() && own.get().getMembersList().stream()
          .anyMatch(m -> m.getId() == l && MemberRoles.isLeader(m));
      return leads ? Optional.of(l) : Optional.empty();
    });
  }

  /** Waits until member {@code id}'s applied index and state hash equal member {@code of}'s. */
  void awaitCaughtUp(int id, int of, Duration timeout) throws InterruptedException {
    await(timeout, "node " + id + " to catch up with node " + of, () -> {
      Optional<StatusResponse> s = status(of);
      if (s.isEmpty()) {
        return Optional.empty();
      }
      MemberStatus a = member(s.get(), id);
      MemberStatus b = member(s.get(), of);
      return a.getHealthy() && b.getHealthy() && a.getAppliedIndex() == b.getAppliedIndex()
          && a.getAppliedIndex() > 0 && a.getStateHash() == b.getStateHash()
          ? Optional.of(true) : Optional.empty();
    });
  }

  static MemberStatus member(StatusResponse s, int id) {
    return s.getMembersList().stream().filter(m -> m.getId() == id).findFirst().orElseThrow();
  }

  /** Node {@code id}'s data directory. */
  Path dataDir(int id) {
    return cluster.dataDir(id);
  }

  String log(int id) throws IOException {
    Path p = cluster.logFile(id);
    return Files.exists(p) ? Files.readString(p) : "";
  }

  /** Polls {@code probe} every 100 ms until it gives a value; fails with the node logs' tails. */
  <T> T await(Duration timeout, String what, Supplier<Optional<T>> probe)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> v = probe.get();
      if (v.isPresent()) {
        return v.get();
      }
      if (System.nanoTime() > end) {
        fail("timed out after " + timeout + " waiting for " + what + "\n" + logTails());
      }
      Thread.sleep(100);
    }
  }

  String logTails() {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= cluster.nodes; i++) {
      try {
        List<String> lines = Files.exists(cluster.logFile(i))
            ? Files.readAllLines(cluster.logFile(i)) : List.of();
        sb.append("--- node-").append(i).append(".log (last 15 lines)\n");
        lines.subList(Math.max(0, lines.size() - 15), lines.size())
            .forEach(l -> sb.append(l).append('\n'));
      } catch (IOException e) {
        sb.append(e).append('\n');
      }
    }
    return sb.toString();
  }

  static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        // closing anyway
      }
    }
    for (ManagedChannel ch : channels.values()) {
      ch.shutdownNow();
    }
    channels.clear();
    for (Process p : processes.values()) {
      p.destroyForcibly(); // SIGKILL also ends a stopped process
    }
    for (Process p : processes.values()) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
    cluster.killAll(); // anything the pid files still name
    // Keep the node logs (the temporary directory goes): target/node-logs/<name>/node-N.log
    try {
      Path keep = Path.of("target", "node-logs", name);
      Files.createDirectories(keep);
      for (int i = 1; i <= cluster.nodes; i++) {
        if (Files.exists(cluster.logFile(i))) {
          Files.copy(cluster.logFile(i), keep.resolve("node-" + i + ".log"),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      // logs are a convenience
    }
  }
}
