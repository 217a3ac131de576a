package io.raftkv.cli.bench;

import io.raftkv.client.ClusterMember;
import io.raftkv.client.MemberList;
import io.raftkv.client.OpOptions;
import io.raftkv.client.RaftKvClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The membership changes {@code raftkv bench} can make in the middle of a measured run: the leader
 * removing itself (it hands leadership over, thesis §4.2.2: the run's longest gap with no
 * completed operation says what clients saw), and a new server joining (how long from its start to
 * a caught-up, promoted voter, while the load goes on).
 */
public final class MembershipFault {
  private final BenchCluster cluster;
  private final PrintStream out;
  private final AtomicReference<String> outcome = new AtomicReference<>("not run");

  public MembershipFault(BenchCluster cluster, PrintStream out) {
    this.cluster = cluster;
    this.out = out;
  }

  /** What the change did, for the result line. */
  public String outcome() {
    return outcome.get();
  }

  /** Removes the current leader through the Cluster API; returns once the change is committed. */
  public void removeLeader() {
    try (RaftKvClient admin = admin()) {
      int leader = cluster.awaitLeader(Duration.ofSeconds(5));
      long t0 = System.nanoTime();
      admin.memberRemove(leader, java.util.OptionalLong.empty(),
          OpOptions.defaults().withDeadline(Duration.ofSeconds(20))).join();
      outcome.set(String.format(Locale.ROOT, "leader %d removed itself (committed in %.0f ms)",
          leader, (System.nanoTime() - t0) / 1e6));
    } catch (Exception e) {
      outcome.set("could not remove the leader: " + e);
    }
    out.println(outcome.get());
  }

  /**
   * Starts a new server that joins, in the background, and records how long it took to become a
   * voter (polling the member list every 100 ms, up to {@code limit}).
   */
  public void addMember(Duration limit) {
    Thread t = new Thread(() -> {
      try (RaftKvClient admin = admin()) {
        long t0 = System.nanoTime();
        int id = cluster.startJoiner();
        out.println("started server " + id + " (joining)");
        long learnerAt = 0;
        while (System.nanoTime() - t0 < limit.toNanos()) {
          MemberList list = admin.memberList(OpOptions.defaults()
              .withDeadline(Duration.ofSeconds(2))).handle((l, e) -> l).join();
          ClusterMember m = list == null ? null : list.members().stream()
              .filter(x -> x.id() == id).findFirst().orElse(null);
          if (m != null && m.learner() && learnerAt == 0) {
            learnerAt = System.nanoTime();
          } else if (m != null && !m.learner()) {
            outcome.set(String.format(Locale.ROOT, "server %d: added as a learner %.1f s after"
                    + " its start, a voter after %.1f s (caught up and promoted)", id,
                (learnerAt == 0 ? 0 : learnerAt - t0) / 1e9, (System.nanoTime() - t0) / 1e9));
            out.println(outcome.get());
            return;
          }
          Thread.sleep(100);
        }
        outcome.set("server " + id + " was not a voter within " + limit.toSeconds() + " s");
      } catch (Exception e) {
        outcome.set("could not add a member: " + e);
      }
      out.println(outcome.get());
    }, "bench-add-member");
    t.setDaemon(true);
    t.start();
  }

  private RaftKvClient admin() {
    return RaftKvClient.builder().servers(cluster.clientAddresses()).build();
  }
}
