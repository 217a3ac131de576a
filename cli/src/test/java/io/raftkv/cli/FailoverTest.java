package io.raftkv.cli;

import static io.raftkv.cli.RealCluster.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.PutResult;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.Routing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leader is killed under load: the client fails over and no acknowledged write is lost. */
class FailoverTest {
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
  void when_the_leader_is_killed_under_writes_then_the_client_fails_over_and_none_is_lost()
      throws Exception {
    c = RealCluster.start(tmp, "FailoverTest", 3, RealCluster.FAST);
    int leader = c.awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
    // The leader first in the client's list, so the client is talking to it when it dies.
    List<String> servers = new ArrayList<>(List.of(c.address(leader)));
    for (int i = 1; i <= 3; i++) {
      if (i != leader) {
        servers.add(c.address(i));
      }
    }
    RaftKvClient kv = c.client(servers);
    int n = 400;
    AtomicInteger acked = new AtomicInteger();
    List<CompletableFuture<PutResult>> puts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      puts.add(kv.put(utf8("k-" + i), utf8("v-" + i))
          .whenComplete((r, t) -> acked.incrementAndGet()));
      if (i == n / 4) {
        // Let some be acknowledged, then kill the leader while the rest are in flight.
        c.await(Duration.ofSeconds(30), "100 acknowledgements",
            () -> acked.get() >= 100 ? java.util.Optional.of(true) : java.util.Optional.empty());
        c.kill(leader);
      }
    }
    // Without a deadline the client retries until a server answers: every write succeeds.
    for (int i = 0; i < n; i++) {
      PutResult r = puts.get(i).get(60, TimeUnit.SECONDS);
      // Applied exactly once: a write applied twice would report its own value as previous.
      assertTrue(r.previous().isEmpty(), "k-" + i + " replaced "
          + r.previous().map(b -> new String(b, StandardCharsets.UTF_8)).orElse(""));
    }
    List<Integer> rest = new ArrayList<>(List.of(1, 2, 3));
    rest.remove(Integer.valueOf(leader));
    int newLeader = c.awaitLeader(rest, Duration.ofSeconds(30));
    assertNotEquals(leader, newLeader);
    assertNotEquals(c.address(leader), kv.currentServer());

    // Every acknowledged write is there, read linearizably through each survivor.
    for (int id : rest) {
      RaftKvClient reader = c.client(List.of(c.address(id)), Routing.LISTED);
      List<CompletableFuture<io.raftkv.client.GetResult>> gets = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        gets.add(reader.get(utf8("k-" + i)));
      }
      for (int i = 0; i < n; i++) {
        byte[] v = gets.get(i).get(60, TimeUnit.SECONDS).value().orElse(null);
        assertEquals("v-" + i, v == null ? null : new String(v, StandardCharsets.UTF_8),
            "k-" + i + " read through server " + id);
      }
    }
    c.awaitCaughtUp(rest.get(0), rest.get(1), Duration.ofSeconds(20));
  }
}
