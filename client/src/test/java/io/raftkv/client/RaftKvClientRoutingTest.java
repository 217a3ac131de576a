package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Leader routing ({@link Routing#LEADER}, the default) against a fake cluster with a leader. */
class RaftKvClientRoutingTest {
  private final FakeCluster cluster = new FakeCluster(3);
  private final List<String> connections = new CopyOnWriteArrayList<>();
  private final List<RaftKvClient> clients = new ArrayList<>();

  @AfterEach
  void tearDown() {
    clients.forEach(RaftKvClient::close);
    cluster.close();
  }

  private RaftKvClient client(Duration probeInterval) {
    RaftKvClient c = RaftKvClient.builder().servers(cluster.addresses())
        .retryPolicy(KvslibTest.FAST).leaderProbeInterval(probeInterval)
        .serverConnectionListener((index, address) -> connections.add(index + " " + address))
        .channelFactory(cluster.channels()).build();
    clients.add(c);
    return c;
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(Await.BOUND_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Sends puts until the client's writes go to server {@code i}. */
  private void putUntilRoutedTo(RaftKvClient c, int i) throws Exception {
    String leader = cluster.addresses().get(i);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Await.BOUND_MILLIS);
    int n = 0;
    while (!c.currentServer().equals(leader)) {
      assertTrue(System.nanoTime() < deadline, "the client never routed to " + leader
          + "; it uses " + c.currentServer());
      await(c.put(b("warm"), b("w" + n++)));
    }
  }

  private int[] requests() {
    return new int[] {cluster.server(0).requests(), cluster.server(1).requests(),
        cluster.server(2).requests()};
  }

  @Test
  void when_a_follower_is_listed_first_then_writes_and_linearizable_reads_move_to_the_leader()
      throws Exception {
    cluster.leader(2);
    RaftKvClient c = client(RaftKvClient.DEFAULT_LEADER_PROBE_INTERVAL);

    // The first op goes to the listed server at once; the probe runs beside it.
    await(c.put(b("a"), b("0")));
    putUntilRoutedTo(c, 2);
    int[] before = requests();
    for (int i = 0; i < 20; i++) {
      await(c.put(b("a"), b("v" + i)));
      await(c.get(b("a")));
    }
    await(c.delete(b("a")));
    int[] after = requests();

    assertEquals(41, after[2] - before[2], "every write and linearizable read at the leader");
    assertEquals(before[0], after[0]);
    assertEquals(before[1], after[1]);
    assertTrue(connections.contains("2 " + cluster.addresses().get(2)), connections.toString());

    // Serializable reads stay on the listed server.
    await(c.get(b("a"), OpOptions.defaults().withConsistency(OpOptions.Consistency.SERIALIZABLE)));
    assertEquals(after[0] + 1, cluster.server(0).requests());
  }

  @Test
  void when_the_leader_changes_then_the_client_follows_it_from_the_answers() throws Exception {
    cluster.leader(2);
    RaftKvClient c = client(RaftKvClient.DEFAULT_LEADER_PROBE_INTERVAL);
    putUntilRoutedTo(c, 2);

    // A new leader, still answering everywhere: the answers' headers name it.
    cluster.leader(1);
    putUntilRoutedTo(c, 1);
    int before = cluster.server(1).requests();
    for (int i = 0; i < 10; i++) {
      await(c.put(b("b"), b("v" + i)));
    }
    assertEquals(before + 10, cluster.server(1).requests());

    // The leader dies and server 0 takes over: the failed attempt drops the route, the retry goes
    // to the listed server, whose answer names the new leader, and the writes follow it there.
    cluster.server(1).refuse(Status.UNAVAILABLE.withDescription("down"));
    cluster.leader(0);
    await(c.put(b("b"), b("after")));
    putUntilRoutedTo(c, 0);
    int onZero = cluster.server(0).requests();
    int onDead = cluster.server(1).requests();
    for (int i = 0; i < 10; i++) {
      await(c.put(b("b"), b("w" + i)));
    }
    assertEquals(onZero + 10, cluster.server(0).requests());
    assertEquals(onDead, cluster.server(1).requests());
    assertEquals("w9", cluster.value("b"));
  }

  @Test
  void when_the_leader_is_unreachable_then_the_client_falls_back_and_does_not_retry_it_at_once()
      throws Exception {
    cluster.leader(2);
    // A long interval: the failed leader address is held off for 10 s, beyond this test's ops.
    RaftKvClient c = client(Duration.ofSeconds(10));
    putUntilRoutedTo(c, 2);

    // The leader's address stops answering, though Status and the headers still name it.
    cluster.server(2).refuse(Status.UNAVAILABLE.withDescription("unreachable from this client"));
    int failedAtLeader = cluster.server(2).requests();
    for (int i = 0; i < 50; i++) {
      await(c.put(b("c"), b("v" + i)));
    }

    assertEquals(failedAtLeader + 1, cluster.server(2).requests(),
        "one failed attempt at the leader, then the listed servers only");
    assertEquals(cluster.addresses().get(0), c.currentServer());
    assertEquals("v49", cluster.value("c"));
  }

  @Test
  void when_failovers_keep_coming_then_status_is_asked_at_most_once_per_probe_interval()
      throws Exception {
    Duration interval = Duration.ofMillis(200);
    for (int i = 0; i < 3; i++) {
      cluster.server(i).refuse(Status.UNAVAILABLE.withDescription("no leader"));
    }
    RaftKvClient c = client(interval);
    long start = System.nanoTime();
    CompletableFuture<PutResult> put = c.put(b("d"), b("1"));

    // Every failed attempt fails over and asks for a probe (backoff 5-40 ms, so several per
    // interval): the probes must still be spaced by the interval.
    Await.until("four leader probes", () -> cluster.totalStatusCalls() >= 4);
    int probes = cluster.totalStatusCalls();
    int failovers = cluster.totalRequests();
    long elapsedNanos = System.nanoTime() - start;

    long allowed = elapsedNanos / interval.toNanos() + 1;
    assertTrue(probes <= allowed, probes + " probes in " + elapsedNanos / 1_000_000 + " ms");
    assertTrue(failovers > probes, failovers + " failed attempts, " + probes + " probes");

    cluster.leader(0);
    cluster.server(0).refuse(null);
    await(put);
    putUntilRoutedTo(c, 0);
  }

  @Test
  void when_routing_is_listed_then_the_client_never_asks_for_the_leader() throws Exception {
    cluster.leader(2);
    RaftKvClient c = RaftKvClient.builder().servers(cluster.addresses()).routing(Routing.LISTED)
        .retryPolicy(KvslibTest.FAST).channelFactory(cluster.channels()).build();
    clients.add(c);
    for (int i = 0; i < 10; i++) {
      await(c.put(b("e"), b("v" + i)));
    }

    assertEquals(10, cluster.server(0).requests());
    assertEquals(0, cluster.totalStatusCalls());
    assertEquals(cluster.addresses().get(0), c.currentServer());
  }
}
