package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes: {@code raftkv server} logs in one backend and one format, the storage module's
 * records (System.Logger, java.util.logging by default) included, at the level --log-level sets.
 * A lone member started as {@code existing} on an empty directory is a quick way to make storage
 * log (it marks the node rejoining) before the server refuses to start.
 */
class ServerLogsTest {
  private static final List<String> JVM =
      List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  @TempDir
  Path tmp;

  @Test
  void storageLogsInTheSameFormatAsTheRest() throws Exception {
    String out = server(tmp.resolve("a"), "info");
    // slf4j-simple's format (simplelogger.properties): "HH:mm:ss.SSS LEVEL Logger - message"
    assertTrue(out.lines().anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO "
        + "RaftStorage - Node 1 is rejoining .*")), out);
    // java.util.logging's own format puts the level at the start of a second line
    assertFalse(out.lines().anyMatch(l -> l.startsWith("INFO: ") || l.startsWith("WARNING: ")),
        out);
  }

  @Test
  void logLevelSetsTheRootLevel() throws Exception {
    String out = server(tmp.resolve("b"), "warn");
    // storage's INFO is below warn; what is left is the server's own error line
    assertFalse(out.contains("RaftStorage"), out);
    assertTrue(out.lines().allMatch(l -> l.startsWith("raftkv server: node 1 is rejoining")), out);
  }

  @Test
  void anUnknownLevelIsOneLine() throws Exception {
    String out = server(tmp.resolve("c"), "verbose");
    assertEquals(List.of("raftkv server: --log-level verbose: expected one of trace, debug, info,"
        + " warn, error, off"), out.lines().toList());
  }

  /** Runs a lone member as {@code existing} on an empty directory; it must exit with code 2. */
  private static String server(Path dir, String level) throws Exception {
    io.raftkv.nemesis.launch.Ports free = io.raftkv.nemesis.launch.Ports.free(1);
    int[] ports = {free.client(1), free.peer(1)};
    Files.createDirectories(dir);
    Path config = dir.resolve("cluster.json");
    Files.writeString(config, "{\"clusterId\": \"logs\", \"members\": [{\"id\": 1, "
        + "\"clientAddress\": \"127.0.0.1:" + ports[0] + "\", \"peerAddress\": \"127.0.0.1:"
        + ports[1] + "\"}]}");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(JVM);
    cmd.addAll(List.of("-cp", RealCluster.stableClassPath(), Main.class.getName(), "server",
        "--cluster", config.toString(), "--id", "1", "--data-dir", dir.resolve("n1").toString(),
        "--initial-cluster-state", "existing", "--log-level", level));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the server did not stop: " + out);
    }
    assertEquals(2, p.exitValue(), out);
    return out;
  }
}
