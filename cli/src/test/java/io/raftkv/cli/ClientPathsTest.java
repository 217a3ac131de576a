package io.raftkv.cli;

import static io.raftkv.cli.RealCluster.bytes;
import static io.raftkv.cli.RealCluster.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.GetResponse;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.api.v1.ReadConsistency;
import io.raftkv.api.v1.RequestHeader;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.RaftKvException;
import io.raftkv.client.Routing;
import io.raftkv.kv.KvLimits;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client request paths on one 3-server cluster of real processes that stays whole: requests
 * through followers, exactly-once retries, size limits. (Tests that kill servers have clusters
 * of their own.)
 */
class ClientPathsTest {
  @TempDir
  static Path tmp;

  static RealCluster c;
  static final SecureRandom RANDOM = new SecureRandom();

  int leader;
  int follower1;
  int follower2;

  @BeforeAll
  static void up() throws Exception {
    c = RealCluster.start(tmp, "ClientPathsTest", 3, RealCluster.FAST);
  }

  @AfterAll
  static void down() {
    if (c != null) {
      c.close();
    }
  }

  @BeforeEach
  void roles() throws Exception {
    leader = c.awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
    List<Integer> f = List.of(1, 2, 3).stream().filter(i -> i != leader).toList();
    follower1 = f.get(0);
    follower2 = f.get(1);
  }

  static RequestHeader header(long clientId, long opId) {
    return RequestHeader.newBuilder().setClientId(clientId).setOpId(opId).build();
  }

  static PutRequest put(long clientId, String key, String value) {
    return PutRequest.newBuilder().setHeader(header(clientId, 1)).setKey(bytes(key))
        .setValue(bytes(value)).build();
  }

  /** One Put from a new client, resent as the same request while the server is UNAVAILABLE. */
  static PutResponse putOnce(int id, String key, String value) throws InterruptedException {
    PutRequest req = put(RANDOM.nextLong(), key, value);
    return c.call(id, s -> s.put(req));
  }

  static GetRequest get(String key) {
    return GetRequest.newBuilder().setHeader(header(RANDOM.nextLong(), 1)).setKey(bytes(key))
        .setConsistency(ReadConsistency.LINEARIZABLE).build();
  }

  @Test
  void when_put_through_a_follower_then_a_linearizable_get_through_the_other_follower_reads_it()
      throws Exception {
    PutResponse p = putOnce(follower1, "via-follower", "v1");
    assertTrue(p.getHeader().getLeaderId() != 0 && p.getHeader().getLeaderId() != follower1,
        "the follower forwarded to the leader: " + p);
    assertFalse(p.getHadPrevious());

    GetResponse g = c.call(follower2, s -> s.get(get("via-follower")));
    assertTrue(g.getFound());
    assertEquals("v1", g.getValue().toStringUtf8());

    // And through the client library, talking only to a follower (no leader routing).
    RaftKvClient kv = c.client(List.of(c.address(follower2)), Routing.LISTED);
    assertArrayEquals(utf8("v1"), kv.get(utf8("via-follower")).join().value().orElseThrow());
    kv.put(utf8("via-follower"), utf8("v2")).join();
    GetResponse g2 = c.call(follower1, s -> s.get(get("via-follower")));
    assertEquals("v2", g2.getValue().toStringUtf8());
  }

  /** Requests the followers have forwarded to the leader so far, as the leader's Status says. */
  static long forwardedByFollowers(int leader) {
    return c.status(leader).orElseThrow().getMembersList().stream()
        .filter(m -> m.getId() != leader)
        .mapToLong(io.raftkv.api.v1.MemberStatus::getForwardedRequests).sum();
  }

  @Test
  void when_the_client_lists_only_followers_then_after_warm_up_the_leader_serves_its_ops_directly()
      throws Exception {
    // Only followers listed: the leader's address comes from the cluster's own Status.
    RaftKvClient kv = c.client(List.of(c.address(follower1), c.address(follower2)));
    int n = 0;
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!kv.currentServer().equals(c.address(leader))) {
      assertTrue(System.nanoTime() < end, "never routed to the leader; uses " + kv.currentServer());
      kv.put(utf8("routed-" + n), utf8("warm")).join();
      n++;
    }
    long before = forwardedByFollowers(leader);
    assertTrue(before > 0 || n == 0, "the warm-up's first ops went through a follower");

