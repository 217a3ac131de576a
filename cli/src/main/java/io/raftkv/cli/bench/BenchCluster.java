package io.raftkv.cli.bench;

import io.raftkv.api.v1.StatusResponse;
import io.raftkv.client.RaftKvClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A local cluster of real server processes for benchmarks ({@code raftkv bench --cluster-up N}):
 * nodes 1..N on free loopback ports, data and logs under one directory, started with this JVM's
 * Java and class path ({@code io.raftkv.cli.Main server ...}). Kept apart from the
 * {@code raftkv cluster} machinery so that benchmarks never share its ports or directories.
 */
public final class BenchCluster implements AutoCloseable {
  private static final String MAIN = "io.raftkv.cli.Main";

  private final Path dir;
  private final int nodes;
  private final List<String> clientAddresses = new ArrayList<>();
  private final Map<Integer, Process> processes = new HashMap<>();
  /** Last CPU time seen per node, so that a killed node's CPU still counts. */
  private final Map<Integer, Long> lastCpu = new HashMap<>();
  private final List<String> jvmOptions;
  private final String classPath;

  public BenchCluster(Path dir, int nodes, List<String> jvmOptions, String classPath) {
    this.dir = dir;
    this.nodes = nodes;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.classPath = classPath;
  }

  /** Writes the configuration (fresh free ports) and starts every node. */
  public void start() throws IOException {
    Files.createDirectories(dir);
    int[] ports = freePorts(2 * nodes);
    StringBuilder sb = new StringBuilder("{\n  \"clusterId\": \"bench\",\n  \"members\": [\n");
    for (int i = 1; i <= nodes; i++) {
      String client = "127.0.0.1:" + ports[i - 1];
      clientAddresses.add(client);
      sb.append("    {\"id\": ").append(i).append(", \"peerAddress\": \"127.0.0.1:")
          .append(ports[nodes + i - 1]).append("\", \"clientAddress\": \"").append(client)
          .append("\"}").append(i < nodes ? ",\n" : "\n");
    }
    sb.append("  ]\n}\n");
    Files.writeString(config(), sb.toString(), StandardCharsets.UTF_8);
    for (int i = 1; i <= nodes; i++) {
      startNode(i);
    }
  }

  private Path config() {
    return dir.resolve("cluster.json");
  }

  private void startNode(int id) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    // an OutOfMemoryError in any thread ends the process at once (exit code 3) instead of leaving
    // a half-working server; the server's own handlers exit with 2 where they see the error first
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", classPath, MAIN, "server", "--cluster", config().toString(),
        "--id", String.valueOf(id), "--data-dir", nodeDir(id).toString(),
        "--initial-cluster-state", "new")); // ignored on restarts, which find their data
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node-" + id + ".log")
            .toFile())).start();
    processes.put(id, p);
  }

  public List<String> clientAddresses() {
    return List.copyOf(clientAddresses);
  }

  public Path dir() {
    return dir;
  }

  /** Waits until a server reports a leader; returns its id. */
  public int awaitLeader(Duration timeout) throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    try (RaftKvClient c = RaftKvClient.builder().servers(clientAddresses)
        .perAttemptTimeout(Duration.ofMillis(500)).build()) {
      while (System.nanoTime() < until) {
        try {
          StatusResponse s = c.status().get(1, TimeUnit.SECONDS);
          long leader = s.getLeaderId();
          if (leader != 0 && processes.containsKey((int) leader)
              && processes.get((int) leader).isAlive()) {
            return (int) leader;
          }
        } catch (Exception e) {
          // not yet
        }
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("no leader within " + timeout.toSeconds() + " s; logs in "
        + dir);
  }

  /** Kills node {@code id} with SIGKILL and waits for it to exit. */
  public void kill(int id) {
    Process p = processes.get(id);
    if (p != null) {
      cpuNanos(); // remember its CPU time up to now
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts node {@code id} again (after {@link #kill}) on its data directory and ports. */
  public void restart(int id) throws IOException {
    startNode(id);
  }

  /** The operating-system process id of node {@code id}. */
  public long pid(int id) {
    return processes.get(id).pid();
  }

  /** The data directory of node {@code id} (exists once the node has started, or if prepared). */
  public Path nodeDir(int id) {
    return dir.resolve("node-" + id);
  }

  /** CPU used so far by the server processes, ns (from /proc via ProcessHandle); -1 if unknown. */
  public synchronized long cpuNanos() {
    long sum = 0;
    boolean known = false;
    for (Map.Entry<Integer, Process> e : processes.entrySet()) {
      long t = e.getValue().toHandle().info().totalCpuDuration().map(d -> d.toNanos()).orElse(-1L);
      if (t >= 0) {
        lastCpu.put(e.getKey(), t);
      }
      Long last = lastCpu.get(e.getKey());
      if (last != null) {
        sum += last;
        known = true;
      }
    }
    return known ? sum : -1;
  }

  @Override
  public void close() {
    for (Process p : processes.values()) {
      p.destroyForcibly();
    }
    for (Process p : processes.values()) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Deletes the cluster's directory. */
  public void deleteDir() {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int[] freePorts(int n) throws IOException {
    int[] out = new int[n];
    List<ServerSocket> open = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0);
        open.add(s);
        out[i] = s.getLocalPort();
      }
    } finally {
      for (ServerSocket s : open) {
        s.close();
      }
    }
    return out;
  }
}
