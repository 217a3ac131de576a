package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.Member;
import io.raftkv.api.v1.MemberAddRequest;
import io.raftkv.api.v1.MemberListRequest;
import io.raftkv.api.v1.MemberListResponse;
import io.raftkv.api.v1.MemberPromoteRequest;
import io.raftkv.api.v1.MemberRemoveRequest;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.StatusRequest;
import io.raftkv.api.v1.StatusResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership changes on real servers in this JVM (issue 15): a learner added under writes catches
 * up by snapshot and is promoted, refusals map to cluster.proto's statuses, a removed follower
 * says so and refuses clients (and its id with its old data is refused at start), the leader
 * removes itself without an election timeout, and a dead member is replaced with no acknowledged
 * write lost. The configuration comes from the log alone: the joining node is not in the cluster
 * file.
 */
class MembershipChangeTest {
  /** A 2 s election timeout: a gap shorter than that needed no election timeout. */
  private static final String OPTIONS = "\"tickMillis\": 50, \"electionTicks\": 40,"
      + " \"heartbeatTicks\": 2, \"snapshotEntries\": 50";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  void learnerCatchesUpBySnapshotUnderWritesAndIsPromoted() throws Exception {
    try (LocalCluster c = LocalCluster.start(dir, 3, OPTIONS)) {
      c.awaitLeader(WAIT);
      for (int i = 0; i < 200; i++) {
        put(c, 1, "pre-" + i);
      }
      try (ClientLoad load = new ClientLoad(c, "w", () -> List.of(1, 2, 3))) {
        MemberAddresses four = c.reserve(4);
        var added = c.cluster(2).memberAdd(MemberAddRequest.newBuilder().setMember(Member
            .newBuilder().setId(4).setPeerAddress(four.peer().target())
            .setClientAddress(four.client().target()).setLearner(true)).build());
        assertTrue(added.getMembersList().stream().anyMatch(m -> m.getId() == 4 && m.getLearner()));
        // Not started yet: it has answered no leader, so it is not caught up.
        StatusRuntimeException notReady = assertThrows(StatusRuntimeException.class, () ->
            c.cluster(3).memberPromote(MemberPromoteRequest.newBuilder().setId(4).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, notReady.getStatus().getCode());
        assertTrue(notReady.getStatus().getDescription().startsWith("LEARNER_NOT_READY"),
            notReady.getStatus().getDescription());

        c.join(4, false, 1); // already a member at these addresses: it only catches up
        NodeView learner = LocalCluster.await(WAIT, "node 4 caught up", () -> {
          NodeView v = c.server(4).runtime().view();
          return v.membership().isLearner(4) && v.appliedIndex() > 200 ? v : null;
        });
        assertTrue(learner.status().firstIndex() > 1,
            "the learner's log starts at " + learner.status().firstIndex() + ": no snapshot");
        assertFalse(learner.status().isVoter());
        int index = LocalCluster.await(WAIT, "node 4 promoted", () -> {
          try {
            return (int) c.cluster(1).memberPromote(MemberPromoteRequest.newBuilder().setId(4)
                .build()).getConfigIndex();
          } catch (StatusRuntimeException e) {
            return null; // LEARNER_NOT_READY while the writes go on
          }
        });
        StatusResponse s = c.kv(4).status(StatusRequest.getDefaultInstance());
        assertEquals(index, s.getConfigIndex());
        assertEquals(4, s.getMembersCount());
        assertTrue(s.getMembersList().stream().noneMatch(MemberStatus::getLearner));
        Thread.sleep(300);
        load.close();
        assertAllPresent(c, 4, load);
      }
    }
  }

  @Test
  void refusalsCarryTheDocumentedCodes() throws Exception {
    try (LocalCluster c = LocalCluster.start(dir, 3, OPTIONS)) {
      int leader = c.awaitLeader(WAIT);
      int follower = c.others(leader).get(0);
      MemberListResponse list = LocalCluster.await(WAIT, "a committed configuration", () -> {
        MemberListResponse l = c.cluster(follower).memberList(MemberListRequest
            .getDefaultInstance());
        return l.getConfigCommitted() && l.getConfigIndex() > 0 ? l : null;
      });
      assertEquals(3, list.getMembersCount());
      assertEquals(2, list.getProgressCount());
      assertEquals(leader, list.getHeader().getServerId());
      assertEquals(c.addresses(leader).peer().target(), list.getMembersList().stream()
          .filter(m -> m.getId() == leader).findFirst().orElseThrow().getPeerAddress());
      expect(Status.Code.FAILED_PRECONDITION, "CONFIG_INDEX_MISMATCH", () -> c.cluster(follower)
          .memberRemove(MemberRemoveRequest.newBuilder().setId(follower)
              .setExpectedConfigIndex(list.getConfigIndex() + 7).build()));
      expect(Status.Code.INVALID_ARGUMENT, "INVALID_CHANGE", () -> c.cluster(follower)
          .memberRemove(MemberRemoveRequest.newBuilder().setId(9).build()));
      expect(Status.Code.INVALID_ARGUMENT, "INVALID_CHANGE", () -> c.cluster(leader)
          .memberAdd(MemberAddRequest.newBuilder().setMember(Member.newBuilder().setId(5)
              .setPeerAddress("nowhere").setClientAddress("127.0.0.1:1")).build()));
      expect(Status.Code.INVALID_ARGUMENT, "INVALID_CHANGE", () -> c.cluster(leader)
          .memberPromote(MemberPromoteRequest.newBuilder().setId(follower).build()));
      assertEquals(list.getConfigIndex(), c.cluster(leader).memberList(MemberListRequest
          .getDefaultInstance()).getConfigIndex(), "a refused change changed the configuration");
    }
  }

  @Test
  void removedFollowerSaysSoRefusesClientsAndItsIdIsRefusedAtStart() throws Exception {
    try (LocalCluster c = LocalCluster.start(dir, 3, OPTIONS)) {
      int leader = c.awaitLeader(WAIT);
      int gone = c.others(leader).get(0);
      int other = c.others(leader).get(1);
      await(c, other); // a change waits for the term's first commit
      c.cluster(other).memberRemove(MemberRemoveRequest.newBuilder().setId(gone).build());
      LocalCluster.await(WAIT, "node " + gone + " knows it was removed",
          () -> c.server(gone).runtime().view().removed() ? true : null);
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> put(c, gone, "after"));
      assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
      assertTrue(refused.getStatus().getDescription().contains("node " + gone
          + " was removed from the cluster"), refused.getStatus().getDescription());
      assertEquals(HealthCheckResponse.ServingStatus.NOT_SERVING, HealthGrpc.newBlockingStub(
          c.clientChannel(gone)).check(HealthCheckRequest.getDefaultInstance()).getStatus());
      MemberStatus self = c.self(gone);
      assertTrue(self.getRemoved() && !self.getHealthy());
      assertEquals(2, c.kv(leader).status(StatusRequest.getDefaultInstance()).getMembersCount());
      put(c, other, "still-works");

      c.stop(gone);
      ConfigException e = assertThrows(ConfigException.class, () -> c.start(gone));
      assertTrue(e.getMessage().contains("was removed") && e.getMessage().contains("wipe"),
          e.getMessage());
    }
  }

