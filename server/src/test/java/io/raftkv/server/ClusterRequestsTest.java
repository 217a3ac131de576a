package io.raftkv.server;

import static io.raftkv.server.LocalCluster.bytes;
import static io.raftkv.server.LocalCluster.freshHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.raftkv.api.peer.v1.ForwardRequest;
import io.raftkv.api.peer.v1.MessageBatch;
import io.raftkv.api.peer.v1.RaftMessage;
import io.raftkv.api.peer.v1.RaftPeerGrpc;
import io.raftkv.api.peer.v1.SendSummary;
import io.raftkv.api.v1.DeleteRequest;
import io.raftkv.api.v1.DeleteResponse;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.GetResponse;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.api.v1.ReadConsistency;
import io.raftkv.api.v1.RequestHeader;
import io.raftkv.kv.KvLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client requests against a 3-node cluster in this JVM (real gRPC on loopback): forwarding from
 * followers, answers to retries, the size limits, and what the peer port refuses. No member is
 * stopped here, so one cluster serves every test.
 */
@Timeout(120)
class ClusterRequestsTest {
  /** Elections after 1-2 s of silence: a loaded machine does not change leaders mid-test. */
  private static final String OPTIONS = "\"tickMillis\": 50, \"electionTicks\": 20,"
      + " \"heartbeatTicks\": 2";

  @TempDir
  static Path dir;

  static LocalCluster c;

  @BeforeAll
  static void up() throws Exception {
    c = LocalCluster.start(dir, 3, OPTIONS);
  }

  @AfterAll
  static void down() {
    if (c != null) {
      c.close();
    }
  }

  private static PutRequest put(RequestHeader h, String key, String value) {
    return PutRequest.newBuilder().setHeader(h).setKey(bytes(key)).setValue(bytes(value)).build();
  }

  private static GetRequest get(String key) {
    return GetRequest.newBuilder().setHeader(freshHeader()).setKey(bytes(key)).build();
  }

  @Test
  void a_write_and_a_linearizable_read_sent_to_followers_are_answered_through_the_leader()
      throws Exception {
    int leader = c.awaitLeader(Duration.ofSeconds(30));
    List<Integer> followers = c.others(leader);
    int f1 = followers.get(0);
    int f2 = followers.get(1);
    long forwardedBefore = c.self(f1).getForwardedRequests();

    PutResponse p = c.kv(f1).put(put(freshHeader(), "fwd", "through a follower"));
    assertEquals(leader, p.getHeader().getLeaderId(), p.toString());
    assertTrue(p.getHeader().getIndex() > 0, p.toString());
    assertEquals(forwardedBefore + 1, c.self(f1).getForwardedRequests(),
        "the follower forwarded the write");

    // A linearizable read through the other follower sees it (the write was acknowledged).
    long f2Before = c.self(f2).getForwardedRequests();
    GetResponse g = c.kv(f2).get(get("fwd"));
    assertTrue(g.getFound());
    assertEquals("through a follower", g.getValue().toStringUtf8());
    assertEquals(leader, g.getHeader().getLeaderId());
    assertTrue(g.getHeader().getIndex() >= p.getHeader().getIndex(), g + " after " + p);
    assertEquals(f2Before + 1, c.self(f2).getForwardedRequests(), "the follower forwarded the read");

    // A serializable read is this member's own: never forwarded.
    c.kv(f2).get(get("fwd").toBuilder().setConsistency(ReadConsistency.SERIALIZABLE).build());
    assertEquals(f2Before + 1, c.self(f2).getForwardedRequests());

    DeleteResponse d = c.kv(f2).delete(DeleteRequest.newBuilder().setHeader(freshHeader())
        .setKey(bytes("fwd")).build());
    assertTrue(d.getExisted());
    assertEquals(leader, d.getHeader().getLeaderId());
    assertFalse(c.kv(leader).get(get("fwd")).getFound());
  }

