package io.raftkv.cli.bench;

import io.raftkv.api.v1.StatusResponse;
import io.raftkv.cli.LocalCluster;
import io.raftkv.client.RaftKvClient;
import io.raftkv.nemesis.launch.Ports;
import io.raftkv.nemesis.launch.ServerLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A local cluster of real server processes for benchmarks ({@code raftkv bench --cluster-up N}):
 * nodes 1..N on free loopback ports, data and logs under one directory, started with this JVM's
 * Java and class path ({@code io.raftkv.cli.Main server ...}) through {@link ServerLauncher}. Kept
 * apart from {@code raftkv cluster}'s directory and ports so that benchmarks never share them.
 */
public final class BenchCluster implements AutoCloseable {
  private final ServerLauncher servers;
  /** Last CPU time seen per node, so that a killed node's CPU still counts. */
  private final Map<Integer, Long> lastCpu = new HashMap<>();

  public BenchCluster(Path dir, int nodes, List<String> jvmOptions, String classPath) {
    Ports ports = Ports.free(nodes + 1);
    // node nodes+1 is the one --add-member-after starts: it joins the running cluster
    this.servers = LocalCluster.launcher(dir, nodes).clusterId("bench")
        .ports(ports).jvmOptions(jvmOptions).classPath(classPath)
        .joinArgs(id -> id <= nodes ? List.of() : List.of("--join",
            String.join(",", clientAddresses()), "--peer-address", "127.0.0.1:" + ports.peer(id),
            "--client-address", "127.0.0.1:" + ports.client(id)))
        .stopOnExit(true).build();
  }

  /** Writes the configuration and starts every node. */
  public void start() throws IOException {
    servers.writeConfig();
    for (int i = 1; i <= servers.nodes(); i++) {
      servers.start(i);
    }
  }

  public List<String> clientAddresses() {
    return servers.clientAddresses();
  }

  public Path dir() {
    return servers.dir();
  }

  /** Waits until a server reports a leader; returns its id. */
  public int awaitLeader(Duration timeout) throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    try (RaftKvClient c = RaftKvClient.builder().servers(clientAddresses())
        .perAttemptTimeout(Duration.ofMillis(500)).build()) {
      while (System.nanoTime() < until) {
        try {
          StatusResponse s = c.status().get(1, TimeUnit.SECONDS);
          int leader = s.getLeaderId();
          if (leader != 0 && servers.isRunning(leader)) {
            return leader;
          }
        } catch (Exception e) {
          // not yet
        }
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("no leader within " + timeout.toSeconds() + " s; logs in "
        + dir());
  }

  /**
   * Starts node {@code nodes + 1}, empty, joining the running cluster ({@code raftkv server
   * --join}): it asks to be added as a learner and is promoted once it has caught up.
   */
  public int startJoiner() throws IOException {
    int id = servers.nodes() + 1;
    servers.start(id);
    return id;
  }

  /** Kills node {@code id} with SIGKILL and waits for it to exit. */
  public void kill(int id) {
    cpuNanos(); // remember its CPU time up to now
    servers.kill(id);
  }

  /** Starts node {@code id} again (after {@link #kill}) on its data directory and ports. */
  public void restart(int id) throws IOException {
    servers.start(id);
  }

  /** The operating-system process id of node {@code id}. */
  public long pid(int id) {
    return servers.process(id).orElseThrow().pid();
  }

  /** The data directory of node {@code id} (exists once the node has started, or if prepared). */
  public Path nodeDir(int id) {
    return servers.dataDir(id);
  }

  /** CPU used so far by the server processes, ns (from /proc via ProcessHandle); -1 if unknown. */
  public synchronized long cpuNanos() {
    long sum = 0;
    boolean known = false;
    for (int id = 1; id <= servers.nodes(); id++) {
      long t = servers.process(id).flatMap(p -> p.toHandle().info().totalCpuDuration())
          .map(d -> d.toNanos()).orElse(-1L);
      if (t >= 0) {
        lastCpu.put(id, t);
      }
      Long last = lastCpu.get(id);
      if (last != null) {
        sum += last;
        known = true;
      }
    }
    return known ? sum : -1;
  }

  @Override
  public void close() {
    servers.close();
  }

  /** Deletes the cluster's directory. */
  public void deleteDir() {
    try {
      ServerLauncher.deleteTree(dir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
