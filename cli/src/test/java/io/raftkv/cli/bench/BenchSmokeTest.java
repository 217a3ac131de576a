package io.raftkv.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.cli.BenchCommand;
import io.raftkv.nemesis.launch.Ports;
import io.raftkv.nemesis.launch.ServerLauncher;
import io.raftkv.server.ClusterConfigLoader;
import io.raftkv.server.RaftKvServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code raftkv bench} for about 2 s against an in-process 1-node server. */
class BenchSmokeTest {
  @Test
  @Timeout(60)
  void closedLoopAgainstOneNode(@TempDir Path dir) throws Exception {
    Ports ports = Ports.free(1);
    String client = "127.0.0.1:" + ports.client(1);
    String json = "{\"clusterId\": \"smoke\", \"members\": [{\"id\": 1, \"peerAddress\": "
        + "\"127.0.0.1:" + ports.peer(1) + "\", \"clientAddress\": \"" + client + "\"}]}";
    AtomicReference<Throwable> fatal = new AtomicReference<>();
    try (RaftKvServer server = RaftKvServer.start(ClusterConfigLoader.parse(json), 1,
        dir.resolve("node-1"), fatal::set)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BenchCommand cmd = new BenchCommand().streams(
          new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
      int code = new CommandLine(cmd).execute("--servers", client, "--op", "mixed",
          "--concurrency", "8", "--seconds", "2", "--warmup", "1", "--keys", "50",
          "--value-size", "64");
      String text = out.toString(StandardCharsets.UTF_8);
      assertEquals(0, code, text);
      assertTrue(text.contains("populated 50 keys of 64 bytes"), text);
      assertTrue(text.contains("[  1s] mixed conc=8: "), text);
      String line = text.lines().filter(l -> l.startsWith("op=")).findFirst().orElseThrow();
      Map<String, String> f = BenchResult.parseLine(line);
      assertEquals("mixed", f.get("op"));
      assertEquals("8", f.get("conc"));
      assertTrue(Long.parseLong(f.get("ops")) > 0, line);
      assertEquals("0", f.get("errors"), line);
      assertTrue(Double.parseDouble(f.get("p99_ms")) > 0, line);
      assertEquals(null, fatal.get());
    }
  }
}
