package io.raftkv.cli;

import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.StatusResponse;
import io.raftkv.nemesis.launch.ServerLauncher;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code raftkv cluster up --demo}: shows the cluster working end to end on real processes, and
 * says PASS or FAIL for each thing it expects.
 */
final class Demo {
  private static final long WAIT_MILLIS = 20_000;

  private final ServerLauncher cluster;
  private final ClusterCommand.Watcher watcher;
  private int failures;

  Demo(ServerLauncher cluster, ClusterCommand.Watcher watcher) {
    this.cluster = cluster;
    this.watcher = watcher;
  }

  int run() throws Exception {
    StatusResponse s = await("a leader known to every server", r -> r.getLeaderId() != 0
        && r.getMembersList().stream().allMatch(m -> m.getHealthy()
            && m.getTerm() == r.getTerm()));
    if (s == null) {
      return 1;
    }
    int leader = s.getLeaderId();
    int follower = other(leader, 0);
    step("server " + leader + " leads term " + s.getTerm());

    put(follower, "k1", "v1");
    expect("Get k1 from server " + other(leader, follower) + " is v1",
        "v1".equals(get(other(leader, follower), "k1")));

    if (cluster.nodes() >= 3) {
      long t0 = System.nanoTime();
      cluster.kill(leader);
      step("killed the leader, server " + leader + " (SIGKILL)");
      StatusResponse after = await("a new leader among the others", r -> r.getLeaderId() != 0
          && r.getLeaderId() != leader);
      if (after != null) {
        step(String.format("server %d leads term %d, %.1f s after the kill", after.getLeaderId(),
            after.getTerm(), (System.nanoTime() - t0) / 1e9));
      }
      expect("Get k1 after the failover is still v1", "v1".equals(get(follower, "k1")));
      put(follower, "k2", "v2");
      cluster.start(leader);
      step("restarted server " + leader);
      StatusResponse caught = await("server " + leader + " caught up (same applied index and "
          + "state hash as the leader)", r -> caughtUp(r, leader));
      expect("the restarted server holds the same state", caught != null);
    }
    System.out.print(StatusCommand.table(watcher.status()));
    System.out.println(failures == 0 ? "PASS: the demo did all it expected"
        : "FAIL: " + failures + " expectation(s) not met; logs in " + cluster.dir());
    return failures == 0 ? 0 : 1;
  }

  private static boolean caughtUp(StatusResponse r, int node) {
    MemberStatus lead = null;
    MemberStatus n = null;
    for (MemberStatus m : r.getMembersList()) {
      if (m.getId() == r.getLeaderId()) {
        lead = m;
      }
      if (m.getId() == node) {
        n = m;
      }
    }
    return lead != null && n != null && n.getHealthy()
        && n.getAppliedIndex() == lead.getAppliedIndex()
        && n.getStateHash() == lead.getStateHash();
  }

  private int other(int a, int b) {
    for (int i = 1; i <= cluster.nodes(); i++) {
      if (i != a && i != b) {
        return i;
      }
    }
    return a;
  }

  private void put(int via, String k, String v) {
    KvCommands.Servers one = via(via);
    var r = one.call(s -> s.put(PutRequest.newBuilder().setHeader(KvCommands.header())
        .setKey(KvCommands.bytes(k)).setValue(KvCommands.bytes(v)).build()));
    step("Put " + k + "=" + v + " through server " + via + ": applied at index "
        + r.getHeader().getIndex() + " by leader " + r.getHeader().getLeaderId());
  }

  private String get(int via, String k) {
    try {
      var r = via(via).call(s -> s.get(GetRequest.newBuilder().setHeader(KvCommands.header())
          .setKey(KvCommands.bytes(k)).build()));
      String v = r.getFound() ? r.getValue().toStringUtf8() : null;
      step("Get " + k + " through server " + via + ": " + (v == null ? "(not found)" : v));
      return v;
    } catch (RuntimeException e) {
      step("Get " + k + " through server " + via + " failed: " + e.getMessage());
      return null;
    }
  }

  private KvCommands.Servers via(int id) {
    KvCommands.Servers s = new KvCommands.Servers();
    s.servers = List.of(cluster.clientAddress(id));
    s.timeoutMillis = 5000;
    return s;
  }

  private StatusResponse await(String what, Predicate<StatusResponse> ok) throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      watcher.poll().ifPresent(System.out::print);
      try {
        StatusResponse r = watcher.status();
        if (ok.test(r)) {
          expect(what, true);
          return r;
        }
      } catch (RuntimeException e) {
        // not up yet
      }
      Thread.sleep(200);
    }
    expect(what + " within " + WAIT_MILLIS / 1000 + " s", false);
    return null;
  }

  private void expect(String what, boolean ok) {
    System.out.println((ok ? "PASS  " : "FAIL  ") + what);
    if (!ok) {
      failures++;
    }
  }

  private static void step(String what) {
    System.out.println("      " + what);
  }
}
