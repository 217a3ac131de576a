package io.raftkv.storage.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimulatedDiskTest {
  private static final Path DIR = Path.of("/d");
  private static final Path FILE = DIR.resolve("f");

  private static SimulatedDisk disk(long seed) {
    SimulatedDisk d = new SimulatedDisk(new SplittableRandom(seed));
    d.createDirectories(DIR);
    return d;
  }

  private static byte[] bytes(int from, int count) {
    byte[] b = new byte[count];
    for (int i = 0; i < count; i++) {
      b[i] = (byte) (from + i + 1);
    }
    return b;
  }

  /** Creates FILE durably holding {@code synced}, then appends {@code unsynced} without a sync. */
  private static SimulatedDisk withUnsynced(long seed, byte[] synced, byte[] unsynced)
      throws IOException {
    SimulatedDisk d = disk(seed);
    try (DiskFile f = d.create(FILE)) {
      f.append(ByteBuffer.wrap(synced));
      f.sync();
      d.syncDirectory(DIR);
      f.append(ByteBuffer.wrap(unsynced));
    }
    return d;
  }

  @Test
  void when_crashing_then_synced_bytes_survive_and_unsynced_ones_survive_at_most_as_a_prefix()
      throws IOException {
    byte[] synced = bytes(0, 100);
    byte[] unsynced = bytes(100, 50);
    byte[] all = bytes(0, 150);
    int lostAll = 0;
    int torn = 0;
    for (long seed = 0; seed < 200; seed++) {
      SimulatedDisk d = withUnsynced(seed, synced, unsynced);
      d.crash();
      byte[] after = d.contents(FILE);
      assertTrue(after.length >= 100 && after.length <= 150, "seed " + seed);
      assertArrayEquals(Arrays.copyOf(all, after.length), after, "a prefix, seed " + seed);
      lostAll += after.length == 100 ? 1 : 0;
      torn += after.length > 100 && after.length < 150 ? 1 : 0;
    }
    assertTrue(lostAll > 0, "some crashes lose every unsynced byte");
    assertTrue(torn > 0, "some crashes tear the unsynced write");
  }

  @Test
  void when_synced_then_nothing_is_lost_in_a_crash() throws IOException {
    for (long seed = 0; seed < 20; seed++) {
      SimulatedDisk d = withUnsynced(seed, bytes(0, 10), bytes(10, 10));
      try (DiskFile f = d.open(FILE)) {
        f.sync();
      }
      d.crash();
      assertArrayEquals(bytes(0, 20), d.contents(FILE));
    }
  }

  @Test
  void when_a_created_file_is_not_in_a_synced_directory_then_a_crash_may_lose_its_name()
      throws IOException {
    int lost = 0;
    for (long seed = 0; seed < 50; seed++) {
      SimulatedDisk d = disk(seed);
      try (DiskFile f = d.create(FILE)) {
        f.append(ByteBuffer.wrap(bytes(0, 10)));
        f.sync();
      }
      d.crash();
      lost += d.exists(FILE) ? 0 : 1;
    }
    assertTrue(lost > 0);
    SimulatedDisk d = disk(1);
    d.create(FILE).close();
    d.syncDirectory(DIR);
    d.crash();
    assertTrue(d.exists(FILE));
  }

  @Test
  void when_renamed_without_directory_sync_then_a_crash_leaves_old_or_new_name_never_both()
      throws IOException {
    for (long seed = 0; seed < 30; seed++) {
      SimulatedDisk d = disk(seed);
      d.create(FILE).close();
      d.syncDirectory(DIR);
      d.rename(FILE, DIR.resolve("g"));
      d.crash();
      assertTrue(d.exists(FILE) ^ d.exists(DIR.resolve("g")), "seed " + seed);
    }
  }

  @Test
  void when_a_bit_is_flipped_then_reads_see_it_and_it_survives_a_crash() throws IOException {
    SimulatedDisk d = withUnsynced(3, bytes(0, 10), new byte[0]);
    d.flipBit(FILE, 4);
    byte[] after = d.contents(FILE);
    assertEquals(1, Integer.bitCount((after[4] ^ bytes(0, 10)[4]) & 0xff));
    d.crash();
    assertArrayEquals(after, d.contents(FILE));
  }

  @Test
  void when_a_sync_is_set_to_fail_then_it_throws_once_and_leaves_the_data_unsynced()
      throws IOException {
    SimulatedDisk d = withUnsynced(5, bytes(0, 10), bytes(10, 10));
    d.failNextSync(FILE);
    try (DiskFile f = d.open(FILE)) {
      assertThrows(IOException.class, f::sync);
    }
    // Whatever a crash keeps, it is not because the failed sync made it durable: some seeds lose it.
    int lost = 0;
    for (long seed = 0; seed < 30; seed++) {
      SimulatedDisk e = withUnsynced(seed, bytes(0, 10), bytes(10, 10));
      e.failNextSync(FILE);
      try (DiskFile f = e.open(FILE)) {
        assertThrows(IOException.class, f::sync);
      }
      e.crash();
      lost += e.contents(FILE).length == 10 ? 1 : 0;
    }
    assertTrue(lost > 0);
  }

  @Test
  void when_a_crash_happens_then_handles_opened_before_it_stop_working() throws IOException {
    SimulatedDisk d = withUnsynced(1, bytes(0, 4), new byte[0]);
    DiskFile f = d.open(FILE);
    d.crash();
    assertThrows(IOException.class, () -> f.append(ByteBuffer.wrap(bytes(0, 1))));
    assertFalse(d.list(DIR).isEmpty());
  }

  @Test
  void when_truncated_and_synced_then_the_shorter_file_is_durable() throws IOException {
    SimulatedDisk d = withUnsynced(9, bytes(0, 20), new byte[0]);
    try (DiskFile f = d.open(FILE)) {
      f.truncate(5);
      f.sync();
    }
    d.crash();
    assertArrayEquals(bytes(0, 5), d.contents(FILE));
  }
}
