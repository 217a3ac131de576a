package io.raftkv.nemesis.launch;

import io.raftkv.nemesis.NemesisServerMain;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Starts, kills, pauses and waits for the real server processes of one local cluster, nodes 1..N
 * under one directory: the configuration ({@code cluster.json}, or {@code node-N.json} per node
 * when a {@link PeerRoute} rewrites peer addresses), and per node its data directory {@code
 * node-N/}, its log {@code node-N.log} (stdout and stderr, appended), {@code node-N.pid} and
 * {@code node-N.started}. Every user of real server processes goes through this class: {@code
 * raftkv cluster}, {@code raftkv demo}, {@code raftkv bench --cluster-up}, the nemesis and the
 * cli's integration tests.
 *
 * <p>A node's first start in the directory passes {@code --initial-cluster-state new}, later
 * starts {@code existing} (recorded in {@code node-N.started}, outside the data directory), so a
 * node whose data directory was deleted rejoins instead of voting on an empty log; a directory
 * holding data ignores the flag.
 *
 * <p>It lives in the nemesis module because both of its users with their own server main classes
 * can reach it there: the nemesis ({@link NemesisServerMain}) and the cli ({@code raftkv server}),
 * which depends on the nemesis, not the reverse. It needs nothing of the nemesis but that class.
 */
public final class ServerLauncher implements AutoCloseable {
  /** Loopback, where every server of a local cluster listens. */
  public static final String HOST = "127.0.0.1";

  /**
   * The peer address node {@code self} dials to reach node {@code peer} instead of its real one
   * ({@code direct}): the nemesis puts a proxy on every directed link. With a route, each node
   * gets its own configuration file.
   */
  @FunctionalInterface
  public interface PeerRoute {
    String address(int self, int peer, String direct);
  }

