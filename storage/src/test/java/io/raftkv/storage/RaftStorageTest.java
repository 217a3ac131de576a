package io.raftkv.storage;

import static io.raftkv.storage.Fixtures.DIR;
import static io.raftkv.storage.Fixtures.append;
import static io.raftkv.storage.Fixtures.entries;
import static io.raftkv.storage.Fixtures.open;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Ready;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.storage.disk.SimulatedDisk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The facade's contract: identity, Ready order, truncation, snapshots, failure. */
class RaftStorageTest {

  private final SimulatedDisk disk = Fixtures.sim(7);

  private static Snapshot snapshot(long index, long term) {
    return new Snapshot(new SnapshotMeta(index, term, List.of(1, 2, 3)), ("state@" + index).getBytes());
  }

  @Test
  void when_new_directory_then_restored_state_is_empty() {
    try (RaftStorage s = open(disk)) {
      assertEquals(HardState.EMPTY, s.restoredState().hardState());
      assertEquals(List.of(), s.restoredState().entries());
      assertNull(s.restoredState().snapshot());
      assertEquals(0, s.lastIndex());
    }
  }

  @Test
  void when_directory_belongs_to_another_node_then_start_is_refused() {
    open(disk).close();
    WrongDirectoryException e = assertThrows(WrongDirectoryException.class,
        () -> RaftStorage.open(disk, DIR, Fixtures.CLUSTER, 2, Fixtures.options(4096)));
    assertTrue(e.getMessage().contains("belongs to node 1 of cluster 'test-cluster'"), e.getMessage());
    assertTrue(e.getMessage().contains("not to node 2"), e.getMessage());
  }

  @Test
  void when_directory_belongs_to_another_cluster_then_start_is_refused() {
    open(disk).close();
    WrongDirectoryException e = assertThrows(WrongDirectoryException.class,
        () -> RaftStorage.open(disk, DIR, "other-cluster", 1, Fixtures.options(4096)));
    assertTrue(e.getMessage().contains("of cluster 'other-cluster'"), e.getMessage());
  }

  @Test
  void when_directory_has_files_but_no_identity_then_start_is_refused() throws Exception {
    disk.createDirectories(DIR);
    disk.create(DIR.resolve("somebody-elses.db")).close();
    WrongDirectoryException e = assertThrows(WrongDirectoryException.class, () -> open(disk));
    assertTrue(e.getMessage().contains("no IDENTITY"), e.getMessage());
  }