    List<java.util.concurrent.CompletableFuture<?>> ops = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ops.add(kv.put(utf8("routed-" + i), utf8("v" + i)));
      ops.add(kv.get(utf8("routed-" + i)));
    }
    ops.forEach(java.util.concurrent.CompletableFuture::join);
    assertEquals(before, forwardedByFollowers(leader), "a follower forwarded a routed op");
    assertArrayEquals(utf8("v99"), kv.get(utf8("routed-99")).join().value().orElseThrow());

    // The same client kept on the followers (LISTED) is forwarded every time: the counter works.
    RaftKvClient listed = c.client(List.of(c.address(follower1)), Routing.LISTED);
    for (int i = 0; i < 10; i++) {
      listed.put(utf8("listed-" + i), utf8("v")).join();
    }
    assertTrue(forwardedByFollowers(leader) >= before + 10, "forwarded: "
        + forwardedByFollowers(leader) + ", before " + before);
  }

  /** Runs the raftkv command line in-process; returns exit code, stdout and stderr. */
  static synchronized String[] cli(String... args) {
    java.io.PrintStream out = System.out;
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream e = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(o, true, java.nio.charset.StandardCharsets.UTF_8));
    System.setErr(new java.io.PrintStream(e, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      int code = Main.run(args);
      return new String[] {String.valueOf(code),
          o.toString(java.nio.charset.StandardCharsets.UTF_8),
          e.toString(java.nio.charset.StandardCharsets.UTF_8)};
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void when_the_raftkv_commands_run_then_they_print_results_and_exit_codes()
      throws Exception {
    // A down server first in the list: the command moves on to the next.
    String down = "127.0.0.1:" + RealCluster.unusedPort();
    String servers = down + ","
        + String.join(",", c.addresses());
    String[] put = cli("put", "--servers", servers, "cli-key", "cli-value");
    assertEquals("0", put[0], put[2]);
    assertTrue(put[1].startsWith("OK (index ") && put[1].contains("leader " + leader), put[1]);

    String[] get = cli("get", "--servers", servers, "cli-key");
    assertEquals("0", get[0], get[2]);
    assertEquals("cli-value", get[1].strip());

    String[] serializable = cli("get", "--serializable", "--servers", c.address(follower2),
        "cli-key");
    assertEquals("0", serializable[0], serializable[2]);

    String[] status = cli("status", "--servers", servers);
    assertEquals("0", status[0], status[2]);
    assertTrue(status[1].contains("leader " + leader) && status[1].contains("LEADER"), status[1]);

    String[] del = cli("delete", "--servers", servers, "cli-key");
    assertEquals("0", del[0], del[2]);
    assertEquals("deleted", del[1].strip());
    // A missing key: nothing on stdout, a message on stderr, exit code 1 (issue 13.3).
    String[] gone = cli("get", "--servers", servers, "cli-key");
    assertEquals("1", gone[0], gone[2]);
    assertEquals("", gone[1]);
    assertTrue(gone[2].contains("'cli-key' not found"), gone[2]);
    String[] delAgain = cli("delete", "--servers", servers, "cli-key");
    assertEquals("1", delAgain[0], delAgain[2]);
    assertEquals("", delAgain[1]);
    assertTrue(delAgain[2].contains("not found"), delAgain[2]);

    // A definite refusal: exit 4 with the server's message.
    String[] big = cli("put", "--servers", servers, "k".repeat(KvLimits.MAX_KEY_BYTES + 1), "v");
    assertEquals("4", big[0], big[1]);
    assertTrue(big[2].contains("INVALID_ARGUMENT") && big[2].contains("MAX_KEY_BYTES"), big[2]);
    assertEquals(1, big[2].strip().lines().count(), big[2]);

    // No server answers: exit 3, one line naming the server and what it said.
    String[] none = cli("get", "--timeout-ms", "300", "--servers", down, "cli-key");
    assertEquals("3", none[0], none[1]);
    assertTrue(none[2].contains(down + ": connection refused"), none[2]);
    assertEquals(1, none[2].strip().lines().count(), none[2]);
  }

  /**
   * A write refused with INVALID_ARGUMENT as op 1 of a fresh session used to leave the session at
   * op 2 although the servers never opened it; the next write on it was refused as "no session,
   * op 2", and if its first attempt was lost that became a false "may have been applied" failure.
   * The client now gives a definitely refused write's op id back to its session.
   */
  @Test
  void when_a_refused_write_is_followed_by_a_write_that_fails_over_then_it_still_succeeds()
      throws Exception {
    RaftKvClient kv = c.client(List.of(c.address(follower1), c.address(follower2)),
        Routing.LISTED);
    byte[] bigKey = new byte[KvLimits.MAX_KEY_BYTES + 1];
    CompletionException e = assertThrows(CompletionException.class,
        () -> kv.put(bigKey, utf8("v")).join());
    assertEquals(RaftKvException.Kind.INVALID_ARGUMENT,
        ((RaftKvException) e.getCause()).kind());
    // The next write's first attempt gets no answer (its server is stopped): the client resends
    // it to the other server, which must apply it.
    c.signal(follower1, "STOP");
    try {
      kv.put(utf8("after-refusal"), utf8("ok")).get(30, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      c.signal(follower1, "CONT");
    }
    assertEquals("ok", c.call(leader, s -> s.get(get("after-refusal"))).getValue()
        .toStringUtf8());
  }

  @Test
  void when_a_put_is_retried_on_another_server_then_it_is_applied_once_and_answered_alike()
      throws Exception {
    putOnce(leader, "dup", "v0");

    long retrying = RANDOM.nextLong();
    PutRequest req = put(retrying, "dup", "v1");
    PutResponse first = c.call(follower1, s -> s.put(req));
    assertTrue(first.getHadPrevious());
    assertEquals("v0", first.getPrevious().toStringUtf8());

    // Another client writes after it; a re-applied retry would bring v1 back.
    PutResponse later = putOnce(leader, "dup", "v2");
    assertEquals("v1", later.getPrevious().toStringUtf8());

    // The same (client_id, op_id), resent to each server in turn.
    for (int id : List.of(follower2, leader, follower1)) {
      PutResponse again = c.call(id, s -> s.put(req));
      assertTrue(again.getHadPrevious(), "retry on " + id);
      assertEquals("v0", again.getPrevious().toStringUtf8(),
          "a retry on server " + id + " gets the first answer, not what it would replace now");
    }
    for (int id : List.of(1, 2, 3)) {
      assertEquals("v2", c.call(id, s -> s.get(get("dup"))).getValue().toStringUtf8(),
          "read through server " + id);
    }
    // Every replica applied the same commands: equal applied index, equal state hash.
    c.awaitCaughtUp(follower1, leader, Duration.ofSeconds(20));
    c.awaitCaughtUp(follower2, leader, Duration.ofSeconds(20));
  }

  @Test
  void when_the_same_put_arrives_at_every_server_at_once_then_it_is_applied_once()
      throws Exception {
    putOnce(leader, "concurrent", "v0");
    PutRequest req = put(RANDOM.nextLong(), "concurrent", "v1");
    List<com.google.common.util.concurrent.ListenableFuture<PutResponse>> answers =
        new java.util.ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (int id : List.of(follower1, follower2, leader)) {
        answers.add(c.futureStub(id, 10_000).put(req));
      }
    }
    for (var a : answers) {
      PutResponse r = a.get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(r.getHadPrevious());
      assertEquals("v0", r.getPrevious().toStringUtf8(), "applied more than once");
    }
    assertEquals("v1", c.call(follower2, s -> s.get(get("concurrent"))).getValue()
        .toStringUtf8());
  }

  @Test
  void when_a_client_resends_an_older_write_after_a_newer_one_then_it_is_refused_as_stale()
      throws Exception {
    long client = RANDOM.nextLong();
    PutRequest op1 = put(client, "stale-op", "one");
    PutRequest op2 = PutRequest.newBuilder().setHeader(header(client, 2)).setKey(bytes("stale-op"))
        .setValue(bytes("two")).build();
    c.call(follower1, s -> s.put(op1));
    PutResponse second = c.call(follower2, s -> s.put(op2));
    assertEquals("one", second.getPrevious().toStringUtf8());
    // op 2 again: answered alike; op 1 again: refused, and "one" is not written back.
    assertEquals("one", c.call(leader, s -> s.put(op2)).getPrevious().toStringUtf8());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> c.call(follower1, s -> s.put(op1)));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.getStatus()
        .toString());
    assertEquals("two", c.call(leader, s -> s.get(get("stale-op"))).getValue().toStringUtf8());
  }

  @Test
  void when_a_delete_goes_through_a_follower_and_is_retried_then_it_is_applied_once()
      throws Exception {
    putOnce(leader, "del", "x");
    io.raftkv.api.v1.DeleteRequest del = io.raftkv.api.v1.DeleteRequest.newBuilder()
        .setHeader(header(RANDOM.nextLong(), 1)).setKey(bytes("del")).build();
    assertTrue(c.call(follower1, s -> s.delete(del)).getExisted());
    // The retry answers as the first time (existed), though the key is gone now.
    assertTrue(c.call(follower2, s -> s.delete(del)).getExisted());
    assertFalse(c.call(follower2, s -> s.get(get("del"))).getFound());
    io.raftkv.api.v1.DeleteRequest again = io.raftkv.api.v1.DeleteRequest.newBuilder()
        .setHeader(header(RANDOM.nextLong(), 1)).setKey(bytes("del")).build();
    assertFalse(c.call(leader, s -> s.delete(again)).getExisted());
  }

  @Test
  void when_a_key_or_value_is_over_the_limit_then_invalid_argument_names_it_and_serving_goes_on()
      throws Exception {
    byte[] bigKey = new byte[KvLimits.MAX_KEY_BYTES + 1];
    Arrays.fill(bigKey, (byte) 'k');
    byte[] bigValue = new byte[KvLimits.MAX_VALUE_BYTES + 1];
    for (int id : List.of(leader, follower1)) {
      StatusRuntimeException k = assertThrows(StatusRuntimeException.class,
          () -> c.stub(id, 10_000).put(PutRequest.newBuilder()
              .setHeader(header(RANDOM.nextLong(), 1)).setKey(com.google.protobuf.ByteString
                  .copyFrom(bigKey)).setValue(bytes("v")).build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, k.getStatus().getCode());
      assertTrue(k.getStatus().getDescription().contains("MAX_KEY_BYTES")
          && k.getStatus().getDescription().contains("4096"), k.getStatus().getDescription());

      StatusRuntimeException v = assertThrows(StatusRuntimeException.class,
          () -> c.stub(id, 10_000).put(PutRequest.newBuilder()
              .setHeader(header(RANDOM.nextLong(), 1)).setKey(bytes("big"))
              .setValue(com.google.protobuf.ByteString.copyFrom(bigValue)).build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, v.getStatus().getCode());
      assertTrue(v.getStatus().getDescription().contains("MAX_VALUE_BYTES")
          && v.getStatus().getDescription().contains("1048576"), v.getStatus().getDescription());

      StatusRuntimeException g = assertThrows(StatusRuntimeException.class,
          () -> c.stub(id, 10_000).get(GetRequest.newBuilder()
              .setHeader(header(RANDOM.nextLong(), 1))
              .setKey(com.google.protobuf.ByteString.copyFrom(bigKey)).build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, g.getStatus().getCode());
    }

    // The client library reports it as a definite INVALID_ARGUMENT with the server's message.
    RaftKvClient kv = c.client();
    CompletionException e = assertThrows(CompletionException.class,
        () -> kv.put(bigKey, utf8("v")).join());
    RaftKvException rk = assertInstanceOf(RaftKvException.class, e.getCause());
    assertEquals(RaftKvException.Kind.INVALID_ARGUMENT, rk.kind());
    assertTrue(rk.getMessage().contains("MAX_KEY_BYTES"), rk.getMessage());

    // Exactly at the limits is fine, and every server keeps serving. (A fresh client: this one's
    // session was spent on the refused write, see the disabled test below.)
    RaftKvClient kv2 = c.client();
    byte[] maxKey = Arrays.copyOf(bigKey, KvLimits.MAX_KEY_BYTES);
    byte[] maxValue = Arrays.copyOf(bigValue, KvLimits.MAX_VALUE_BYTES);
    kv2.put(maxKey, maxValue).join();
    assertEquals(KvLimits.MAX_VALUE_BYTES, kv2.get(maxKey).join().value().orElseThrow().length);
    for (int id : List.of(1, 2, 3)) {
      putOnce(id, "after-limits-" + id, "ok");
      assertEquals("ok", c.call(id, s -> s.get(get("after-limits-" + id))).getValue()
          .toStringUtf8());
    }
  }
}
