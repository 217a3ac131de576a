package io.raftkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.HardState;
import io.raftkv.storage.disk.SimulatedDisk;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node never votes twice in a term, whatever one damaged or torn hard state slot says: a damaged
 * slot is recovered exactly from the other, a torn save recovers its old or new state, and what
 * cannot be told apart is refused, naming file, offset and repair.
 */
class HardStateDamageTest {
  private static final Path FILE = Fixtures.DIR.resolve(HardStateFile.NAME);
  private static final int SLOT_BYTES = 36;
  private static final int[] SLOTS = {0, 512};

  /** Saves {@code older} then {@code newest}, flips a bit at every byte of either slot. */
  private static void everyFlipRecoversExactly(HardState older, HardState newest) {
    for (int slot : SLOTS) {
      for (int at = 0; at < SLOT_BYTES; at++) {
        SimulatedDisk disk = Fixtures.sim(slot + at);
        try (RaftStorage s = Fixtures.open(disk)) {
          s.save(older, List.of(), null, true);
          s.save(newest, List.of(), null, true);
        }
        String where = "bit flipped at offset " + (slot + at);
        try {
          disk.flipBit(FILE, slot + at);
        } catch (java.io.IOException e) {
          throw new AssertionError(e);
        }
        try (RaftStorage s = Fixtures.open(disk)) {
          assertEquals(newest, s.restoredState().hardState(), where);
        }
      }
    }
  }

  @Test
  void when_the_slot_with_the_newest_term_is_damaged_then_the_other_holds_the_same_state() {
    everyFlipRecoversExactly(new HardState(1, 1, 0), new HardState(2, 3, 0));
  }

  @Test
  void when_the_slot_with_the_vote_is_damaged_then_the_vote_is_never_lost() {
    everyFlipRecoversExactly(new HardState(5, 0, 0), new HardState(5, 2, 0));
  }

  @Test
  void when_a_slot_is_damaged_after_a_commit_only_write_then_term_and_vote_survive()
      throws Exception {
    for (int slot : SLOTS) {
      SimulatedDisk disk = Fixtures.sim(slot);
      try (RaftStorage s = Fixtures.open(disk)) {
        s.save(new HardState(4, 2, 0), Fixtures.entries(1, 3, 4), null, true);
        s.save(new HardState(4, 2, 3), List.of(), null, false); // written at close, one slot
      }
      disk.flipBit(FILE, slot + 20);
      try (RaftStorage s = Fixtures.open(disk)) {
        HardState hs = s.restoredState().hardState();
        assertEquals(4, hs.term(), "slot " + slot);
        assertEquals(2, hs.vote(), "slot " + slot);
      }
    }
  }

  /**
   * A crash at any point of a term/vote save (the first slot's write lost, torn or kept; the same
   * for the second) recovers the old or the new state, and a save that returned is never lost.
   */
  @Test
  void when_a_save_is_torn_at_any_point_then_the_old_or_new_state_is_recovered() {
    HardState old = new HardState(3, 1, 0);
    HardState next = new HardState(4, 2, 0);
    int[] outcomes = new int[2];
    for (int failing = 1; failing <= 3; failing++) {
      for (long seed = 0; seed < 40; seed++) {
        SimulatedDisk d = Fixtures.sim(seed);
        RaftStorage s = Fixtures.open(d);
        s.save(old, List.of(), null, true);
        d.failSync(FILE, failing); // the third sync is past the save: it returns
        boolean returned = true;
        try {
          s.save(next, List.of(), null, true);
        } catch (StorageFailedException e) {
          returned = false;
        }
        d.clearSyncFailures();
        d.crash();
        HardState got = Fixtures.open(d).restoredState().hardState();
        String where = "sync " + failing + " failing, seed " + seed + ": " + got;
        assertTrue(got.equals(next) || (!returned && got.equals(old)), where);
        outcomes[got.equals(old) ? 0 : 1]++;
      }
    }
    assertTrue(outcomes[0] > 0 && outcomes[1] > 0, "both outcomes occur");
  }

