package io.raftkv.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A local cluster of real server processes under one directory: {@code cluster.json}, and for
 * each node {@code node-N/} (data), {@code node-N.log} and {@code node-N.pid}. Processes are
 * started from the same Java as this one, by default with this one's class path.
 *
 * <p>Node i listens for clients on 127.0.0.1:(clientPortBase + i) and for peers on
 * 127.0.0.1:(peerPortBase + i); the defaults are those of {@code raftkv cluster up} (7001..,
 * 7101..), tests pass their own bases so that clusters never collide.
 */
public final class ProcessCluster {
  static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx512m");

  final Path dir;
  final int nodes;
  final int clientPortBase;
  final int peerPortBase;
  private final List<String> jvmOptions;
  private final String classPath;
  private final Path traceDir; // null: servers do not trace
  private final boolean traceHeartbeats;

  ProcessCluster(Path dir, int nodes) {
    this(dir, nodes, LocalCluster.CLIENT_PORT_BASE, LocalCluster.PEER_PORT_BASE,
        DEFAULT_JVM_OPTIONS, System.getProperty("java.class.path"));
  }

  /**
   * A cluster with its own ports, JVM options for the server processes and class path (the
   * class path must hold {@link Main} and everything it needs).
   */
  public ProcessCluster(Path dir, int nodes, int clientPortBase, int peerPortBase,
      List<String> jvmOptions, String classPath) {
    this(dir, nodes, clientPortBase, peerPortBase, jvmOptions, classPath, null, false);
  }

  private ProcessCluster(Path dir, int nodes, int clientPortBase, int peerPortBase,
      List<String> jvmOptions, String classPath, Path traceDir, boolean traceHeartbeats) {
    this.dir = dir;
    this.nodes = nodes;
    this.clientPortBase = clientPortBase;
    this.peerPortBase = peerPortBase;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.classPath = classPath;
    this.traceDir = traceDir;
    this.traceHeartbeats = traceHeartbeats;
  }

  /**
   * The same cluster with its servers started with {@code --trace-dir traceDir} (and {@code
   * --trace-heartbeats} if {@code heartbeats}); a null {@code traceDir} turns tracing off.
   * Servers already running are not affected.
   */
  public ProcessCluster tracing(Path traceDir, boolean heartbeats) {
    return new ProcessCluster(dir, nodes, clientPortBase, peerPortBase, jvmOptions, classPath,
        traceDir == null ? null : traceDir.toAbsolutePath(), traceDir != null && heartbeats);
  }

  /** Where the servers write their traces, if they trace. */
  Optional<Path> traceDir() {
    return Optional.ofNullable(traceDir);
  }

  Path config() {
    return dir.resolve("cluster.json");
  }

  /** Writes the configuration for nodes 1..n (options as JSON, or null for defaults). */
  public void writeConfig(String optionsJson) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(config(), LocalCluster.configJson("local", nodes, optionsJson,
        clientPortBase, peerPortBase));
  }

  public String clientAddress(int id) {
    return LocalCluster.HOST + ":" + (clientPortBase + id);
  }

  /** Client addresses of nodes 1..n. */
  List<String> clientAddresses() {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      out.add(clientAddress(i));
    }
    return out;
  }

  Path dataDir(int id) {
    return dir.resolve("node-" + id);
  }

  Path logFile(int id) {
    return dir.resolve("node-" + id + ".log");
  }

  /** Starts node {@code id} as a child process, logging to {@code node-id.log}. */
  public Process start(int id) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    // an OutOfMemoryError in any thread ends the process at once (exit code 3) instead of leaving
    // a half-working server; the server's own handlers exit with 2 where they see the error first
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", classPath, Main.class.getName(), "server",
        "--cluster", config().toString(), "--id", String.valueOf(id),
        "--data-dir", dataDir(id).toString(), "--initial-cluster-state", initialState(id)));
    if (traceDir != null) {
      cmd.addAll(List.of("--trace-dir", traceDir.toString()));
      if (traceHeartbeats) {
        cmd.add("--trace-heartbeats");
      }
    }
    File log = logFile(id).toFile();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
    Files.writeString(pidFile(id), String.valueOf(p.pid()), StandardCharsets.US_ASCII);
    return p;
  }

  /**
   * {@code new} the first time node {@code id} starts in this cluster directory; {@code existing}
   * after that, so a node whose data directory was deleted (the repair a damaged node's error
   * names) rejoins instead of voting on an empty log. The first start is recorded in {@code
   * node-N.started}, outside the data directory, which {@code cluster up --fresh} deletes with
   * everything else.
   */
  private String initialState(int id) throws IOException {
    Path started = dir.resolve("node-" + id + ".started");
    if (Files.exists(started)) {
      return "existing";
    }
    Files.writeString(started, "node " + id + " was started in this cluster directory\n",
        StandardCharsets.US_ASCII);
    return "new";
  }

  /**
   * Starts nodes 1..n and waits until each says it listens. If one does not (it exited: its port
   * is taken, its directory in use or damaged; or it is still silent after {@code timeoutMillis}),
   * stops every node it started and returns one line per failed server saying why (the last line
   * its log ends with); returns an empty list when all listen.
   */
  List<String> startAll(long timeoutMillis) throws IOException, InterruptedException {
    List<Process> started = new ArrayList<>();
    List<Long> logStarts = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      logStarts.add(Files.exists(logFile(i)) ? Files.size(logFile(i)) : 0L);
      started.add(start(i));
    }
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    List<String> failures = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      Optional<String> why = awaitListening(i, started.get(i - 1), logStarts.get(i - 1), deadline);
      why.ifPresent(w -> failures.add(w));
    }
    if (!failures.isEmpty()) {
      for (Process p : started) {
        p.destroyForcibly();
        p.onExit().join();
      }
    }
    return failures;
  }

  /** Empty once node {@code id}'s log (from {@code logStart}) says it listens; else why not. */
  private Optional<String> awaitListening(int id, Process p, long logStart, long deadline)
      throws IOException, InterruptedException {
    String listening = "node " + id + " listening";
    while (true) {
      String log = logSince(id, logStart);
      if (log.contains(listening)) {
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

  private String logSince(int id, long start) throws IOException {
    byte[] all = Files.exists(logFile(id)) ? Files.readAllBytes(logFile(id)) : new byte[0];
    int from = (int) Math.min(start, all.length);
    return new String(all, from, all.length - from, StandardCharsets.UTF_8);
  }

  /** The running process of node {@code id}, if its pid file names a live one. */
  Optional<ProcessHandle> running(int id) {
    try {
      long pid = Long.parseLong(Files.readString(pidFile(id)).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Kills node {@code id} with SIGKILL; returns false if it was not running. */
  public boolean kill(int id) {
    Optional<ProcessHandle> p = running(id);
    p.ifPresent(h -> {
      h.destroyForcibly();
      h.onExit().join();
    });
    return p.isPresent();
  }

  /**
   * Sends {@code signal} (for example STOP or CONT) to node {@code id} with {@code kill -SIGNAL};
   * returns false if the node was not running or kill failed.
   */
  boolean signal(int id, String signal) throws IOException, InterruptedException {
    Optional<ProcessHandle> p = running(id);
    if (p.isEmpty()) {
      return false;
    }
    Process k = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.get().pid()))
        .redirectErrorStream(true).start();
    return k.waitFor() == 0;
  }

  public void killAll() {
    for (int i = 1; i <= nodes; i++) {
      kill(i);
    }
  }

  private Path pidFile(int id) {
    return dir.resolve("node-" + id + ".pid");
  }
}
