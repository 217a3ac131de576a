package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftkv.api.peer.v1.ForwardRequest;
import io.raftkv.api.peer.v1.RaftPeerGrpc;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.api.v1.RequestHeader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, items 3 and 4, against real servers: client and op ids are unsigned 64-bit numbers
 * end to end (2^63 and 2^64-1 were refused as negative), and the peer Forward call refuses a
 * request that claims to come from a server that is not another member.
 */
class PeerForwardAndIdsTest {
  private static final long ALL = -1L; // 2^64-1
  private static final long HALF = Long.MIN_VALUE; // 2^63

  @TempDir
  Path tmp;

  RealCluster c;

  @AfterEach
  void down() {
    if (c != null) {
      c.close();
    }
  }

  private static PutRequest put(long client, long op, String value) {
    return PutRequest.newBuilder()
        .setHeader(RequestHeader.newBuilder().setClientId(client).setOpId(op))
        .setKey(RealCluster.bytes("k")).setValue(RealCluster.bytes(value)).build();
  }

  @Test
  void unsigned_ids_and_forwards_from_non_members() throws Exception {
    c = RealCluster.start(tmp, "PeerForwardAndIdsTest", 3, RealCluster.FAST);
    int leader = c.awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
    int follower = leader % 3 + 1;

    // ids 2^64-1 and 2^63, through a follower (forwarded) and the leader
    assertFalse(c.call(follower, s -> s.put(put(ALL, 1, "one"))).getHadPrevious());
    assertEquals("one", c.call(leader, s -> s.put(put(ALL, HALF, "half"))).getPrevious()
        .toStringUtf8());
    PutResponse top = c.call(follower, s -> s.put(put(ALL, ALL, "top")));
    assertEquals("half", top.getPrevious().toStringUtf8());
    assertEquals("half", c.call(leader, s -> s.put(put(ALL, ALL, "top"))).getPrevious()
        .toStringUtf8(), "a retry of op 2^64-1 gets the first answer");
    StatusRuntimeException stale = assertThrows(StatusRuntimeException.class,
        () -> c.call(leader, s -> s.put(put(ALL, HALF, "again"))));
    assertEquals(Status.Code.FAILED_PRECONDITION, stale.getStatus().getCode());
    assertTrue(stale.getStatus().getDescription().contains("op 9223372036854775808 is older than"
        + " its latest applied op 18446744073709551615"), stale.getStatus().getDescription());

    // Forward claiming to come from a non-member (99) or from the leader itself: refused
    ManagedChannel ch = NettyChannelBuilder.forTarget("127.0.0.1:"
        + c.cluster.ports().peer(leader)).usePlaintext().build();
    try {
      RaftPeerGrpc.RaftPeerBlockingStub peer = RaftPeerGrpc.newBlockingStub(ch)
          .withDeadlineAfter(10, TimeUnit.SECONDS);
      for (int from : List.of(99, leader, 0)) {
        ForwardRequest fwd = ForwardRequest.newBuilder().setClusterId("local").setFrom(from)
            .setPut(put(RealCluster.freshHeader().getClientId(), 1, "intruder")).build();
        StatusRuntimeException e =
            assertThrows(StatusRuntimeException.class, () -> peer.forward(fwd));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), "from " + from);
        assertTrue(e.getStatus().getDescription().contains("forwarded from server " + from
            + ", which is not another member"), e.getStatus().getDescription());
      }
    } finally {
      ch.shutdownNow();
    }
    assertEquals("top", c.call(leader, s -> s.get(GetRequest.newBuilder()
        .setKey(RealCluster.bytes("k")).build())).getValue().toStringUtf8(),
        "no refused forward was applied");
  }
}