  @Test
  void leaderRemovesItselfWithoutAnElectionTimeout() throws Exception {
    try (LocalCluster c = LocalCluster.start(dir, 3, OPTIONS)) {
      int leader = c.awaitLeader(WAIT);
      await(c, leader);
      List<Integer> rest = c.others(leader);
      try (ClientLoad load = new ClientLoad(c, "w", () -> rest)) {
        LocalCluster.await(WAIT, "writes flowing", () -> load.acknowledged().size() > 50
            ? true : null);
        load.resetGap();
        c.cluster(leader).memberRemove(MemberRemoveRequest.newBuilder().setId(leader).build());
        int next = LocalCluster.await(WAIT, "a new leader", () -> {
          NodeView v = c.server(rest.get(0)).runtime().view();
          return v.status().leader() != 0 && v.status().leader() != leader
              ? v.status().leader() : null;
        });
        assertTrue(rest.contains(next));
        int before = load.acknowledged().size();
        LocalCluster.await(WAIT, "writes flowing again", () -> load.acknowledged().size()
            > before + 50 ? true : null);
        long gap = load.longestGapMillis();
        System.out.println("leader self-removal: longest gap with no acknowledged write "
            + gap + " ms (election timeout 2000-4000 ms)");
        assertTrue(gap < 2000, "the longest gap was " + gap + " ms: an election timeout passed");
        load.close();
        assertAllPresent(c, next, load);
      }
      LocalCluster.await(WAIT, "the old leader knows it was removed",
          () -> c.server(leader).runtime().view().removed() ? true : null);
    }
  }

