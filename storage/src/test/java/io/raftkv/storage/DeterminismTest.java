package io.raftkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.HardState;
import io.raftkv.storage.disk.SimulatedDisk;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The simulator relies on this: the same seed gives the same disk, crash for crash. */
class DeterminismTest {

  private static String run(long seed) throws Exception {
    SimulatedDisk disk = Fixtures.sim(seed);
    long next = 1;
    for (int round = 0; round < 8; round++) {
      RaftStorage s = Fixtures.open(disk, 1024);
      next = s.lastIndex() + 1;
      s.save(new HardState(round + 1, 1, 0), Fixtures.entries(next, next + 9, round + 1), null, true);
      // Unsynced entries and a segment roll in flight when the power goes.
      s.save(null, Fixtures.entries(next + 10, next + 40, round + 1), null, false);
      disk.crash();
    }
    StringBuilder fingerprint = new StringBuilder();
    for (String name : disk.list(Fixtures.DIR)) {
      fingerprint.append(name).append('=')
          .append(Arrays.hashCode(disk.contents(Fixtures.DIR.resolve(name)))).append('\n');
    }
    return fingerprint.toString();
  }

  @Test
  void when_the_same_seed_runs_twice_then_every_file_is_identical() throws Exception {
    java.util.Set<String> distinct = new java.util.HashSet<>();
    for (long seed = 0; seed < 10; seed++) {
      String first = run(seed);
      assertEquals(first, run(seed), "seed " + seed);
      distinct.add(first);
    }
    assertTrue(distinct.size() > 1, "different seeds crash differently");
  }
}
