package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.api.MemberRoles;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.Role;
import io.raftkv.api.v1.StatusResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A leader is elected only by a majority of the configured members. */
class ElectionQuorumTest {
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
  void when_3_of_7_are_up_then_no_leader_and_when_a_4th_starts_then_exactly_one() throws Exception {
    c = RealCluster.create(tmp, "ElectionQuorumTest", 7,
        RealCluster.QUICK_ELECTIONS);
    List<Integer> up = List.of(1, 2, 3);
    for (int id : up) {
      c.start(id);
    }
    // All three serve Status...
    for (int id : up) {
      c.await(Duration.ofSeconds(30), "server " + id + " to answer", () -> c.status(id));
    }
    // ...and for 3 s (at least 7 election timeouts of 200-400 ms) none of them sees a leader.
    long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    int polls = 0;
    while (System.nanoTime() < end) {
      for (int id : up) {
        Optional<StatusResponse> s = c.status(id);
        if (s.isPresent()) {
          polls++;
          assertEquals(0, s.get().getLeaderId(), "3 of 7 elected a leader:\n" + s.get());
          for (MemberStatus m : s.get().getMembersList()) {
            assertTrue(!MemberRoles.isLeader(m), "3 of 7 elected a leader:\n" + s.get());
          }
        }
      }
      Thread.sleep(150);
    }
    assertTrue(polls >= 9, "too few Status answers: " + polls);

    c.start(4);
    List<Integer> four = List.of(1, 2, 3, 4);
    int leader = c.awaitLeader(four, Duration.ofSeconds(30));
    assertTrue(four.contains(leader));
    StatusResponse s = c.status(leader).orElseThrow();
    long leaders = s.getMembersList().stream().filter(MemberRoles::isLeader).count();
    assertEquals(1, leaders, s.toString());
    for (MemberStatus m : s.getMembersList()) {
      if (m.getId() > 4) {
        assertEquals(Role.UNREACHABLE, m.getRaftRole(), s.toString());
      }
    }
  }
}
