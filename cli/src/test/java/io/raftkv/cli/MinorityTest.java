package io.raftkv.cli;

import static io.raftkv.cli.RealCluster.bytes;
import static io.raftkv.cli.RealCluster.freshHeader;
import static io.raftkv.cli.RealCluster.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftkv.api.MemberRoles;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.ReadConsistency;
import io.raftkv.api.v1.StatusResponse;
import io.raftkv.client.RaftKvClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A leader left alone (both followers killed) acknowledges nothing and steps down. */
class MinorityTest {
  @TempDir
  Path tmp;

  RealCluster c;

  @AfterEach
  void down() {
    if (c != null) {
      c.close();
    }
  }

  static void assertRetryable(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    assertTrue(code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED,
        e.getStatus().toString());
  }

  @Test
  void when_a_majority_is_down_then_nothing_is_acknowledged_until_one_comes_back()
      throws Exception {
    c = RealCluster.start(tmp, "MinorityTest", 3, RealCluster.FAST);
    int leader = c.awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
    PutRequest a = PutRequest.newBuilder().setHeader(freshHeader()).setKey(bytes("a"))
        .setValue(bytes("1")).build();
    c.call(leader, s -> s.put(a));
    List<Integer> followers = List.of(1, 2, 3).stream().filter(i -> i != leader).toList();
    for (int f : followers) {
      c.kill(f);
    }

    PutRequest b = PutRequest.newBuilder().setHeader(freshHeader()).setKey(bytes("b"))
        .setValue(bytes("2")).build();
    try {
      c.stub(leader, 10_000).put(b);
      fail("a write was acknowledged by 1 of 3 servers");
    } catch (StatusRuntimeException e) {
      assertRetryable(e);
    }
    GetRequest linearizable = GetRequest.newBuilder().setHeader(freshHeader()).setKey(bytes("a"))
        .build();
    try {
      c.stub(leader, 10_000).get(linearizable);
      fail("a linearizable read was served by 1 of 3 servers");
    } catch (StatusRuntimeException e) {
      assertRetryable(e);
    }
    // Its own state it may serve, when asked for that.
    assertEquals("1", c.stub(leader, 10_000).get(linearizable.toBuilder()
        .setConsistency(ReadConsistency.SERIALIZABLE).build()).getValue().toStringUtf8());
    // CheckQuorum: it notices it lost the majority and steps down.
    c.await(Duration.ofSeconds(20), "the lone leader to step down", () -> {
      Optional<StatusResponse> s = c.status(leader);
      return s.isPresent() && s.get().getLeaderId() == 0
          && !MemberRoles.isLeader(RealCluster.member(s.get(), leader))
          ? Optional.of(true) : Optional.empty();
    });

    // One follower back: a majority again, and writes go through (the refused one too, retried).
    c.start(followers.get(0));
    c.awaitLeader(List.of(leader, followers.get(0)), Duration.ofSeconds(30));
    c.call(leader, s -> s.put(b));
    RaftKvClient kv = c.client(List.of(c.address(leader), c.address(followers.get(0))));
    kv.put(utf8("c"), utf8("3")).get(30, TimeUnit.SECONDS);
    assertArrayEquals(utf8("1"), kv.get(utf8("a")).get(30, TimeUnit.SECONDS).value().orElseThrow());
    assertArrayEquals(utf8("2"), kv.get(utf8("b")).get(30, TimeUnit.SECONDS).value().orElseThrow());
  }
}
