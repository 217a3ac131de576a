package io.raftkv.cli;

import static io.raftkv.cli.RealCluster.bytes;
import static io.raftkv.cli.RealCluster.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.GetResponse;
import io.raftkv.api.v1.ReadConsistency;
import io.raftkv.api.v1.RequestHeader;
import io.raftkv.client.PutResult;
import io.raftkv.client.RaftKvClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A follower down for 1,000 writes catches up when restarted: by log, or by snapshot. */
class CatchUpTest {
  @TempDir
  Path tmp;

  RealCluster c;

  @AfterEach
  void down() {
    if (c != null) {
      c.close();
    }
  }

  /** Kills a follower, writes 1,000 keys, restarts it, waits until it matches the leader. */
  int behindAndBack(String options) throws Exception {
    c = RealCluster.start(tmp, "CatchUpTest-" + (options.contains("snapshot") ? "snap" : "log"),
        3, options);
    int leader = c.awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
    int follower = leader == 1 ? 2 : 1;
    RaftKvClient kv = c.client();
    kv.put(utf8("before"), utf8("x")).get(30, TimeUnit.SECONDS);
    c.awaitCaughtUp(follower, leader, Duration.ofSeconds(20));
    c.kill(follower);

    List<CompletableFuture<PutResult>> puts = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      puts.add(kv.put(utf8("key-" + i), utf8("value-" + i)));
    }
    for (CompletableFuture<PutResult> p : puts) {
      p.get(60, TimeUnit.SECONDS);
    }
    c.start(follower);
    int now = c.awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
    c.awaitCaughtUp(follower, now, Duration.ofSeconds(30));
    // Its own state (a serializable read is served locally) has the last write.
    GetResponse g = c.stub(follower, 10_000).get(GetRequest.newBuilder()
        .setHeader(RequestHeader.newBuilder().setClientId(7).setOpId(1))
        .setKey(bytes("key-999")).setConsistency(ReadConsistency.SERIALIZABLE).build());
    assertTrue(g.getFound());
    assertEquals("value-999", g.getValue().toStringUtf8());
    return follower;
  }

  @Test
  void when_a_follower_restarts_after_1000_writes_then_it_catches_up_from_the_log()
      throws Exception {
    int f = behindAndBack(RealCluster.FAST);
    assertFalse(c.log(f).contains("installed snapshot"), c.log(f));
  }

  @Test
  void when_the_leader_compacted_its_log_then_the_restarted_follower_gets_a_snapshot()
      throws Exception {
    int f = behindAndBack(RealCluster.FAST.replace("}", ", \"snapshotEntries\": 100}"));
    assertTrue(c.log(f).contains("installed snapshot"), c.log(f));
  }
}
