package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The membership calls and membership learning of {@link RaftKvClient}, on a fake cluster. */
class RaftKvClientMembershipTest {
  private final MembershipFake cluster = new MembershipFake(3);
  private final List<RaftKvClient> clients = new ArrayList<>();

  @AfterEach
  void tearDown() {
    clients.forEach(RaftKvClient::close);
    cluster.close();
  }

  private RaftKvClient client(Duration refresh, int... ids) {
    List<String> servers = new ArrayList<>();
    for (int id : ids) {
      servers.add(cluster.address(id));
    }
    RaftKvClient c = RaftKvClient.builder().servers(servers)
        .retryPolicy(new RetryPolicy(Duration.ofMillis(300), Duration.ofMillis(5),
            Duration.ofMillis(40)))
        .leaderProbeInterval(Duration.ofMillis(20)).memberRefreshInterval(refresh)
        .channelFactory(cluster.channels()).build();
    clients.add(c);
    return c;
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(Await.BOUND_MILLIS, TimeUnit.MILLISECONDS);
  }

  private static Throwable failure(CompletableFuture<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> future.get(Await.BOUND_MILLIS, TimeUnit.MILLISECONDS));
    return e.getCause();
  }

  private static OpOptions within(long millis) {
    return OpOptions.defaults().withDeadline(Duration.ofMillis(millis));
  }

  @Test
  void memberListIsTyped() throws Exception {
    RaftKvClient c = client(Duration.ZERO, 1, 2, 3);
    MemberList list = await(c.memberList());
    assertEquals(1, list.configIndex());
    assertTrue(list.configCommitted());
    assertEquals(List.of(1, 2, 3), list.members().stream().map(ClusterMember::id).toList());
    assertEquals(cluster.address(2), list.members().get(1).clientAddress());
    assertEquals(92L, list.matchIndex().get(2));
    assertEquals(OptionalLong.of(7), list.lag(3));
    assertEquals(OptionalLong.empty(), list.lag(1)); // the leader reports no match for itself
    assertEquals(1, list.leaderId());
  }

  @Test
  void addAndPromoteChangeTheConfigurationAndTheClientsServers() throws Exception {
    RaftKvClient c = client(Duration.ZERO, 1, 2, 3);
    MemberChange added = await(c.memberAdd(4, "127.0.0.1:7104", cluster.address(4), true,
        OptionalLong.of(1), within(5000)));
    assertEquals(2, added.configIndex());
    ClusterMember four = added.members().get(3);
    assertEquals(new ClusterMember(4, "127.0.0.1:7104", cluster.address(4), true, true), four);
    assertTrue(c.servers().contains(cluster.address(4)), c.servers().toString());

    MemberChange promoted = await(c.memberPromote(4, OptionalLong.of(2), within(5000)));
    assertFalse(promoted.members().get(3).learner());
  }

  @Test
  void refusalsCarryTheirReason() throws Exception {
    RaftKvClient c = client(Duration.ZERO, 1, 2, 3);
    Throwable mismatch = failure(c.memberPromote(2, OptionalLong.of(99), within(5000)));
    MembershipException m = assertInstanceOf(MembershipException.class, mismatch);
    assertEquals(MembershipException.Reason.CONFIG_INDEX_MISMATCH, m.reason());
    assertEquals(RaftKvException.Kind.FAILED_PRECONDITION, m.kind());
    assertFalse(m.mayHaveBeenApplied());

    MembershipException invalid = assertInstanceOf(MembershipException.class,
        failure(c.memberAdd(2, "127.0.0.1:7102", cluster.address(2), false)));
    assertEquals(MembershipException.Reason.INVALID_CHANGE, invalid.reason());
    assertEquals(RaftKvException.Kind.INVALID_ARGUMENT, invalid.kind());

    cluster.failNext(Status.FAILED_PRECONDITION.withDescription(
        "LEARNER_NOT_READY: learner 4 is 1200 entries behind"));
    MembershipException notReady = assertInstanceOf(MembershipException.class,
        failure(c.memberPromote(4)));
    assertEquals(MembershipException.Reason.LEARNER_NOT_READY, notReady.reason());
    assertTrue(notReady.getMessage().contains("1200 entries behind"), notReady.getMessage());
  }

  @Test
  void changeInProgressIsRetriedOnTheSameServer() throws Exception {
    RaftKvClient c = client(Duration.ZERO, 1, 2, 3);
    await(c.memberList()); // routed to the leader, server 1
    int before = cluster.calls(1);
    Status busy = Status.UNAVAILABLE.withDescription("CHANGE_IN_PROGRESS: the previous change "
        + "is not committed yet");
    cluster.failNext(busy, busy, busy);
    MemberChange removed = await(c.memberRemove(3, OptionalLong.empty(), within(5000)));
    assertEquals(List.of(1, 2), removed.members().stream().map(ClusterMember::id).toList());
    assertEquals(before + 4, cluster.calls(1), "three refusals and the success, all on server 1");
  }

  @Test
  void changeInProgressUntilTheDeadlineIsReportedWithItsReason() {
    RaftKvClient c = client(Duration.ZERO, 1, 2, 3);
    Status busy = Status.UNAVAILABLE.withDescription("CHANGE_IN_PROGRESS: no entry of the "
        + "leader's term is committed yet");
    for (int i = 0; i < 10_000; i++) {
      cluster.failNext(busy);
    }
    Throwable t = failure(c.memberPromote(2, OptionalLong.empty(), within(300)));
    MembershipException e = assertInstanceOf(MembershipException.class, t, t.toString());
    assertEquals(MembershipException.Reason.CHANGE_IN_PROGRESS, e.reason());
    assertEquals(RaftKvException.Kind.DEADLINE_EXCEEDED, e.kind());
  }

  @Test
  void aRefusalAfterAnAttemptThatTimedOutMayHaveBeenApplied() throws Exception {
    RaftKvClient c = client(Duration.ZERO, 1, 2, 3);
    cluster.applyThenHang(1); // the add happens, its answer never comes; the retry is refused
    MembershipException e = assertInstanceOf(MembershipException.class,
        failure(c.memberAdd(4, "127.0.0.1:7104", cluster.address(4), false,
            OptionalLong.empty(), within(5000))));
    assertEquals(MembershipException.Reason.INVALID_CHANGE, e.reason());
    assertTrue(e.mayHaveBeenApplied());
    assertTrue(e.getMessage().contains("read the member list"), e.getMessage());
  }

  @Test
  void leaderTransferAnswersTheNewLeader() throws Exception {
    RaftKvClient c = client(Duration.ZERO, 1, 2, 3);
    assertEquals(3, await(c.leaderTransfer(3, within(5000))));
  }

  @Test
  void badArgumentsAreRefusedBeforeSending() {
    RaftKvClient c = client(Duration.ZERO, 1);
    assertThrows(IllegalArgumentException.class, () -> c.memberRemove(0));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> c.memberAdd(4, "nohost", "127.0.0.1:7004", false));
    assertTrue(bad.getMessage().contains("'nohost' is not host:port"), bad.getMessage());
  }

  @Test
  void aServerThatSaysItWasRemovedIsDropped() throws Exception {
    RaftKvClient c = client(Duration.ZERO, 1, 2, 3);
    cluster.remove(1); // server 1, the first listed, now answers "removed"
    await(c.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8),
        within(5000)));
    Await.until("server 1 left the client's servers",
        () -> !c.servers().contains(cluster.address(1)));
  }

  @Test
  void theClientKeepsWorkingWhenEveryServerItWasGivenIsReplaced() throws Exception {
    RaftKvClient c = client(Duration.ofMillis(50), 1, 2, 3);
    byte[] k = "k".getBytes(StandardCharsets.UTF_8);
    await(c.put(k, k, within(5000)));
    cluster.addVoter(4);
    cluster.leader(4);
    Await.until("the client writes to the new leader 4", () -> {
      c.put(k, k, within(5000)).join();
      return c.currentServer().equals(cluster.address(4));
    });
    // Nothing fails from here on: writes go to leader 4 while the rest are replaced, so only
    // the periodic Status can teach the client the new members.
    cluster.addVoter(5);
    cluster.addVoter(6);
    for (int id = 1; id <= 3; id++) {
      cluster.remove(id);
    }
    Await.until("the client learned servers 5 and 6", () -> {
      c.put(k, k, within(5000)).join();
      return c.servers().contains(cluster.address(5)) && c.servers().contains(cluster.address(6));
    });
    for (int id = 1; id <= 3; id++) {
      cluster.stop(id);
    }
    cluster.leader(5);
    cluster.remove(4);
    cluster.stop(4);
    await(c.put(k, k, within(5000)));
    List<String> now = List.of(cluster.address(5), cluster.address(6));
    Await.until("the client's servers are 5 and 6", () -> c.servers().equals(now));
  }
}