  @Test
  void deadMemberReplacedWithNoAcknowledgedWriteLost() throws Exception {
    try (LocalCluster c = LocalCluster.start(dir, 3, OPTIONS)) {
      c.awaitLeader(WAIT);
      await(c, 1);
      Supplier<List<Integer>> live = () -> c.isRunning(4) ? List.of(1, 2, 4) : List.of(1, 2);
      try (ClientLoad load = new ClientLoad(c, "w", live)) {
        c.stop(3);
        deleteTree(c.dataDir(3)); // its disk is gone
        c.join(4, true, 2); // added as a learner, promoted by the leader once caught up
        LocalCluster.await(WAIT, "node 4 promoted", () -> c.server(1).runtime().view()
            .membership().isVoter(4) ? true : null);
        // Node 4 is in no cluster file: it learned the configuration from the log.
        LocalCluster.await(WAIT, "node 4 holds its promotion", () -> c.server(4).runtime().view()
            .membership().isVoter(4) ? true : null);
        assertEquals(c.server(1).runtime().view().membership().members().size(), 4);
        c.cluster(4).memberRemove(MemberRemoveRequest.newBuilder().setId(3).build());
        LocalCluster.await(WAIT, "node 4 holds the removal", () -> c.server(4).runtime().view()
            .membership().contains(3) ? null : true);
        MemberListResponse list = c.cluster(1).memberList(MemberListRequest.getDefaultInstance());
        assertEquals(List.of(1, 2, 4), list.getMembersList().stream().map(Member::getId).toList());
        assertTrue(list.getMembersList().stream().noneMatch(Member::getLearner));
        int before = load.acknowledged().size();
        LocalCluster.await(WAIT, "writes after the replacement", () ->
            load.acknowledged().size() > before + 20 ? true : null);
        load.close();
        assertAllPresent(c, 4, load);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Waits until member {@code id} can write (the leader committed an entry of its term). */
  private static void await(LocalCluster c, int id) throws InterruptedException {
    LocalCluster.await(WAIT, "a write through " + id, () -> {
      try {
        put(c, id, "warm-up");
        return true;
      } catch (StatusRuntimeException e) {
        return null;
      }
    });
  }

  private static void put(LocalCluster c, int id, String key) {
    c.kv(id).put(PutRequest.newBuilder().setHeader(LocalCluster.freshHeader())
        .setKey(LocalCluster.bytes(key)).setValue(LocalCluster.bytes("x")).build());
  }

  /** Every write {@code load} saw acknowledged is there, read linearizably through {@code id}. */
  private static void assertAllPresent(LocalCluster c, int id, ClientLoad load) {
    List<Integer> acked = load.acknowledged();
    assertNotEquals(0, acked.size());
    for (int i : acked) {
      var r = c.kv(id).get(GetRequest.newBuilder().setKey(LocalCluster.bytes(load.key(i)))
          .build());
      assertTrue(r.getFound(), "acknowledged write " + load.key(i) + " is lost");
      assertEquals("v" + i, r.getValue().toStringUtf8());
    }
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    try (var paths = java.nio.file.Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(p);
      }
    }
  }

  private static void expect(Status.Code code, String reason, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(e.getStatus().getDescription().startsWith(reason), e.getStatus().toString());
  }
}