  /**
   * A crash after the first slot of a change was synced leaves the slots holding two states; a
   * later flip in either recovers one of them: the newer was durable, the older the last one the
   * save could have promised (it never returned). If the crash also tore the second slot's write,
   * both slots are bad (two faults) and recovery must refuse.
   */
  @Test
  void when_a_slot_is_damaged_after_an_unfinished_save_then_no_state_older_than_the_last_is_used()
      throws Exception {
    HardState old = new HardState(6, 1, 0);
    HardState next = new HardState(7, 3, 0);
    int recovered = 0;
    for (int slot : SLOTS) {
      for (long seed = 0; seed < 20; seed++) {
        SimulatedDisk d = Fixtures.sim(seed);
        RaftStorage s = Fixtures.open(d);
        s.save(old, List.of(), null, true);
        d.failSync(FILE, 2);
        assertThrows(StorageFailedException.class, () -> s.save(next, List.of(), null, true));
        d.crash();
        d.flipBit(FILE, slot + 12);
        String where = "slot " + slot + ", seed " + seed;
        try (RaftStorage r = Fixtures.open(d)) {
          HardState got = r.restoredState().hardState();
          assertTrue(got.equals(old) || got.equals(next), where + ": " + got);
          recovered++;
        } catch (CorruptStorageException e) {
          assertTrue(e.getMessage().contains("both hard state slots fail"), where + ": " + e);
        }
      }
    }
    assertTrue(recovered > 20, "mostly one slot is bad and is recovered: " + recovered);
  }

  /** A slot as the older one-slot format ("RKVH") wrote it. */
  private static byte[] legacySlot(int seed, long seq, HardState hs) {
    ByteBuffer b = ByteBuffer.allocate(SLOT_BYTES);
    b.putInt(0x524B5648).putLong(seq).putLong(hs.term()).putInt(hs.vote()).putLong(hs.commit());
    b.putInt(Checksums.of(seed, b.array(), 0, SLOT_BYTES - 4));
    return b.array();
  }

  @Test
  void when_a_file_of_the_older_format_has_one_bad_slot_then_recovery_refuses_naming_it()
      throws Exception {
    SimulatedDisk disk = Fixtures.sim(1);
    Fixtures.open(disk).close();
    int seed = Fixtures.seed(disk);
    Fixtures.write(disk, FILE, 0, legacySlot(seed, 7, new HardState(2, 0, 0)));
    Fixtures.write(disk, FILE, 512, legacySlot(seed, 8, new HardState(2, 3, 0)));
    try (RaftStorage s = Fixtures.open(disk)) {
      assertEquals(new HardState(2, 3, 0), s.restoredState().hardState(), "both valid: newest");
    }
    // Written by the older code again; then its newest slot is damaged.
    Fixtures.write(disk, FILE, 0, legacySlot(seed, 7, new HardState(2, 0, 0)));
    Fixtures.write(disk, FILE, 512, legacySlot(seed, 8, new HardState(2, 3, 0)));
    disk.flipBit(FILE, 512 + 25);
    CorruptStorageException e =
        assertThrows(CorruptStorageException.class, () -> Fixtures.open(disk));
    assertEquals(FILE, e.file());
    assertEquals(512, e.offsetBytes());
    assertTrue(e.getMessage().contains("wipe this node's data directory"), e.getMessage());
  }

  @Test
  void when_the_log_is_of_a_newer_term_than_the_hard_state_then_recovery_refuses_naming_it()
      throws Exception {
    SimulatedDisk disk = Fixtures.sim(2);
    try (RaftStorage s = Fixtures.open(disk)) {
      Fixtures.append(s, 1, 4, 2);
    }
    int seed = Fixtures.seed(disk);
    // Hard state of term 1 in both slots, as if the term-2 state had been lost.
    Fixtures.write(disk, FILE, 0, legacySlot(seed, 100, new HardState(1, 1, 0)));
    Fixtures.write(disk, FILE, 512, legacySlot(seed, 101, new HardState(1, 1, 0)));
    CorruptStorageException e =
        assertThrows(CorruptStorageException.class, () -> Fixtures.open(disk));
    assertEquals(FILE, e.file());
    assertTrue(e.getMessage().contains("current term 1 is below the restored log's last term 2"),
        e.getMessage());
  }
}
