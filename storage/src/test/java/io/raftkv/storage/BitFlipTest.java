package io.raftkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.HardState;
import io.raftkv.storage.disk.SimulatedDisk;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A node must never serve wrong data: a single flipped bit anywhere in any log segment, with every
 * entry committed, is always detected at recovery (seeded, so a failure replays). Damage in the
 * middle stops the node; damage the storage cuts from the end (the last record) makes it rejoin,
 * never start as a voter that lost an entry it acknowledged.
 */
class BitFlipTest {

  @Test
  void when_any_bit_of_a_committed_log_flips_then_recovery_refuses_or_rejoins() throws Exception {
    for (long seed = 0; seed < 300; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      SimulatedDisk disk = Fixtures.sim(seed);
      List<Entry> written = new ArrayList<>();
      try (RaftStorage s = Fixtures.open(disk, 1024)) {
        int count = 1 + random.nextInt(80);
        for (int i = 1; i <= count; i++) {
          byte[] data = new byte[random.nextInt(60)];
          random.nextBytes(data);
          written.add(new Entry(i, 1, EntryType.NORMAL, data));
        }
        s.save(new HardState(1, 0, count), written, null, true);
      }
      List<Path> segments = Fixtures.segments(disk);
      Path victim = segments.get(random.nextInt(segments.size()));
      long size = Fixtures.read(disk, victim).length;
      long offset = random.nextLong(size);
      disk.flipBit(victim, offset);
      String where = "seed " + seed + ": bit flipped in " + victim + " at " + offset;
      RaftStorage s;
      try {
        s = Fixtures.open(disk, 1024);
      } catch (CorruptStorageException e) {
        assertTrue(e.getMessage().contains("wipe this node's data directory"), where);
        continue;
      }
      try (s) {
        assertTrue(s.restoredState().rejoining(), where + ": started as a voter");
        assertTrue(s.lastIndex() < written.size(), where + ": nothing was cut");
        assertEquals(written.subList(0, (int) s.lastIndex()), s.restoredState().entries(), where);
      }
    }
  }

  @Test
  void when_an_entry_is_larger_than_allowed_then_nothing_of_its_batch_is_written() {
    SimulatedDisk disk = Fixtures.sim(3);
    StorageOptions small = new StorageOptions(4096, 100, () -> 1L);
    try (RaftStorage s = RaftStorage.open(disk, Fixtures.DIR, Fixtures.CLUSTER, 1, small)) {
      List<Entry> batch = List.of(Entry.normal(1, 1, new byte[10]), Entry.normal(2, 1, new byte[101]));
      assertThrows(IllegalArgumentException.class, () -> s.save(null, batch, null, true));
      assertEquals(0, s.lastIndex());
    }
  }
}
