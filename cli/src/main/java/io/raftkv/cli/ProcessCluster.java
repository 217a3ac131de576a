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
 * started from the same Java and class path as this one.
 */
final class ProcessCluster {
  final Path dir;
  final int nodes;

  ProcessCluster(Path dir, int nodes) {
    this.dir = dir;
    this.nodes = nodes;
  }

  Path config() {
    return dir.resolve("cluster.json");
  }

  /** Writes the configuration for nodes 1..n (options as JSON, or null for defaults). */
  void writeConfig(String optionsJson) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(config(), LocalCluster.configJson("local", nodes, optionsJson));
  }

  /** Starts node {@code id} as a child process, logging to {@code node-id.log}. */
  Process start(int id) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "server",
        "--cluster", config().toString(), "--id", String.valueOf(id),
        "--data-dir", dir.resolve("node-" + id).toString()));
    File log = dir.resolve("node-" + id + ".log").toFile();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
    Files.writeString(pidFile(id), String.valueOf(p.pid()), StandardCharsets.US_ASCII);
    return p;
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
  boolean kill(int id) {
    Optional<ProcessHandle> p = running(id);
    p.ifPresent(h -> {
      h.destroyForcibly();
      h.onExit().join();
    });
    return p.isPresent();
  }

  void killAll() {
    for (int i = 1; i <= nodes; i++) {
      kill(i);
    }
  }

  private Path pidFile(int id) {
    return dir.resolve("node-" + id + ".pid");
  }
}
