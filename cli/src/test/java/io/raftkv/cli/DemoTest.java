package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code cluster up --demo} script passes on real processes (on ports of its own). */
class DemoTest {
  @TempDir
  Path tmp;

  RealCluster c;

  @AfterEach
  void down() {
    if (c != null) {
      c.close();
    }
  }

  @Test
  void when_the_demo_runs_on_three_servers_then_every_step_passes() throws Exception {
    c = RealCluster.start(tmp, "DemoTest", 3, RealCluster.FAST);
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code;
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      code = new Demo(c.cluster, new ClusterCommand.Watcher(c.addresses())).run();
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    old.print(out);
    assertEquals(0, code, out);
    assertTrue(out.contains("PASS: the demo did all it expected"), out);
    assertTrue(out.contains("killed the leader"), out);
    assertFalse(out.contains("FAIL"), out);
  }
}
