package io.raftkv.cli;

import static io.raftkv.cli.RealCluster.bytes;
import static io.raftkv.cli.RealCluster.freshHeader;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.GetResponse;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.ReadConsistency;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An old leader cut off (SIGSTOP) while the others elect a new one and take a write must not
 * serve the old value to a linearizable read when it comes back (SIGCONT).
 */
class StaleReadTest {
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
  void when_an_isolated_old_leader_comes_back_then_a_linearizable_read_there_is_never_stale()
      throws Exception {
    c = RealCluster.start(tmp, "StaleReadTest", 3, RealCluster.FAST);
    List<Integer> all = List.of(1, 2, 3);
    for (int round = 0; round < 3; round++) {
      int old = c.awaitLeader(all, Duration.ofSeconds(30));
      String oldValue = "old-" + round;
      String newValue = "new-" + round;
      PutRequest oldPut = PutRequest.newBuilder().setHeader(freshHeader()).setKey(bytes("x"))
          .setValue(bytes(oldValue)).build();
      c.call(old, s -> s.put(oldPut));

      c.signal(old, "STOP");
      // A write sent to the stopped old leader: it will take it as leader when it wakes.
      com.google.common.util.concurrent.ListenableFuture<io.raftkv.api.v1.PutResponse> lateWrite =
          c.futureStub(old, 15_000).put(PutRequest.newBuilder().setHeader(freshHeader())
              .setKey(bytes("y")).setValue(bytes("late-" + round)).build());
      List<Integer> rest = new ArrayList<>(all);
      rest.remove(Integer.valueOf(old));
      int now = c.awaitLeader(rest, Duration.ofSeconds(30));
      assertNotEquals(old, now);
      PutRequest nowPut = PutRequest.newBuilder().setHeader(freshHeader()).setKey(bytes("x"))
          .setValue(bytes(newValue)).build();
      c.call(now, s -> s.put(nowPut)); // acknowledged before the read below is sent
      // Straight to the old leader, one server, no failover: in even rounds sent while it is
      // still stopped (so it is the first thing it handles when it wakes), in odd rounds at once
      // after it wakes.
      GetRequest get = GetRequest.newBuilder().setHeader(freshHeader()).setKey(bytes("x"))
          .setConsistency(ReadConsistency.LINEARIZABLE).build();
      com.google.common.util.concurrent.ListenableFuture<GetResponse> early = null;
      if (round % 2 == 0) {
        early = c.futureStub(old, 10_000).get(get);
        Thread.sleep(50);
        assertTrue(!early.isDone(), "a stopped server answered");
      }
      c.signal(old, "CONT");
      try {
        GetResponse r;
        if (early != null) {
          try {
            r = early.get();
          } catch (java.util.concurrent.ExecutionException e) {
            throw (StatusRuntimeException) e.getCause();
          }
        } else {
          r = c.stub(old, 10_000).get(get);
        }
        System.out.println("round " + round + ": old leader " + old + " answered '"
            + r.getValue().toStringUtf8() + "' (leader " + r.getHeader().getLeaderId() + ")");
        assertTrue(r.getFound());
        if (!r.getValue().toStringUtf8().equals(newValue)) {
          fail("round " + round + ": old leader " + old + " answered a linearizable read with '"
              + r.getValue().toStringUtf8() + "' after '" + newValue + "' was acknowledged by "
              + "leader " + now + "\n" + c.logTails());
        }
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        System.out.println("round " + round + ": old leader " + old + " refused: " + e.getStatus());
        assertTrue(code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED,
            "round " + round + ": " + e.getStatus());
      }

      // The write the old leader took while cut off: if it was acknowledged, it is committed
      // (a linearizable read through the new leader sees it); otherwise a retryable error.
      try {
        io.raftkv.api.v1.PutResponse w = lateWrite.get();
        System.out.println("round " + round + ": late write acknowledged at index "
            + w.getHeader().getIndex() + " (leader " + w.getHeader().getLeaderId() + ")");
        GetRequest getY = GetRequest.newBuilder().setHeader(freshHeader()).setKey(bytes("y")).build();
        GetResponse y = c.call(now, s -> s.get(getY));
        if (!y.getValue().toStringUtf8().equals("late-" + round)) {
          fail("round " + round + ": the old leader acknowledged a write that is not there: "
              + "y is '" + y.getValue().toStringUtf8() + "'\n" + c.logTails());
        }
      } catch (java.util.concurrent.ExecutionException e) {
        Status st = Status.fromThrowable(e.getCause());
        System.out.println("round " + round + ": late write refused: " + st);
        assertTrue(st.getCode() == Status.Code.UNAVAILABLE
            || st.getCode() == Status.Code.DEADLINE_EXCEEDED, "round " + round + ": " + st);
      }
    }

    // A follower cut off while the leader takes a write: a linearizable read there, queued while
    // it is stopped, must not answer from its stale state.
    int leader = c.awaitLeader(all, Duration.ofSeconds(30));
    int follower = leader == 1 ? 2 : 1;
    c.signal(follower, "STOP");
    PutRequest fresh = PutRequest.newBuilder().setHeader(freshHeader()).setKey(bytes("x"))
        .setValue(bytes("fresh")).build();
    c.call(leader, s -> s.put(fresh));
    com.google.common.util.concurrent.ListenableFuture<GetResponse> read = c.futureStub(follower,
        10_000).get(GetRequest.newBuilder().setHeader(freshHeader()).setKey(bytes("x")).build());
    c.signal(follower, "CONT");
    try {
      String v = read.get().getValue().toStringUtf8();
      System.out.println("stopped follower " + follower + " answered '" + v + "'");
      if (!v.equals("fresh")) {
        fail("follower " + follower + " answered a linearizable read with '" + v + "'");
      }
    } catch (java.util.concurrent.ExecutionException e) {
      Status st = Status.fromThrowable(e.getCause());
      assertTrue(st.getCode() == Status.Code.UNAVAILABLE
          || st.getCode() == Status.Code.DEADLINE_EXCEEDED, st.toString());
    }
  }
}
