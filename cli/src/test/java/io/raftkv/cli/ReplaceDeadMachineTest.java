package io.raftkv.cli;

import static io.raftkv.cli.RealCluster.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.ClusterMember;
import io.raftkv.client.MemberList;
import io.raftkv.client.MembershipException;
import io.raftkv.client.OpOptions;
import io.raftkv.client.RaftKvClient;
import io.raftkv.nemesis.launch.ServerLauncher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's "Replacing a dead machine" on real processes under client load (issue 15): three
 * servers, writers running throughout; a follower SIGKILLed and its data directory deleted; a
 * new id started with {@code raftkv server --join} (promoted by the leader once caught up, or
 * added as a learner first and promoted explicitly, as {@code raftkv member add} and {@code
 * promote} do); the dead id removed. Every acknowledged write must then be readable
 * (linearizable reads through the new configuration) and no writer may have seen an error.
 */
class ReplaceDeadMachineTest {
  private static final int NEW_ID = 4;

  @TempDir
  Path tmp;

  RealCluster c;
  Writers writers;

  @AfterEach
  void down() {
    if (writers != null) {
      writers.close();
    }
    if (c != null) {
      c.close();
    }
  }

  @ParameterizedTest(name = "auto-promote {0}")
  @ValueSource(booleans = {true, false})
  void when_a_dead_member_is_replaced_under_load_then_no_write_is_lost_and_no_client_errs(
      boolean autoPromote) throws Exception {
    AtomicReference<List<String>> join = new AtomicReference<>(List.of());
    c = RealCluster.createJoinable(tmp, "ReplaceDeadMachineTest-" + autoPromote, 3, 1,
        RealCluster.FAST, id -> id == NEW_ID ? join.get() : List.of());
    for (int i = 1; i <= 3; i++) {
      c.start(i);
    }
    int leader = c.awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(60));
    int dead = leader == 1 ? 2 : 1;
    List<Integer> live = new ArrayList<>(List.of(1, 2, 3));
    live.remove(Integer.valueOf(dead));
    writers = new Writers(c.addresses(), 3);
    writers.start();
    awaitAcked(100);

    c.kill(dead);
    ServerLauncher.deleteTree(c.dataDir(dead));
    long ackedAtKill = writers.acked().size();
    String peer = ServerLauncher.HOST + ":" + c.cluster.ports().peer(NEW_ID);
    String client = c.address(NEW_ID);
    try (RaftKvClient admin = c.client(live.stream().map(c::address).toList())) {
      if (!autoPromote) {
        admin.memberAdd(NEW_ID, peer, client, false).get(30, TimeUnit.SECONDS);
      }
      join.set(List.of("--join", String.join(",", live.stream().map(c::address).toList()),
          "--peer-address", peer, "--client-address", client,
          autoPromote ? "--auto-promote" : "--no-auto-promote"));
      c.start(NEW_ID);
      if (autoPromote) {
        c.await(Duration.ofSeconds(60), "node " + NEW_ID + " to be promoted",
            () -> voters(admin).filter(v -> v.contains(NEW_ID)));
      } else {
        promote(admin);
      }
      admin.memberRemove(dead).get(30, TimeUnit.SECONDS);
      List<Integer> after = new ArrayList<>(live);
      after.add(NEW_ID);
      assertEquals(after, voters(admin).orElseThrow(), "the configuration after the removal");
    }
    awaitAcked(writers.acked().size() + 100); // the writers go on in the new configuration
    writers.stop();

    assertEquals(List.of(), writers.errors(), "errors seen by the writers");
    assertTrue(writers.acked().size() > ackedAtKill + 100, "writes acknowledged meanwhile");
    List<Integer> now = new ArrayList<>(live);
    now.add(NEW_ID);
    int newLeader = c.awaitLeader(now, Duration.ofSeconds(30));
    c.awaitCaughtUp(NEW_ID, newLeader, Duration.ofSeconds(30));
    assertEveryAckedWriteReadable(List.of(c.address(NEW_ID)));
  }

  /** Promotes the new learner, retried while it has not caught up. */
  private void promote(RaftKvClient admin) throws Exception {
    c.await(Duration.ofSeconds(60), "node " + NEW_ID + " to be promoted", () -> {
      try {
        admin.memberPromote(NEW_ID, OptionalLong.empty(),
            OpOptions.defaults().withDeadline(Duration.ofSeconds(10))).get(15, TimeUnit.SECONDS);
        return Optional.of(true);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof MembershipException m
            && m.reason() == MembershipException.Reason.LEARNER_NOT_READY) {
          return Optional.empty();
        }
        throw new AssertionError("promoting node " + NEW_ID + ": " + e.getCause(), e);
      } catch (Exception e) {
        throw new AssertionError("promoting node " + NEW_ID + ": " + e, e);
      }
    });
  }

  /** The voters of the configuration in force, in id order, or empty if no leader answered. */
  private static Optional<List<Integer>> voters(RaftKvClient admin) {
    try {
      MemberList l = admin.memberList(OpOptions.defaults().withDeadline(Duration.ofSeconds(5)))
          .get(10, TimeUnit.SECONDS);
      return Optional.of(l.members().stream().filter(m -> !m.learner()).map(ClusterMember::id)
          .sorted().toList());
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private void awaitAcked(long n) throws InterruptedException {
    c.await(Duration.ofSeconds(60), n + " acknowledged writes (errors: " + writers.errors()
        + ")", () -> writers.acked().size() >= n ? Optional.of(true) : Optional.empty());
  }

  /**
   * Reads every acknowledged key (linearizable, the default) through a client given only
   * {@code servers}: each must hold its acknowledged value (every write has a key of its own).
   */
  private void assertEveryAckedWriteReadable(List<String> servers) throws Exception {
    Map<String, String> acked = writers.acked();
    try (RaftKvClient reader = RaftKvClient.builder().servers(servers)
        .perAttemptTimeout(Duration.ofSeconds(2)).build()) {
      int lost = 0;
      List<String> examples = new ArrayList<>();
      for (Map.Entry<String, String> w : acked.entrySet()) {
        Optional<byte[]> v = reader.get(utf8(w.getKey()),
            OpOptions.defaults().withDeadline(Duration.ofSeconds(30))).get(40, TimeUnit.SECONDS)
            .value();
        String read = v.map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
        if (!w.getValue().equals(read)) {
          lost++;
          if (examples.size() < 5) {
            examples.add(w.getKey() + "=" + w.getValue() + " read " + read);
          }
        }
      }
      assertEquals(0, lost, lost + " of " + acked.size() + " acknowledged writes lost, e.g. "
          + examples);
    }
  }
}
