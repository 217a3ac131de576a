package io.raftkv.cli;

import static io.raftkv.cli.RealCluster.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raftkv.client.PutResult;
import io.raftkv.client.RaftKvClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers keep going while leaders are killed and restarted one after another. Each writer puts
 * 1, 2, 3, ... to its own key, one at a time, so each put must report the value before it as
 * previous: a lost write or a write applied twice would show.
 */
class ChurnTest {
  @TempDir
  Path tmp;

  RealCluster c;

  @AfterEach
  void down() {
    if (c != null) {
      c.close();
    }
  }

  static String text(Optional<byte[]> b) {
    return b.map(v -> new String(v, StandardCharsets.UTF_8)).orElse("(none)");
  }

  @Test
  void when_leaders_are_killed_and_restarted_under_writes_then_every_key_has_its_exact_history()
      throws Exception {
    c = RealCluster.start(tmp, "ChurnTest", 3,
        RealCluster.FAST.replace("}", ", \"snapshotEntries\": 150}"));
    List<Integer> all = List.of(1, 2, 3);
    c.awaitLeader(all, Duration.ofSeconds(30));
    RaftKvClient kv = c.client();
    int writers = 4;
    int perWriter = 120;
    AtomicInteger done = new AtomicInteger();
    List<CompletableFuture<Void>> runs = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      String key = "churn-" + w;
      runs.add(CompletableFuture.runAsync(() -> {
        for (int i = 1; i <= perWriter; i++) {
          PutResult r = kv.put(utf8(key), utf8(String.valueOf(i))).join();
          assertEquals(i == 1 ? "(none)" : String.valueOf(i - 1), text(r.previous()),
              key + " put " + i);
          done.incrementAndGet();
        }
      }));
    }
    for (int kill = 1; kill <= 2; kill++) {
      int target = kill * writers * perWriter / 3;
      c.await(Duration.ofSeconds(60), target + " writes", () -> done.get() >= target
          ? Optional.of(true) : Optional.empty());
      int leader = c.awaitLeader(all, Duration.ofSeconds(30));
      c.kill(leader);
      c.start(leader);
    }
    for (CompletableFuture<Void> r : runs) {
      r.get(120, TimeUnit.SECONDS);
    }
    int leader = c.awaitLeader(all, Duration.ofSeconds(30));
    for (int id : all) {
      if (id != leader) {
        c.awaitCaughtUp(id, leader, Duration.ofSeconds(30));
      }
    }
    for (int w = 0; w < writers; w++) {
      assertEquals(String.valueOf(perWriter),
          text(kv.get(utf8("churn-" + w)).get(30, TimeUnit.SECONDS).value()));
    }
  }
}