  @Test
  void a_forwarded_request_is_never_forwarded_again() throws Exception {
    int leader = c.awaitLeader(Duration.ofSeconds(30));
    int follower = c.others(leader).get(0);
    int other = c.others(leader).get(1);
    long before = c.self(follower).getForwardedRequests();
    // As if `other` had forwarded a client's write to `follower`, taking it for the leader.
    ForwardRequest fwd = ForwardRequest.newBuilder().setClusterId("local").setFrom(other)
        .setPut(put(freshHeader(), "hop", "two hops")).build();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> c.peer(follower).forward(fwd));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().contains("is not the leader"),
        e.getStatus().getDescription());
    assertEquals(before, c.self(follower).getForwardedRequests());
    assertFalse(c.kv(leader).get(get("hop")).getFound(), "the refused write was not applied");

    // The same forwarded to the leader is served there.
    assertEquals(leader, c.peer(leader).forward(fwd.toBuilder().setFrom(follower).build())
        .getPut().getHeader().getLeaderId());
    assertEquals("two hops", c.kv(leader).get(get("hop")).getValue().toStringUtf8());
  }

  @Test
  void the_peer_port_refuses_forwards_from_non_members_and_without_an_operation()
      throws Exception {
    int leader = c.awaitLeader(Duration.ofSeconds(30));
    for (int from : List.of(99, leader, 0)) {
      ForwardRequest fwd = ForwardRequest.newBuilder().setClusterId("local").setFrom(from)
          .setPut(put(freshHeader(), "intruder", "x")).build();
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> c.peer(leader).forward(fwd));
      assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), "from " + from);
      assertTrue(e.getStatus().getDescription().contains("forwarded from server " + from
          + ", which is not another member"), e.getStatus().getDescription());
    }
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> c.peer(leader).forward(ForwardRequest.newBuilder().setClusterId("local")
            .setFrom(c.others(leader).get(0)).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().contains("carries no operation"),
        e.getStatus().getDescription());
    assertFalse(c.kv(leader).get(get("intruder")).getFound());
  }

  @Test
  void an_undecodable_peer_message_is_dropped_and_the_member_serves_on() throws Exception {
    int leader = c.awaitLeader(Duration.ofSeconds(30));
    int follower = c.others(leader).get(0);
    HostPort hp = c.config.member(follower).orElseThrow().peerAddress();
    var ch = NettyChannelBuilder.forAddress(hp.host(), hp.port()).usePlaintext().build();
    try {
      CompletableFuture<SendSummary> summary = new CompletableFuture<>();
      StreamObserver<MessageBatch> out = RaftPeerGrpc.newStub(ch)
          .withDeadlineAfter(15, TimeUnit.SECONDS).send(Unary.into(summary));
      // No body, and a node id of 0: neither can be a Raft message.
      out.onNext(MessageBatch.newBuilder().setClusterId("local")
          .addMessages(RaftMessage.newBuilder().setFrom(leader).setTo(follower).setTerm(1))
          .addMessages(RaftMessage.newBuilder().setFrom(0).setTo(follower).setTerm(1))
          .build());
      out.onCompleted();
      assertEquals(0, summary.get(15, TimeUnit.SECONDS).getReceived());
    } finally {
      ch.shutdownNow();
    }
    assertEquals(leader, c.kv(follower).put(put(freshHeader(), "after", "junk")).getHeader()
        .getLeaderId());
  }

  @Test
  void a_retry_with_the_same_op_id_gets_the_first_answer_on_any_server() throws Exception {
    int leader = c.awaitLeader(Duration.ofSeconds(30));
    int f1 = c.others(leader).get(0);
    int f2 = c.others(leader).get(1);
    RequestHeader h1 = freshHeader();
    c.kv(leader).put(put(h1, "retry", "old"));
    RequestHeader h2 = h1.toBuilder().setOpId(2).build();
    PutResponse first = c.kv(f1).put(put(h2, "retry", "new"));
    assertTrue(first.getHadPrevious());
    assertEquals("old", first.getPrevious().toStringUtf8());
    for (int id : List.of(leader, f1, f2)) {
      // (The header's index is the retry's own log entry, not the first application's.)
      PutResponse again = c.kv(id).put(put(h2, "retry", "new"));
      assertTrue(again.getHadPrevious(), "retry at " + id);
      assertEquals("old", again.getPrevious().toStringUtf8(),
          "a second application at " + id + " would have answered 'new'");
    }
    // Another writer, then the retry again: still the first answer, and the value unchanged.
    c.kv(leader).put(put(freshHeader(), "retry", "other"));
    assertEquals("old", c.kv(f2).put(put(h2, "retry", "new")).getPrevious().toStringUtf8());
    assertEquals("other", c.kv(leader).get(get("retry")).getValue().toStringUtf8());

    // Deletes too.
    DeleteRequest del = DeleteRequest.newBuilder().setHeader(h1.toBuilder().setOpId(3))
        .setKey(bytes("retry")).build();
    DeleteResponse d = c.kv(f1).delete(del);
    assertTrue(d.getExisted());
    for (int id : List.of(f2, leader)) {
      DeleteResponse again = c.kv(id).delete(del);
      assertTrue(again.getExisted(), "a second application would have found no key");
    }

    // An op older than the client's latest is refused, not applied.
    StatusRuntimeException stale = assertThrows(StatusRuntimeException.class,
        () -> c.kv(f1).put(put(h2, "retry", "new")));
    assertEquals(Status.Code.FAILED_PRECONDITION, stale.getStatus().getCode());
    assertFalse(c.kv(leader).get(get("retry")).getFound());

    // Ids are unsigned 64-bit end to end (2^63 and 2^64-1 were once refused as negative),
    // through a follower (forwarded) and the leader.
    long all = -1L; // 2^64-1
    long half = Long.MIN_VALUE; // 2^63
    RequestHeader.Builder top = RequestHeader.newBuilder().setClientId(all);
    assertFalse(c.kv(f2).put(put(top.setOpId(1).build(), "top", "one")).getHadPrevious());
    assertEquals("one", c.kv(leader).put(put(top.setOpId(half).build(), "top", "half"))
        .getPrevious().toStringUtf8());
    assertEquals("half", c.kv(f2).put(put(top.setOpId(all).build(), "top", "top")).getPrevious()
        .toStringUtf8());
    c.kv(leader).put(put(freshHeader(), "top", "other"));
    assertEquals("half", c.kv(leader).put(put(top.setOpId(all).build(), "top", "top"))
        .getPrevious().toStringUtf8(), "a retry of op 2^64-1 gets the first answer");
    StatusRuntimeException older = assertThrows(StatusRuntimeException.class,
        () -> c.kv(leader).put(put(top.setOpId(half).build(), "top", "again")));
    assertEquals(Status.Code.FAILED_PRECONDITION, older.getStatus().getCode());
    assertTrue(older.getStatus().getDescription().contains("op 9223372036854775808 is older than"
        + " its latest applied op 18446744073709551615"), older.getStatus().getDescription());
    assertEquals("other", c.kv(leader).get(get("top")).getValue().toStringUtf8());
  }

  @Test
  void requests_over_the_limits_are_invalid_on_every_server_and_nothing_is_applied()
      throws Exception {
    int leader = c.awaitLeader(Duration.ofSeconds(30));
    int follower = c.others(leader).get(0);
    ByteString longKey = ByteString.copyFrom(new byte[KvLimits.MAX_KEY_BYTES + 1]);
    ByteString bigValue = ByteString.copyFrom(new byte[KvLimits.MAX_VALUE_BYTES + 1]);
    for (int id : List.of(leader, follower)) {
      assertInvalid(() -> c.kv(id).put(PutRequest.newBuilder().setHeader(freshHeader())
          .setKey(longKey).setValue(bytes("v")).build()), "maximum key size");
      assertInvalid(() -> c.kv(id).put(PutRequest.newBuilder().setHeader(freshHeader())
          .setKey(bytes("big")).setValue(bigValue).build()), "maximum value size");
      assertInvalid(() -> c.kv(id).put(PutRequest.newBuilder().setHeader(freshHeader())
          .setValue(bytes("v")).build()), "key is empty");
      assertInvalid(() -> c.kv(id).put(put(freshHeader().toBuilder().setOpId(0).build(), "op0",
          "v")), "opId");
      assertInvalid(() -> c.kv(id).delete(DeleteRequest.newBuilder().setHeader(freshHeader())
          .setKey(longKey).build()), "maximum key size");
      assertInvalid(() -> c.kv(id).get(GetRequest.newBuilder().setHeader(freshHeader())
          .setKey(longKey).build()), "maximum key size");
      assertInvalid(() -> c.kv(id).get(GetRequest.newBuilder().setHeader(freshHeader())
          .setConsistency(ReadConsistency.SERIALIZABLE).build()), "key is empty");
    }
    assertFalse(c.kv(leader).get(get("big")).getFound());
    assertFalse(c.kv(leader).get(get("op0")).getFound());
    // At the limits exactly: accepted, through a follower.
    ByteString maxKey = ByteString.copyFrom(new byte[KvLimits.MAX_KEY_BYTES]);
    ByteString maxValue = ByteString.copyFrom(new byte[KvLimits.MAX_VALUE_BYTES]);
    c.kv(follower).put(PutRequest.newBuilder().setHeader(freshHeader()).setKey(maxKey)
        .setValue(maxValue).build());
    assertEquals(maxValue, c.kv(leader).get(GetRequest.newBuilder().setHeader(freshHeader())
        .setKey(maxKey).build()).getValue());
  }

  private static void assertInvalid(org.junit.jupiter.api.function.Executable call,
      String says) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().contains(says), e.getStatus().getDescription());
  }
}