  /** Every process a launcher with {@code stopOnExit} started: killed when this JVM exits. */
  private static final Set<Process> ON_EXIT = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> ON_EXIT.forEach(p -> {
      signal(p.pid(), "CONT");
      p.destroyForcibly();
    }), "raftkv-stop-servers"));
  }

  private final Path dir;
  private final int nodes;
  private final int spares;
  private final String clusterId;
  private final Ports ports;
  private final String serverOptions;
  private final List<String> jvmOptions;
  private final String classPath;
  private final List<String> main;
  private final Path traceDir;
  private final boolean traceHeartbeats;
  private final PeerRoute route;
  private final String banner;
  private final boolean stopOnExit;
  private final java.util.function.IntFunction<List<String>> joinArgs;

  private final Map<Integer, Process> processes = new HashMap<>();
  private final Set<Integer> paused = ConcurrentHashMap.newKeySet();
  /** Processes stopped on purpose (their exit is expected). */
  private final Set<Process> stoppedOnPurpose = ConcurrentHashMap.newKeySet();
  private final List<String> crashes = new CopyOnWriteArrayList<>();
  private final StatusProbe probe = new StatusProbe(this::clientAddress);
  private volatile boolean closing;

  private ServerLauncher(Builder b) {
    this.dir = b.dir;
    this.nodes = b.nodes;
    this.spares = b.spares;
    this.clusterId = b.clusterId;
    this.ports = b.ports != null ? b.ports : Ports.free(b.nodes + b.spares);
    this.serverOptions = b.serverOptions;
    this.jvmOptions = List.copyOf(b.jvmOptions);
    this.classPath = b.classPath;
    this.main = List.copyOf(b.main);
    this.traceDir = b.traceDir;
    this.traceHeartbeats = b.traceHeartbeats;
    this.route = b.route;
    this.banner = b.banner;
    this.stopOnExit = b.stopOnExit;
    this.joinArgs = b.joinArgs;
  }

  /** A launcher for nodes 1..{@code nodes} under {@code dir}; see {@link Builder}'s defaults. */
  public static Builder builder(Path dir, int nodes) {
    return new Builder(dir, nodes);
  }

  /** Options of a {@link ServerLauncher}; each names its default. */
  public static final class Builder {
    private final Path dir;
    private final int nodes;
    private int spares;
    private String clusterId = "local";
    private Ports ports;
    private String serverOptions;
    private List<String> jvmOptions = List.of("-Xmx512m");
    private String classPath = System.getProperty("java.class.path");
    private List<String> main = List.of(NemesisServerMain.class.getName());
    private Path traceDir;
    private boolean traceHeartbeats;
    private PeerRoute route;
    private String banner;
    private boolean stopOnExit;
    private java.util.function.IntFunction<List<String>> joinArgs = id -> List.of();

    private Builder(Path dir, int nodes) {
      this.dir = dir;
      this.nodes = nodes;
    }

    /** The configuration's cluster id (default {@code local}). */
    public Builder clusterId(String id) {
      this.clusterId = id;
      return this;
    }

    /**
     * Ids {@code nodes+1 .. nodes+spares} that may join the running cluster later (default 0):
     * with a {@link PeerRoute}, each gets a configuration file, and every file routes every
     * other id, spares included; start one with {@link #joinArgs} giving its {@code --join}.
     */
    public Builder spareIds(int spares) {
      if (spares < 0) {
        throw new IllegalArgumentException("spare ids must not be negative: " + spares);
      }
      this.spares = spares;
      return this;
    }

    /** The ports (default: {@link Ports#free} when the launcher is built). */
    public Builder ports(Ports p) {
      this.ports = p;
      return this;
    }

    /** The configuration's {@code options} object as JSON (default none: the servers' own). */
    public Builder serverOptions(String json) {
      this.serverOptions = json;
      return this;
    }

    /**
     * The server JVMs' options (default {@code -Xmx512m}); {@code -XX:+ExitOnOutOfMemoryError}
     * is always added before them.
     */
    public Builder jvmOptions(List<String> options) {
      this.jvmOptions = options;
      return this;
    }

    /** The servers' class path (default this JVM's); it must hold the main class. */
    public Builder classPath(String cp) {
      this.classPath = cp;
      return this;
    }

    /**
     * The class to run and its first arguments, before {@code --cluster F --id N --data-dir D
     * --initial-cluster-state S} (default {@link NemesisServerMain}; the cli passes {@code
     * io.raftkv.cli.Main server}).
     */
    public Builder main(String className, String... args) {
      List<String> m = new ArrayList<>(List.of(className));
      m.addAll(List.of(args));
      this.main = m;
      return this;
    }

    /**
     * Servers started with {@code --trace-dir traceDir} (and {@code --trace-heartbeats}); a null
     * directory (the default) turns tracing off. Only {@code raftkv server} takes these.
     */
    public Builder trace(Path traceDir, boolean heartbeats) {
      this.traceDir = traceDir == null ? null : traceDir.toAbsolutePath();
      this.traceHeartbeats = traceDir != null && heartbeats;
      return this;
    }

    /** Rewrites peer addresses per node (default none: one {@code cluster.json}). */
    public Builder peerRoute(PeerRoute r) {
      this.route = r;
      return this;
    }

    /** A line {@code === <who>: starting node N at <time>} in the log before each start. */
    public Builder logBanner(String who) {
      this.banner = who;
      return this;
    }

    /**
     * Kill every server this launcher started when this JVM exits (default false: {@code raftkv
     * cluster restart N} leaves its server running).
     */
    public Builder stopOnExit(boolean stop) {
      this.stopOnExit = stop;
      return this;
    }

    /**
     * The arguments that make node {@code id} join a running cluster ({@code --join ...
     * --peer-address ... --client-address ...}), or an empty list for a member of the
     * bootstrap configuration (the default for every node). A joining node always starts with
     * {@code --initial-cluster-state existing}.
     */
    public Builder joinArgs(java.util.function.IntFunction<List<String>> args) {
      this.joinArgs = args;
      return this;
    }

    public ServerLauncher build() {
      return new ServerLauncher(this);
    }
  }

  public Path dir() {
    return dir;
  }

  public int nodes() {
    return nodes;
  }

  /** How many ids after {@link #nodes()} may join later ({@link Builder#spareIds}). */
  public int spareIds() {
    return spares;
  }

  public Ports ports() {
    return ports;
  }

  public String clientAddress(int id) {
    return HOST + ":" + ports.client(id);
  }

  public String peerAddress(int id) {
    return HOST + ":" + ports.peer(id);
  }

  /** Client addresses of nodes 1..n. */
  public List<String> clientAddresses() {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      out.add(clientAddress(i));
    }
    return out;
  }

  /** The configuration file node {@code id} starts with. */
  public Path configFile(int id) {
    return route == null ? dir.resolve("cluster.json") : dir.resolve("node-" + id + ".json");
  }

  public Path dataDir(int id) {
    return dir.resolve("node-" + id);
  }

  public Path logFile(int id) {
    return dir.resolve("node-" + id + ".log");
  }

  private Path pidFile(int id) {
    return dir.resolve("node-" + id + ".pid");
  }

  /**
   * Writes the configuration of nodes 1..n (one file per node and per spare id with a {@link
   * PeerRoute}).
   */
  public void writeConfig() throws IOException {
    Files.createDirectories(dir);
    if (route == null) {
      Files.writeString(configFile(1), configJson(clusterId, nodes, serverOptions,
          this::peerAddress, this::clientAddress));
      return;
    }
    for (int self = 1; self <= nodes + spares; self++) {
      // Every file lists the members' real addresses (the bootstrap configuration the first
      // leader writes to the log, which every node and any later joiner reads); the route goes in
      // the file's peerRoutes, this node's local way of dialing each peer.
      int s = self;
      StringBuilder routes = new StringBuilder();
      for (int j = 1; j <= nodes + spares; j++) {
        if (j != s) {
          routes.append(routes.length() == 0 ? "" : ", ").append('"').append(j).append("\": \"")
              .append(route.address(s, j, peerAddress(j))).append('"');
        }
      }
      Files.writeString(configFile(self), configJson(clusterId, nodes, serverOptions,
          this::peerAddress, this::clientAddress, "{" + routes + "}"));
    }
  }

  /** A cluster configuration for members 1..n ({@code optionsJson} may be null). */
  public static String configJson(String clusterId, int n, String optionsJson,
      java.util.function.IntFunction<String> peer, java.util.function.IntFunction<String> client) {
    return configJson(clusterId, n, optionsJson, peer, client, null);
  }

  /** As above, with a {@code peerRoutes} object (JSON) unless null. */
  public static String configJson(String clusterId, int n, String optionsJson,
      java.util.function.IntFunction<String> peer, java.util.function.IntFunction<String> client,
      String peerRoutesJson) {
    StringBuilder sb = new StringBuilder("{\n  \"clusterId\": \"" + clusterId + "\",\n"
        + "  \"members\": [\n");
    for (int i = 1; i <= n; i++) {
      sb.append("    {\"id\": ").append(i).append(", \"peerAddress\": \"").append(peer.apply(i))
          .append("\", \"clientAddress\": \"").append(client.apply(i)).append("\"}")
          .append(i < n ? ",\n" : "\n");
    }
    sb.append("  ]");
    if (peerRoutesJson != null) {
      sb.append(",\n  \"peerRoutes\": ").append(peerRoutesJson);
    }
    if (optionsJson != null) {
      sb.append(",\n  \"options\": ").append(optionsJson);
    }
    return sb.append("\n}\n").toString();
  }

  /**
   * Starts node {@code id} as a child process appending to its log, and writes its pid file;
   * returns the process this launcher already runs for it, if any.
   */
  public synchronized Process start(int id) throws IOException {
    Process held = processes.get(id);
    if (held != null && held.isAlive()) {
      return held;
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // an OutOfMemoryError in any thread ends the process at once (exit code 3) instead of leaving
    // a half-working server; the server's own handlers exit with 2 where they see the error first
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.addAll(main);
    List<String> join = joinArgs.apply(id);
    String initial = initialState(id);
    cmd.addAll(List.of("--cluster", configFile(id).toString(), "--id", String.valueOf(id),
        "--data-dir", dataDir(id).toString(), "--initial-cluster-state",
        join.isEmpty() ? initial : "existing"));
    cmd.addAll(join);
    if (traceDir != null) {
      cmd.addAll(List.of("--trace-dir", traceDir.toString()));
      if (traceHeartbeats) {
        cmd.add("--trace-heartbeats");
      }
    }
    if (banner != null) {
      Files.writeString(logFile(id), "=== " + banner + ": starting node " + id + " at "
          + Instant.now() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(id).toFile())).start();
    Files.writeString(pidFile(id), String.valueOf(p.pid()), StandardCharsets.US_ASCII);
    processes.put(id, p);
    paused.remove(id);
    if (stopOnExit) {
      ON_EXIT.add(p);
    }
    p.onExit().thenRun(() -> {
      ON_EXIT.remove(p);
      if (!stoppedOnPurpose.remove(p) && !closing) {
        crashes.add("node " + id + " (pid " + p.pid() + ") exited by itself with code "
            + p.exitValue());
      }
    });
    return p;
  }

  /**
   * {@code new} the first time node {@code id} starts in this directory, {@code existing} after
   * that. The first start is recorded in {@code node-N.started}, outside the data directory
   * (which the repair of a damaged node deletes); {@code cluster up --fresh} deletes both.
   */
  private String initialState(int id) throws IOException {
    Path started = dir.resolve("node-" + id + ".started");
    if (Files.exists(started)) {
      return "existing";
    }
    Files.createDirectories(dir);
    Files.writeString(started, "node " + id + " was started in this cluster directory\n",
        StandardCharsets.US_ASCII);
    return "new";
  }

  /**
   * Starts nodes 1..n and waits until each logs {@code node N listening}. If one does not (it
   * exited: its port is taken, its directory in use or damaged; or it is still silent after
   * {@code timeoutMillis}), kills every node it started and returns one line per failed server
   * saying why (the last line of its log); returns an empty list when all listen.
   */
  public List<String> startAll(long timeoutMillis) throws IOException, InterruptedException {
    List<Process> started = new ArrayList<>();
    List<Long> logStarts = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      logStarts.add(logSize(i));
      started.add(start(i));
    }
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    List<String> failures = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      awaitListening(i, started.get(i - 1), logStarts.get(i - 1), deadline)
          .ifPresent(failures::add);
    }
    if (!failures.isEmpty()) {
      for (int i = 1; i <= nodes; i++) {
        kill(i);
      }
    }
    return failures;
  }

  /** Empty once node {@code id}'s log (from {@code logStart}) says it listens; else why not. */
  private Optional<String> awaitListening(int id, Process p, long logStart, long deadline)
      throws InterruptedException {
    String listening = "node " + id + " listening";
    while (true) {
      if (logSince(id, logStart).contains(listening)) {
        return Optional.empty();
      }
      if (!p.isAlive()) {
        String[] lines = logSince(id, logStart).strip().split("\n");
        return Optional.of("server " + id + " failed (exit code " + p.exitValue() + "): "
            + lines[lines.length - 1].strip());
      }
      if (System.nanoTime() > deadline) {
        return Optional.of("server " + id + " did not start listening in time; see "
            + logFile(id));
      }
      Thread.sleep(100);
    }
  }

  /**
   * Node {@code id}'s running process: the one this launcher started, else the one its pid file
   * names (a server another {@code raftkv cluster} command started).
   */
  public synchronized Optional<ProcessHandle> running(int id) {
    Process p = processes.get(id);
    if (p != null && p.isAlive()) {
      return Optional.of(p.toHandle());
    }
    try {
      long pid = Long.parseLong(Files.readString(pidFile(id)).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Whether a process this launcher started for node {@code id} is alive. */
  public synchronized boolean isRunning(int id) {
    Process p = processes.get(id);
    return p != null && p.isAlive();
  }

  /** The nodes whose processes this launcher started are alive. */
  public synchronized Set<Integer> runningNodes() {
    Set<Integer> out = new TreeSet<>();
    processes.forEach((id, p) -> {
      if (p.isAlive()) {
        out.add(id);
      }
    });
    return out;
  }

  /** The process this launcher last started for node {@code id} (alive or not). */
  public synchronized Optional<Process> process(int id) {
    return Optional.ofNullable(processes.get(id));
  }

  /**
   * Kills node {@code id} with SIGKILL (which also ends a stopped process) and waits until it is
   * gone; returns false if it was not running.
   */
  public boolean kill(int id) {
    Optional<ProcessHandle> h;
    synchronized (this) {
      h = running(id);
      Process p = processes.remove(id);
      if (p != null) {
        stoppedOnPurpose.add(p);
      }
      paused.remove(id);
    }
    probe.drop(id);
    h.ifPresent(ServerLauncher::killAndWait);
    return h.isPresent();
  }

  private static void killAndWait(ProcessHandle h) {
    h.destroyForcibly();
    try {
      h.onExit().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // gone or not, we tried
    }
  }

  /**
   * Kills nodes 1..n and the spare ids, those this launcher started and those their pid files
   * name.
   */
  public void killAll() {
    for (int i = 1; i <= nodes + spares; i++) {
      kill(i);
    }
    synchronized (this) {
      for (int id : new ArrayList<>(processes.keySet())) {
        kill(id);
      }
    }
  }

  /**
   * Stops every running node with SIGTERM (their shutdown completes their trace files), waiting
   * up to {@code grace} for each before SIGKILL.
   */
  public void stopAll(Duration grace) {
    closing = true;
    List<Process> all;
    synchronized (this) {
      resumeAll();
      all = new ArrayList<>(processes.values());
      stoppedOnPurpose.addAll(all);
      processes.clear();
    }
    all.forEach(Process::destroy);
    for (Process p : all) {
      try {
        if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Sends {@code kill -SIGNAL} to node {@code id}; false if it is not running or kill failed. */
  public boolean signal(int id, String signal) {
    return running(id).map(h -> signal(h.pid(), signal)).orElse(false);
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

  /** SIGSTOP; false if the node is not running, already paused, or the signal failed. */
  public synchronized boolean pause(int id) {
    if (!isRunning(id) || paused.contains(id)) {
      return false;
    }
    if (signal(id, "STOP")) {
      paused.add(id);
      return true;
    }
    return false;
  }

  public synchronized boolean isPaused(int id) {
    return paused.contains(id);
  }

  /** SIGCONT to a node {@link #pause} stopped. */
  public synchronized void resume(int id) {
    if (paused.remove(id) && isRunning(id)) {
      signal(id, "CONT");
    }
  }

  public synchronized void resumeAll() {
    for (int id : new ArrayList<>(paused)) {
      resume(id);
    }
  }

  /** Deletes node {@code id}'s data directory; the node must not be running. */
  public synchronized void wipe(int id) throws IOException {
    if (isRunning(id)) {
      throw new IllegalStateException("node " + id + " is running");
    }
    deleteTree(dataDir(id));
  }

  /** Deletes {@code path} and everything under it, if it exists. */
  public static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (var walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Exits no one asked for: a line per process that ended by itself. */
  public List<String> crashes() {
    return List.copyOf(crashes);
  }

  /** Size of node {@code id}'s log now, for {@link #logSince}. */
  public long logSize(int id) {
    try {
      return Files.exists(logFile(id)) ? Files.size(logFile(id)) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Node {@code id}'s log from byte {@code offset} on (at most 8 MiB; empty if unreadable). */
  public String logSince(int id, long offset) {
    try (FileChannel ch = FileChannel.open(logFile(id))) {
      long size = ch.size();
      if (size <= offset) {
        return "";
      }
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - offset, 8 << 20));
      ch.read(buf, offset);
      return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Node {@code id}'s whole log (empty if none yet). */
  public String log(int id) throws IOException {
    return Files.exists(logFile(id)) ? Files.readString(logFile(id)) : "";
  }

  /** The last {@code lines} lines of every node's log, for a failure report. */
  public String logTails(int lines) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= nodes + spares; i++) {
      if (i > nodes && !Files.exists(logFile(i))) {
        continue; // a spare id that never ran
      }
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

  /**
   * Kills every node (SIGCONT first to paused ones): those this launcher started and those the
   * pid files name; closes the channels.
   */
  @Override
  public void close() {
    closing = true;
    resumeAll();
    killAll();
    probe.close();
  }

  /** Status questions to this cluster's nodes, over channels dropped when a node is killed. */
  public StatusProbe probe() {
    return probe;
  }
}
