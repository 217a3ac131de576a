package io.raftkv.cli;

import static io.raftkv.cli.RealCluster.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.RaftKvClient;
import io.raftkv.nemesis.launch.ServerLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12.A on real processes: a follower SIGKILLed, its data directory deleted (the repair every
 * damage message names) and started again with {@code --initial-cluster-state existing} catches
 * up at once and becomes a full member again. Before, the leader kept the old match index and
 * never probed below it: the follower stayed at commit 0 until leadership changed.
 */
class WipedMemberTest {
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
  void when_a_wiped_follower_restarts_as_existing_then_it_rejoins_and_counts_again()
      throws Exception {
    c = RealCluster.start(tmp, "WipedMemberTest", 3, RealCluster.FAST);
    int leader = c.awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
    int wiped = leader == 1 ? 2 : 1;
    int other = 6 - leader - wiped;
    RaftKvClient kv = c.client();
    for (int i = 0; i < 50; i++) {
      kv.put(utf8("k" + i), utf8("v" + i)).get(30, TimeUnit.SECONDS);
    }
    c.awaitCaughtUp(wiped, leader, Duration.ofSeconds(20));
    c.kill(wiped);
    ServerLauncher.deleteTree(c.dataDir(wiped));
    c.start(wiped); // the launcher passes --initial-cluster-state existing: it ran here before

    c.awaitCaughtUp(wiped, leader, Duration.ofSeconds(20));
    c.await(Duration.ofSeconds(20), "node " + wiped + " to log that it rejoined",
        () -> logOf(wiped).contains("has rejoined") ? java.util.Optional.of(true)
            : java.util.Optional.empty());
    String mine = logOf(wiped);
    assertTrue(mine.contains("is rejoining"), mine);
    assertTrue(c.log(leader).contains("restarted with less than it may have promised"),
        c.log(leader));
    assertTrue(!Files.exists(c.dataDir(wiped).resolve("REJOINING")), "the mark is gone");

    // A member again: with the third node down, the leader commits with the rejoined one.
    c.kill(other);
    kv.put(utf8("after"), utf8("wipe")).get(30, TimeUnit.SECONDS);
    assertArrayEquals(utf8("v49"), kv.get(utf8("k49")).get(30, TimeUnit.SECONDS).value().orElseThrow());
    assertEquals("wipe", new String(kv.get(utf8("after")).get(30, TimeUnit.SECONDS).value().orElseThrow(),
        java.nio.charset.StandardCharsets.UTF_8));
  }

  private String logOf(int id) {
    try {
      return c.log(id);
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
