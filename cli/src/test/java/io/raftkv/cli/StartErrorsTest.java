package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.nemesis.launch.ServerLauncher;
import io.raftkv.nemesis.launch.Ports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes: a server that cannot have its ports or its data directory stops with one line
 * and exit code 2, changing nothing in the directory; {@code cluster up} on taken ports says which
 * servers failed and why, and stops the rest.
 */
class StartErrorsTest {
  private static final List<String> JVM =
      List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  @TempDir
  Path tmp;

  private final List<ServerLauncher> clusters = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void down() throws Exception {
    clusters.forEach(ServerLauncher::close);
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private ServerLauncher cluster(String name, int nodes, Ports ports) throws IOException {
    ServerLauncher c = LocalCluster.launcher(tmp.resolve(name), nodes).ports(ports)
        .serverOptions(RealCluster.FAST).jvmOptions(JVM).classPath(RealCluster.stableClassPath())
        .build();
    c.writeConfig();
    clusters.add(c);
    return c;
  }

  record Run(int code, String out) {
    /** The lines the server printed itself (not the JVM's or logger's). */
    List<String> errorLines() {
      return out.lines().filter(l -> l.startsWith("raftkv server:")).toList();
    }
  }

  /** Runs {@code raftkv server} as a real process until it exits. */
  private static Run server(Path config, int id, Path dataDir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(JVM);
    cmd.addAll(List.of("-cp", RealCluster.stableClassPath(), Main.class.getName(), "server",
        "--cluster", config.toString(), "--id", String.valueOf(id), "--data-dir",
        dataDir.toString(), "--initial-cluster-state", "new"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the server did not stop: " + out);
    }
    return new Run(p.exitValue(), out);
  }

  @Test
  void when_a_second_server_starts_on_a_running_nodes_directory_then_it_is_refused()
      throws Exception {
    RealCluster real = RealCluster.start(tmp, "StartErrorsTest", 1, RealCluster.FAST);
    closeables.add(real);
    real.awaitLeader(List.of(1), java.time.Duration.ofSeconds(30)); // its term and vote settled
    ServerLauncher running = real.cluster;
    Path dir = running.dataDir(1);
    Path hardState = dir.resolve("HARDSTATE");
    byte[] before = Files.readAllBytes(hardState);
    long pid = running.running(1).orElseThrow().pid();

    // Same node, other ports: the directory lock refuses it.
    ServerLauncher other = cluster("b", 1, Ports.free(1));
    Run locked = server(other.configFile(1), 1, dir);
    assertEquals(2, locked.code(), locked.out());
    assertEquals(1, locked.errorLines().size(), locked.out());
    String line = locked.errorLines().get(0);
    assertTrue(line.contains("data directory " + dir) && line.contains("in use by pid " + pid),
        line);
    assertFalse(locked.out().contains("\tat "), "no stack trace: " + locked.out());

    // Same node, same ports: refused on the port, before the directory is touched.
    Run port = server(running.configFile(1), 1, dir);
    assertEquals(2, port.code(), port.out());
    assertEquals(1, port.errorLines().size(), port.out());
    assertTrue(port.errorLines().get(0).contains("cannot listen for peers on 127.0.0.1:"
        + running.ports().peer(1)), port.out());
    assertTrue(port.errorLines().get(0).contains("pid " + pid), port.out());

    assertArrayEquals(before, Files.readAllBytes(hardState), "HARDSTATE unchanged");
    assertTrue(running.running(1).isPresent(), "the running node is unharmed");
  }

  @Test
  void when_a_port_is_taken_then_the_server_exits_2_leaving_no_directory() throws Exception {
    Ports ports = Ports.free(1);
    ServerLauncher c = cluster("c", 1, ports);
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), ports.client(1)));
      Path dir = tmp.resolve("fresh-node");
      Run r = server(c.configFile(1), 1, dir);
      assertEquals(2, r.code(), r.out());
      assertEquals(1, r.errorLines().size(), r.out());
      assertTrue(r.errorLines().get(0).contains("cannot listen for clients on 127.0.0.1:"
          + ports.client(1)), r.out());
      assertTrue(r.errorLines().get(0).contains("pid " + ProcessHandle.current().pid()),
          "names the holder: " + r.out());
      assertFalse(r.out().contains("\tat "), "no stack trace: " + r.out());
      assertFalse(Files.exists(dir), "no data directory is created");
    }
  }

  @Test
  void when_cluster_up_finds_a_port_taken_then_it_names_the_server_and_stops_the_rest()
      throws Exception {
    Ports ports = Ports.free(2);
    ServerLauncher first = cluster("first", 1, ports);
    assertEquals(List.of(), first.startAll(60_000));
    ServerLauncher second = cluster("second", 2, ports); // server 1 collides, server 2 is free
    List<String> failures = second.startAll(60_000);
    assertEquals(1, failures.size(), failures.toString());
    assertTrue(failures.get(0).startsWith("server 1 failed (exit code 2): raftkv server: cannot"
        + " listen for peers on 127.0.0.1:" + ports.peer(1)), failures.get(0));
    assertFalse(second.running(1).isPresent());
    assertFalse(second.running(2).isPresent(), "the server that did start is stopped");
    assertTrue(first.running(1).isPresent(), "the other cluster is unharmed");
  }
}
