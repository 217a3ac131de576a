package io.raftkv.nemesis;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.api.MemberRoles;
import io.raftkv.api.v1.KVGrpc;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.StatusRequest;
import io.raftkv.api.v1.StatusResponse;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Real server processes on loopback, one per node, each with its own configuration file in which
 * every other member's peer address is a {@link LinkProxy} for that directed link. Client
 * addresses are direct. Keeps each node's log in {@code node-N.log} under the run directory.
 */
final class NemesisCluster implements AutoCloseable {
  static final List<String> JVM = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1",
      "-XX:+UseSerialGC", "-Xshare:auto");

  /** Short timeouts so a run sees many elections: 20 ms ticks, elections after 500-1000 ms. */
  static final String OPTIONS = "{\"tickMillis\": 20, \"electionTicks\": 25, "
      + "\"heartbeatTicks\": 5, \"requestTimeoutMillis\": 3000, \"snapshotEntries\": 2000}";

  /** Every server process any cluster started, killed when this JVM exits. */
  private static final Set<Process> ALL = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> ALL.forEach(p -> {
      signal(p.pid(), "CONT");
      p.destroyForcibly();
    }), "kill-nemesis-servers"));
  }

  final Path dir;
  final int nodes;
  private final String classPath;
  private final int[] clientPorts;
  private final int[] peerPorts;
  private final Map<Long, LinkProxy> proxies = new TreeMap<>();
  private final Map<Integer, Process> processes = new HashMap<>();
  private final Set<Integer> paused = ConcurrentHashMap.newKeySet();
  /** Nodes the harness killed on purpose (their exit is expected). */
  private final Set<Integer> killedOnPurpose = ConcurrentHashMap.newKeySet();
  /** Unexpected exits: node id and exit code. */
  private final List<String> crashes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<Integer, ManagedChannel> channels = new ConcurrentHashMap<>();

  NemesisCluster(Path dir, int nodes, String classPath) throws IOException {
    this.dir = dir;
    this.nodes = nodes;
    this.classPath = classPath;
    this.clientPorts = new int[nodes + 1];
    this.peerPorts = new int[nodes + 1];
    Files.createDirectories(dir);
    Set<Integer> used = new java.util.HashSet<>();
    for (int i = 1; i <= nodes; i++) {
      clientPorts[i] = unusedPort(used);
      peerPorts[i] = unusedPort(used);
    }
    for (int i = 1; i <= nodes; i++) {
      for (int j = 1; j <= nodes; j++) {
        if (i != j) {
          proxies.put(key(i, j), new LinkProxy(i, j, peerPorts[j]));
        }
      }
    }
    for (int i = 1; i <= nodes; i++) {
      Files.writeString(configFile(i), configJson(i));
    }
  }

  private static long key(int from, int to) {
    return ((long) from << 32) | to;
  }

  /**
   * A free port below the kernel's ephemeral range (32768 and up on Linux): a port picked from
   * that range and released can be taken, before the server binds it, by the local end of one of
   * the many outgoing connections the clients and proxies open (seen in CI: a server failing to
   * start with "address already in use").
   */
  private static int unusedPort(Set<Integer> used) throws IOException {
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = 10_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(22_000);
      if (used.contains(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      } catch (IOException taken) {
        continue;
      }
      used.add(port);
      return port;
    }
    throw new IOException("no free port found below the ephemeral range");
  }

  /** Node {@code self}'s configuration: its own real peer port, proxies for everyone else. */
  String configJson(int self) {
    StringBuilder sb = new StringBuilder("{\n  \"clusterId\": \"nemesis\",\n  \"members\": [\n");
    for (int j = 1; j <= nodes; j++) {
      int peer = j == self ? peerPorts[j] : proxies.get(key(self, j)).port();
      sb.append("    {\"id\": ").append(j).append(", \"peerAddress\": \"127.0.0.1:").append(peer)
          .append("\", \"clientAddress\": \"127.0.0.1:").append(clientPorts[j]).append("\"}")
          .append(j < nodes ? ",\n" : "\n");
    }
    sb.append("  ],\n  \"options\": ").append(OPTIONS).append("\n}\n");
    return sb.toString();
  }

  Path configFile(int id) {
    return dir.resolve("node-" + id + ".json");
  }

  Path logFile(int id) {
    return dir.resolve("node-" + id + ".log");
  }

  String clientAddress(int id) {
    return "127.0.0.1:" + clientPorts[id];
  }

  List<String> clientAddresses() {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      out.add(clientAddress(i));
    }
    return out;
  }

  /** Nodes started at least once: later starts are as members of an existing cluster. */
  private final Set<Integer> startedBefore = ConcurrentHashMap.newKeySet();

  Path dataDir(int id) {
    return dir.resolve("node-" + id);
  }

  /**
   * Starts node {@code id}: the first time as a new cluster's member, later as a member of an
   * existing cluster ({@code --initial-cluster-state existing}, which a data directory holding
   * data ignores, and which makes a node whose directory was wiped rejoin before it votes).
   */
  synchronized void start(int id) throws IOException {
    if (processes.containsKey(id)) {
      return;
    }
    boolean restart = !startedBefore.add(id);
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin);
    // an OutOfMemoryError in any thread ends the process at once (exit code 3) instead of leaving
    // a half-working server; the server's own handlers exit with 2 where they see the error first
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    cmd.addAll(JVM);
    cmd.addAll(List.of("-cp", classPath, NemesisServerMain.class.getName(),
        "--cluster", configFile(id).toString(), "--id", String.valueOf(id),
        "--data-dir", dataDir(id).toString(),
        "--initial-cluster-state", restart ? "existing" : "new"));
    File log = logFile(id).toFile();
    Files.writeString(logFile(id), "=== nemesis: starting node " + id + " at "
        + java.time.Instant.now() + "\n", java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
    ALL.add(p);
    killedOnPurpose.remove(id);
    processes.put(id, p);
    p.onExit().thenRun(() -> {
      ALL.remove(p);
      if (!killedOnPurpose.contains(id) && !closing) {
        crashes.add("node " + id + " (pid " + p.pid() + ") exited by itself with code "
            + p.exitValue());
      }
    });
  }

  private volatile boolean closing;

  synchronized boolean running(int id) {
    return processes.containsKey(id);
  }

  synchronized Set<Integer> runningNodes() {
    return new java.util.TreeSet<>(processes.keySet());
  }

  /** SIGKILL (also ends a stopped process), and wait until it is gone. */
  synchronized void kill(int id) {
    Process p = processes.remove(id);
    paused.remove(id);
    if (p == null) {
      return;
    }
    killedOnPurpose.add(id);
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dropChannel(id);
  }

  /** Deletes a stopped node's data directory (the node must have been killed). */
  synchronized void wipe(int id) throws IOException {
    if (processes.containsKey(id)) {
      throw new IllegalStateException("node " + id + " is running");
    }
    Path d = dataDir(id);
    if (Files.exists(d)) {
      try (var walk = Files.walk(d)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** Size of node {@code id}'s log now, for {@link #logSince}. */
  long logSize(int id) {
    try {
      return Files.exists(logFile(id)) ? Files.size(logFile(id)) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Node {@code id}'s log from byte {@code offset} on (empty if unreadable). */
  String logSince(int id, long offset) {
    try (var ch = java.nio.channels.FileChannel.open(logFile(id))) {
      long size = ch.size();
      if (size <= offset) {
        return "";
      }
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(size - offset,
          8 << 20));
      ch.read(buf, offset);
      return new String(buf.array(), 0, buf.position(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  synchronized boolean pause(int id) {
    Process p = processes.get(id);
    if (p == null || paused.contains(id)) {
      return false;
    }
    if (signal(p.pid(), "STOP")) {
      paused.add(id);
      return true;
    }
    return false;
  }

  synchronized void resume(int id) {
    Process p = processes.get(id);
    if (p != null && paused.remove(id)) {
      signal(p.pid(), "CONT");
    }
  }

  synchronized void resumeAll() {
    for (int id : new ArrayList<>(paused)) {
      resume(id);
    }
  }

  private static boolean signal(long pid, String sig) {
    try {
      Process k = new ProcessBuilder("kill", "-" + sig, String.valueOf(pid))
          .redirectErrorStream(true).start();
      return k.waitFor(10, TimeUnit.SECONDS) && k.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Cuts the directed link from → to. */
  void cut(int from, int to) {
    proxies.get(key(from, to)).cut();
  }

  /** Cuts both directions between every node of {@code a} and every node of {@code b}. */
  void cutBetween(Collection<Integer> a, Collection<Integer> b) {
    for (int i : a) {
      for (int j : b) {
        if (i != j) {
          cut(i, j);
          cut(j, i);
        }
      }
    }
  }

  void healLinks() {
    proxies.values().forEach(LinkProxy::heal);
  }

  List<String> cutLinks() {
    return proxies.values().stream().filter(p -> !p.passing()).map(p -> p.from + "->" + p.to)
        .toList();
  }

  List<String> crashes() {
    return List.copyOf(crashes);
  }

  private KVGrpc.KVBlockingStub stub(int id, long millis) {
    ManagedChannel ch = channels.computeIfAbsent(id, i -> NettyChannelBuilder
        .forTarget(clientAddress(i)).usePlaintext().build());
    return KVGrpc.newBlockingStub(ch).withDeadlineAfter(millis, TimeUnit.MILLISECONDS);
  }

  private void dropChannel(int id) {
    ManagedChannel ch = channels.remove(id);
    if (ch != null) {
      ch.shutdownNow();
    }
  }

  /** Node {@code id}'s Status, or empty if it does not answer within {@code millis}. */
  Optional<StatusResponse> status(int id, long millis) {
    if (!running(id)) {
      return Optional.empty();
    }
    try {
      return Optional.of(stub(id, millis).status(StatusRequest.getDefaultInstance()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Node {@code id}'s own entry in its Status. */
  Optional<MemberStatus> self(int id, long millis) {
    return status(id, millis).flatMap(s -> s.getMembersList().stream()
        .filter(m -> m.getId() == id).findFirst());
  }

  /**
   * The node that says it leads in the highest term among those answering now (each asked for
   * its own state), or 0 if none does.
   */
  int currentLeader() {
    int leader = 0;
    long term = -1;
    for (int id : runningNodes()) {
      if (paused.contains(id)) {
        continue;
      }
      Optional<MemberStatus> m = self(id, 1500);
      if (m.isPresent() && MemberRoles.isLeader(m.get()) && m.get().getTerm() > term) {
        leader = id;
        term = m.get().getTerm();
      }
    }
    return leader;
  }

  /** Tail of every node's log, for a failure report. */
  String logTails(int lines) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= nodes; i++) {
      try {
        List<String> all = Files.exists(logFile(i)) ? Files.readAllLines(logFile(i)) : List.of();
        sb.append("--- node-").append(i).append(".log (last ").append(lines).append(" lines)\n");
        all.subList(Math.max(0, all.size() - lines), all.size())
            .forEach(l -> sb.append(l).append('\n'));
      } catch (IOException e) {
        sb.append(e).append('\n');
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    closing = true;
    synchronized (this) {
      resumeAll();
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
      processes.clear();
    }
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
    proxies.values().forEach(LinkProxy::close);
  }
}