  @Test
  void when_the_identity_file_is_damaged_then_start_is_refused_as_corruption() throws Exception {
    open(disk).close();
    disk.flipBit(DIR.resolve(NodeIdentity.NAME), 30);
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(disk));
    assertEquals(DIR.resolve(NodeIdentity.NAME), e.file());
  }

  @Test
  void when_both_hard_state_slots_are_damaged_then_recovery_stops() throws Exception {
    open(disk).close();
    disk.flipBit(DIR.resolve(HardStateFile.NAME), 5);
    disk.flipBit(DIR.resolve(HardStateFile.NAME), 512 + 5);
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(disk));
    assertEquals(DIR.resolve(HardStateFile.NAME), e.file());
  }

  @Test
  void when_ready_is_persisted_then_entries_and_hard_state_survive_a_crash() {
    try (RaftStorage s = open(disk)) {
      List<Entry> entries = List.of(Entry.noop(1, 1), Entry.normal(2, 1, new byte[] {9}));
      s.persist(new Ready(null, new HardState(1, 2, 1), entries, null, List.of(), List.of(),
          List.of(), true));
    }
    disk.crash();
    try (RaftStorage s = open(disk)) {
      assertEquals(new HardState(1, 2, 1), s.restoredState().hardState());
      assertEquals(EntryType.NOOP, s.restoredState().entries().get(0).type());
      assertEquals(2, s.restoredState().entries().size());
    }
  }

  @Test
  void when_a_vote_is_saved_then_no_crash_can_take_it_back() {
    for (long seed = 0; seed < 50; seed++) {
      SimulatedDisk d = Fixtures.sim(seed);
      RaftStorage s = open(d);
      s.save(new HardState(5, 2, 0), List.of(), null, true);
      s.save(new HardState(5, 2, 0), List.of(), null, true);
      d.crash();
      assertEquals(new HardState(5, 2, 0), open(d).restoredState().hardState(), "seed " + seed);
    }
  }

  @Test
  void when_a_hard_state_write_is_interrupted_by_a_crash_then_the_old_or_new_state_is_read_whole() {
    HardState old = new HardState(3, 1, 0);
    HardState next = new HardState(4, 2, 0);
    int sawOld = 0;
    int sawNew = 0;
    for (long seed = 0; seed < 60; seed++) {
      SimulatedDisk d = Fixtures.sim(seed);
      RaftStorage s = open(d);
      s.save(old, List.of(), null, true);
      d.failNextSync(DIR.resolve(HardStateFile.NAME));
      assertThrows(StorageFailedException.class, () -> s.save(next, List.of(), null, true));
      d.crash();
      HardState got = open(d).restoredState().hardState();
      assertTrue(got.equals(old) || got.equals(next), "seed " + seed + ": " + got);
      sawOld += got.equals(old) ? 1 : 0;
      sawNew += got.equals(next) ? 1 : 0;
    }
    assertTrue(sawOld > 0 && sawNew > 0, "both outcomes occur: old " + sawOld + ", new " + sawNew);
  }

  /**
   * Thesis Figure 3.1: the commit index is volatile state. A Ready that syncs its entries writes
   * its commit index without a second fdatasync, so a crash may take the commit index back, but
   * never past the entries, which were synced before it was written. The term, in contrast, was
   * synced before the entries of its Ready.
   */
  @Test
  void when_a_syncing_ready_moves_only_the_commit_then_a_crash_may_lose_the_commit_not_the_log() {
    int lost = 0;
    for (long seed = 0; seed < 60; seed++) {
      SimulatedDisk d = Fixtures.sim(seed);
      RaftStorage s = open(d);
      long a = RaftStorage.COMMIT_WRITE_STRIDE; // commit-only changes are written per stride
      long b = 2 * a;
      Fixtures.appendWithCommit(s, 1, a, 1); // term 0 -> 1 synced first, then entries, commit a
      Fixtures.appendWithCommit(s, a + 1, b, 1); // commit a -> b only: written, not synced
      d.crash();
      try (RaftStorage r = open(d)) {
        HardState hs = r.restoredState().hardState();
        assertEquals(b, r.restoredState().entries().size(), "seed " + seed);
        assertEquals(1, hs.term(), "seed " + seed);
        assertTrue(List.of(0L, a, b).contains(hs.commit()), "seed " + seed + ": " + hs);
        lost += hs.commit() < b ? 1 : 0;
      }
    }
    assertTrue(lost > 0 && lost < 60, "both outcomes occur; the commit was lost in " + lost);
  }

  /**
   * A new term is durable before the entries of its Ready: if the hard-state sync fails, no log
   * may hold entries of a term beyond the recovered current term (a node could not restart).
   */
  @Test
  void when_the_sync_of_a_new_term_fails_then_no_entry_of_that_term_is_on_disk() {
    for (long seed = 0; seed < 60; seed++) {
      SimulatedDisk d = Fixtures.sim(seed);
      RaftStorage s = open(d);
      Fixtures.appendWithCommit(s, 1, 3, 1);
      d.failNextSync(DIR.resolve(HardStateFile.NAME));
      assertThrows(StorageFailedException.class,
          () -> s.save(new HardState(2, 0, 3), entries(4, 6, 2), null, true), "seed " + seed);
      d.crash();
      try (RaftStorage r = open(d)) {
        List<Entry> log = r.restoredState().entries();
        long lastTerm = log.isEmpty() ? 0 : log.get(log.size() - 1).term();
        assertTrue(lastTerm <= r.restoredState().hardState().term(), "seed " + seed + ": log "
            + log + " with " + r.restoredState().hardState());
      }
    }
  }

  /**
   * A write lost in a crash may leave its bytes in its slot; a later write with the same sequence
   * number, torn at the next crash, could complete them and revive a state recovery had passed
   * over (storage model test, seed 33). Modelled by damaging the newest slot and later undoing the
   * damage: opening the storage in between must have overwritten that slot.
   */
  @Test
  void when_a_lost_hard_state_write_left_bytes_behind_then_it_never_comes_back() throws Exception {
    try (RaftStorage s = open(disk)) {
      Fixtures.append(s, 1, 10, 1);
      s.save(new HardState(1, 1, 0), List.of(), null, true); // both slots, 512 first then 0
      s.save(new HardState(1, 1, 8), List.of(), null, true); // commit-only: slot 512 at close
    }
    Path file = DIR.resolve(HardStateFile.NAME);
    disk.flipBit(file, 512 + 30); // the newest write is lost: its slot fails its checksum
    try (RaftStorage s = open(disk)) {
      assertEquals(new HardState(1, 1, 0), s.restoredState().hardState());
    }
    disk.flipBit(file, 512 + 30); // the lost write's bytes complete again
    try (RaftStorage s = open(disk)) {
      assertEquals(new HardState(1, 1, 0), s.restoredState().hardState(),
          "a hard state recovery passed over must never come back");
    }
  }

  @Test
  void when_entries_conflict_with_a_stored_suffix_then_it_is_replaced_and_new_appends_follow() {
    try (RaftStorage s = open(disk, 1024)) {
      append(s, 1, 80, 1);
      assertTrue(s.segmentFileNames().size() > 2, "the conflict spans segments");
      Fixtures.enterTerm(s, 2);
      s.save(null, entries(20, 25, 2), null, true);
      assertEquals(25, s.lastIndex());
      append(s, 26, 30, 2);
    }
    disk.crash();
    try (RaftStorage s = open(disk, 1024)) {
      List<Entry> expected = new ArrayList<>(entries(1, 19, 1));
      expected.addAll(entries(20, 30, 2));
      assertEquals(expected, s.restoredState().entries());
    }
  }

  @Test
  void when_entries_leave_a_gap_then_they_are_rejected() {
    try (RaftStorage s = open(disk)) {
      append(s, 1, 3, 1);
      assertThrows(IllegalArgumentException.class, () -> append(s, 5, 6, 1));
    }
  }

  @Test
  void when_compacted_then_segments_wholly_below_the_snapshot_are_released() throws Exception {
    List<String> before;
    try (RaftStorage s = open(disk, 1024)) {
      append(s, 1, 100, 1);
      before = s.segmentFileNames();
      s.compact(snapshot(60, 1));
      assertTrue(s.firstIndex() <= 61 && s.firstIndex() > 1, "first index " + s.firstIndex());
      assertTrue(s.segmentFileNames().size() < before.size());
    }
    disk.crash();
    try (RaftStorage s = open(disk, 1024)) {
      assertEquals(60, s.restoredState().snapshot().meta().index());
      assertEquals(entries(61, 100, 1), s.restoredState().entries());
      assertEquals(60, s.restoredState().applied());
      for (String name : before) {
        SegmentName n = SegmentName.parse(name);
        boolean kept = disk.exists(DIR.resolve(name));
        assertEquals(kept, s.segmentFileNames().contains(name));
        if (!kept) {
          assertTrue(n.firstIndex() <= 60, name);
        }
      }
      append(s, 101, 101, 1);
    }
  }

  @Test
  void when_a_newer_snapshot_is_durable_then_older_ones_and_temporaries_are_removed()
      throws Exception {
    try (RaftStorage s = open(disk, 1024)) {
      append(s, 1, 50, 1);
      s.compact(snapshot(10, 1));
      s.compact(snapshot(30, 1));
    }
    disk.create(DIR.resolve(SnapshotStore.fileName(40, 1) + ".tmp")).close();
    try (RaftStorage s = open(disk, 1024)) {
      assertEquals(30, s.restoredState().snapshot().meta().index());
      assertEquals("state@30", new String(s.restoredState().snapshot().data().readAllBytes()));
      assertEquals(List.of(1, 2, 3), s.restoredState().snapshot().meta().voters());
    }
    List<String> snaps = disk.list(DIR).stream().filter(n -> n.startsWith("snap-")).toList();
    assertEquals(List.of(SnapshotStore.fileName(30, 1)), snaps);
  }

  @Test
  void when_a_snapshot_file_is_damaged_then_recovery_stops() throws Exception {
    try (RaftStorage s = open(disk, 1024)) {
      append(s, 1, 20, 1);
      s.compact(snapshot(10, 1));
    }
    Path snap = DIR.resolve(SnapshotStore.fileName(10, 1));
    disk.flipBit(snap, 30);
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(disk, 1024));
    assertEquals(snap, e.file());
  }

  @Test
  void when_a_snapshot_from_the_leader_conflicts_with_the_log_then_the_log_is_replaced() {
    try (RaftStorage s = open(disk, 1024)) {
      append(s, 1, 40, 1);
      s.persist(new Ready(null, new HardState(3, 0, 50), entries(51, 55, 3), snapshot(50, 2),
          List.of(), List.of(), List.of(), true));
      assertEquals(51, s.firstIndex());
    }
    disk.crash();
    try (RaftStorage s = open(disk, 1024)) {
      assertEquals(50, s.restoredState().snapshot().meta().index());
      assertEquals(entries(51, 55, 3), s.restoredState().entries());
    }
  }

  @Test
  void when_a_snapshot_matches_the_log_then_entries_after_it_are_kept() {
    try (RaftStorage s = open(disk, 1024)) {
      append(s, 1, 40, 1);
      s.persist(new Ready(null, null, List.of(), snapshot(30, 1), List.of(), List.of(), List.of(),
          true));
      assertEquals(40, s.lastIndex());
    }
    try (RaftStorage s = open(disk, 1024)) {
      assertEquals(entries(31, 40, 1), s.restoredState().entries());
    }
  }

  @Test
  void when_a_sync_fails_then_the_storage_fails_permanently_and_never_retries() throws Exception {
    RaftStorage s = open(disk);
    append(s, 1, 2, 1);
    Path seg = Fixtures.segment(s, 0);
    disk.failNextSync(seg);
    StorageFailedException first =
        assertThrows(StorageFailedException.class, () -> append(s, 3, 3, 1));
    assertTrue(first.getMessage().contains(seg.toString()), first.getMessage());
    // The next sync would succeed on this disk; the storage must not try it.
    assertThrows(StorageFailedException.class, () -> append(s, 3, 3, 1));
    assertThrows(StorageFailedException.class, () -> append(s, 4, 4, 1));
    assertThrows(StorageFailedException.class,
        () -> s.save(new HardState(2, 1, 0), List.of(), null, true));
    assertThrows(StorageFailedException.class, () -> s.compact(snapshot(1, 1)));
    s.close();
    disk.crash();
    try (RaftStorage again = open(disk)) {
      assertEquals(entries(1, 2, 1), again.restoredState().entries().subList(0, 2));
    }
  }

  @Test
  void when_a_directory_sync_fails_while_starting_a_segment_then_the_storage_fails() {
    try (RaftStorage s = open(disk, 1024)) {
      append(s, 1, 5, 1);
      disk.failNextSync(DIR);
      StorageFailedException e =
          assertThrows(StorageFailedException.class, () -> append(s, 6, 60, 1));
      assertTrue(e.getMessage().contains("not retried"), e.getMessage());
      assertThrows(StorageFailedException.class, () -> append(s, 6, 6, 1));
    }
    disk.crash();
    try (RaftStorage s = open(disk, 1024)) {
      assertEquals(entries(1, 5, 1), s.restoredState().entries().subList(0, 5));
    }
  }

  @Test
  void when_only_the_commit_changes_then_it_is_written_but_a_crash_may_lose_it() {
    try (RaftStorage s = open(disk)) {
      Fixtures.appendWithCommit(s, 1, 5, 1);
      s.save(new HardState(1, 0, 5), List.of(), null, false);
    }
    disk.crash();
    try (RaftStorage s = open(disk)) {
      HardState hs = s.restoredState().hardState();
      assertEquals(1, hs.term());
      assertFalse(hs.commit() > 5);
    }
  }

  @Test
  void commit_only_changes_are_written_once_per_stride_and_at_close() throws IOException {
    Path file = Fixtures.DIR.resolve(HardStateFile.NAME);
    long stride = RaftStorage.COMMIT_WRITE_STRIDE;
    try (RaftStorage s = open(disk)) {
      s.save(new HardState(1, 0, 0), entries(1, stride + 10, 1), null, true);
      byte[] before = disk.contents(file);
      s.save(new HardState(1, 0, 5), List.of(), null, false);
      assertArrayEquals(before, disk.contents(file),
          "a commit advance within the stride is not written");
      s.save(new HardState(1, 0, stride + 2), List.of(), null, false);
      byte[] afterStride = disk.contents(file);
      assertFalse(Arrays.equals(before, afterStride), "an advance of a whole stride is written");
      s.save(new HardState(1, 0, stride + 9), List.of(), null, false);
      assertArrayEquals(afterStride, disk.contents(file));
    }
    try (RaftStorage s = open(disk)) {
      assertEquals(new HardState(1, 0, stride + 9), s.restoredState().hardState(),
          "close writes the latest commit index");
    }
  }
}
