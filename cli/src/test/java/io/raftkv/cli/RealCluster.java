package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.raftkv.api.v1.KVGrpc;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.StatusResponse;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.Routing;
import io.raftkv.nemesis.StableClassPath;
import io.raftkv.nemesis.launch.Ports;
import io.raftkv.nemesis.launch.StatusProbe;
import io.raftkv.nemesis.launch.ServerLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A cluster of real server processes on loopback for one test ({@link ServerLauncher}): free ports
 * of its own, a data directory under the test's temporary directory, small fast-starting JVMs.
 * {@link #close()} kills every process it started (also stopped ones), and closes its channels and
 * clients.
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

  final ServerLauncher cluster;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  private final String name;

  private RealCluster(ServerLauncher cluster, String name) {
    this.cluster = cluster;
    this.name = name;
  }

  /** Writes the configuration for {@code nodes} members with {@code optionsJson}; starts none. */
  static RealCluster create(Path tempDir, String name, int nodes, String optionsJson)
      throws IOException {
    return create(tempDir, name, nodes, optionsJson, JVM, null);
  }

  /** As above, the servers' JVMs started with {@code jvmOptions}. */
  static RealCluster create(Path tempDir, String name, int nodes, String optionsJson,
      List<String> jvmOptions) throws IOException {
    return create(tempDir, name, nodes, optionsJson, jvmOptions, null);
  }

  /**
   * As {@link #create(Path, String, int, String)}, with servers that record traces into {@code
   * traceDir} ({@code raftkv server --trace-dir}).
   */
  static RealCluster createTraced(Path tempDir, String name, int nodes, String optionsJson,
      Path traceDir) throws IOException {
    return create(tempDir, name, nodes, optionsJson, JVM, traceDir);
  }

  private static RealCluster create(Path tempDir, String name, int nodes, String optionsJson,
      List<String> jvmOptions, Path traceDir) throws IOException {
    return create(LocalCluster.launcher(tempDir.resolve("cluster"), nodes)
        .ports(Ports.free(nodes)).trace(traceDir, false), name, optionsJson, jvmOptions);
  }

  /**
   * As {@link #create(Path, String, int, String)}, with {@code spares} ids after the members
   * that join the running cluster when started, with the arguments {@code joinArgs} gives
   * ({@code --join ...}; {@link ServerLauncher.Builder#joinArgs}).
   */
  static RealCluster createJoinable(Path tempDir, String name, int nodes, int spares,
      String optionsJson, java.util.function.IntFunction<List<String>> joinArgs)
      throws IOException {
    return create(LocalCluster.launcher(tempDir.resolve("cluster"), nodes).spareIds(spares)
        .ports(Ports.free(nodes + spares)).joinArgs(joinArgs), name, optionsJson, JVM);
  }

  private static RealCluster create(ServerLauncher.Builder b, String name, String optionsJson,
      List<String> jvmOptions) throws IOException {
    RealCluster c = new RealCluster(b.serverOptions(optionsJson).jvmOptions(jvmOptions)
        .classPath(stableClassPath()).stopOnExit(true).build(), name);
    c.cluster.writeConfig();
    return c;
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
  /**
   * A loopback port nobody listens on, below the ephemeral range: a connection to a closed port
   * inside that range can pick the same port as its local end and connect to itself.
   */
  static int unusedPort() {
    return Ports.free(1).client(1);
  }

  void start(int id) throws IOException {
    cluster.start(id);
  }

  /** SIGKILL, and wait until it is gone. */
  void kill(int id) {
    cluster.kill(id);
  }

  void signal(int id, String signal) {
    if (!cluster.isRunning(id)) {
      throw new IllegalStateException("node " + id + " is not running");
    }
    if (!cluster.signal(id, signal)) {
      throw new IllegalStateException("kill -" + signal + " of node " + id + " failed");
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
    return KVGrpc.newBlockingStub(cluster.probe().channel(id))
        .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
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
    return KVGrpc.newFutureStub(cluster.probe().channel(id))
        .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
  }

  /** Server {@code id}'s Status, or empty if it does not answer. */
  Optional<StatusResponse> status(int id) {
    return cluster.probe().status(id, 1000);
  }

  /**
   * Waits until the servers {@code up} agree on one leader among them in one term, and that
   * leader reports itself LEADER; returns it.
   */
  int awaitLeader(List<Integer> up, Duration timeout) throws InterruptedException {
    return await(timeout, "a leader among " + up,
        () -> cluster.probe().agreedLeader(up, 1000).map(StatusProbe.Leader::id));
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
    return StatusProbe.member(s, id).orElseThrow();
  }

  /** Node {@code id}'s data directory. */
  Path dataDir(int id) {
    return cluster.dataDir(id);
  }

  String log(int id) throws IOException {
    return cluster.log(id);
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
    return cluster.logTails(15);
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
    cluster.close(); // SIGKILL (also ends a stopped process), also what the pid files name
    // Keep the node logs (the temporary directory goes): target/node-logs/<name>/node-N.log
    try {
      Path keep = Path.of("target", "node-logs", name);
      Files.createDirectories(keep);
      for (int i = 1; i <= cluster.nodes() + cluster.spareIds(); i++) {
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
