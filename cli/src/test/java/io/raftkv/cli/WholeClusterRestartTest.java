package io.raftkv.cli;

import static io.raftkv.cli.RealCluster.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.GetResult;
import io.raftkv.client.PutResult;
import io.raftkv.client.RaftKvClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every server killed with SIGKILL at once and restarted: each recovers from its own snapshot
 * and log, and every acknowledged write is still there.
 */
class WholeClusterRestartTest {
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
  void when_every_server_is_killed_and_restarted_then_no_acknowledged_write_is_lost()
      throws Exception {
    c = RealCluster.start(tmp, "WholeClusterRestartTest", 3,
        RealCluster.FAST.replace("}", ", \"snapshotEntries\": 100}"));
    List<Integer> all = List.of(1, 2, 3);
    c.awaitLeader(all, Duration.ofSeconds(30));
    RaftKvClient kv = c.client();
    int n = 450;
    List<CompletableFuture<PutResult>> puts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      puts.add(kv.put(utf8("r-" + i), utf8("first-" + i)));
    }
    for (CompletableFuture<PutResult> p : puts) {
      p.get(60, TimeUnit.SECONDS);
    }
    for (int i = 0; i < n; i += 3) {
      kv.put(utf8("r-" + i), utf8("second-" + i)).get(60, TimeUnit.SECONDS);
    }
    for (int id : all) {
      c.kill(id);
    }
    for (int id : all) {
      c.start(id);
    }
    int leader = c.awaitLeader(all, Duration.ofSeconds(30));
    for (int id : all) {
      if (id != leader) {
        c.awaitCaughtUp(id, leader, Duration.ofSeconds(30));
      }
    }
    for (int id : all) {
      assertTrue(java.util.regex.Pattern.compile("recovered: .*snapshot [0-9]+").matcher(c.log(id))
          .find(), "node " + id + " did not recover from a snapshot:\n" + c.log(id));
    }
    RaftKvClient reader = c.client();
    List<CompletableFuture<GetResult>> gets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      gets.add(reader.get(utf8("r-" + i)));
    }
    for (int i = 0; i < n; i++) {
      byte[] v = gets.get(i).get(60, TimeUnit.SECONDS).value().orElse(null);
      assertEquals((i % 3 == 0 ? "second-" : "first-") + i,
          v == null ? null : new String(v, StandardCharsets.UTF_8), "r-" + i);
    }
    // And it takes writes again.
    reader.put(utf8("after"), utf8("restart")).get(30, TimeUnit.SECONDS);
  }
}
