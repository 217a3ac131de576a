package io.raftkv.storage;

import static io.raftkv.storage.Fixtures.DIR;
import static io.raftkv.storage.Fixtures.append;
import static io.raftkv.storage.Fixtures.entries;
import static io.raftkv.storage.Fixtures.open;
import static io.raftkv.storage.Fixtures.read;
import static io.raftkv.storage.Fixtures.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.Entry;
import io.raftkv.storage.disk.SimulatedDisk;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per recovery rule, each planting the damaged bytes explicitly. */
class WalRecoveryTest {

  private final SimulatedDisk disk = Fixtures.sim(1);

  /** Writes entries 1..3 in term 1, closes, and returns the single segment's path. */
  private Path threeEntries() {
    try (RaftStorage s = open(disk)) {
      append(s, 1, 3, 1);
      return Fixtures.segment(s, 0);
    }
  }

  private int lastCrc(Path segment) throws Exception {
    byte[] bytes = read(disk, segment);
    int off = 32;
    int crc = 0;
    while (off < bytes.length) {
      ByteBuffer b = ByteBuffer.wrap(bytes, off, 8);
      int len = b.getInt();
      crc = b.getInt();
      off += 8 + len;
    }
    return crc;
  }

  @Test
  void when_last_record_is_partial_then_it_is_cut_kept_aside_and_the_log_accepts_new_appends()
      throws Exception {
    Path seg = threeEntries();
    long goodSize = read(disk, seg).length;
    byte[] next = record(lastCrc(seg), 4, 1, "torn".getBytes(StandardCharsets.UTF_8));
    byte[] torn = Arrays.copyOf(next, next.length - 3);
    Fixtures.appendBytes(disk, seg, torn);

    try (RaftStorage s = open(disk)) {
      assertEquals(entries(1, 3, 1), s.restoredState().entries());
      assertEquals(goodSize, read(disk, seg).length);
      Path side = DIR.resolve(seg.getFileName() + ".cut-at-" + goodSize);
      assertArrayEquals(torn, read(disk, side));
      append(s, 4, 5, 2);
    }
    try (RaftStorage s = open(disk)) {
      List<Entry> expected = new java.util.ArrayList<>(entries(1, 3, 1));
      expected.addAll(entries(4, 5, 2));
      assertEquals(expected, s.restoredState().entries());
    }
  }

  @Test
  void when_tail_is_shorter_than_a_record_header_then_it_is_cut() throws Exception {
    Path seg = threeEntries();
    Fixtures.appendBytes(disk, seg, new byte[] {0, 0, 0, 42, 7});
    try (RaftStorage s = open(disk)) {
      assertEquals(3, s.lastIndex());
    }
  }

  @Test
  void when_tail_is_zero_filled_then_it_is_cut() throws Exception {
    Path seg = threeEntries();
    Fixtures.appendBytes(disk, seg, new byte[100]);
    try (RaftStorage s = open(disk)) {
      assertEquals(3, s.lastIndex());
    }
  }

  @Test
  void when_complete_last_record_fails_its_checksum_then_it_is_treated_as_torn_and_cut()
      throws Exception {
    Path seg = threeEntries();
    byte[] bytes = read(disk, seg);
    bytes[bytes.length - 1] ^= 1;
    Fixtures.write(disk, seg, 0, bytes);
    try (RaftStorage s = open(disk)) {
      assertEquals(entries(1, 2, 1), s.restoredState().entries());
    }
  }

  @Test
  void when_a_middle_record_fails_its_checksum_then_recovery_stops_naming_file_offset_and_repair()
      throws Exception {
    Path seg = threeEntries();
    byte[] bytes = read(disk, seg);
    int second = 32 + record(0, 1, 1, "value-1-1".getBytes(StandardCharsets.UTF_8)).length;
    disk.flipBit(seg, second + 20);

    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(disk));
    assertEquals(seg, e.file());
    assertEquals(second, e.offsetBytes());
    assertTrue(e.getMessage().contains(seg.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("offset " + second), e.getMessage());
    assertTrue(e.getMessage().contains("wipe this node's data directory"), e.getMessage());
    assertEquals(bytes.length, read(disk, seg).length, "nothing is cut when the damage is not a tear");
  }

  @Test
  void when_a_middle_records_length_is_damaged_to_run_past_the_end_then_it_is_not_taken_for_a_tear()
      throws Exception {
    // Found by the simulator: a flipped bit in the length field of the second of three records
    // made it "run past the end of the file", the shape of a torn tail, and recovery cut records
    // 2 and 3, which had been acknowledged. The intact record 3 behind it gives the damage away.
    Path seg = threeEntries();
    byte[] bytes = read(disk, seg);
    int second = 32 + record(0, 1, 1, "value-1-1".getBytes(StandardCharsets.UTF_8)).length;
    Fixtures.write(disk, seg, second, new byte[] {0, 0, 2, 0}); // length 512: beyond the end
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(disk));
    assertEquals(second, e.offsetBytes());
    assertTrue(e.getMessage().contains("length field is damaged"), e.getMessage());
    assertEquals(bytes.length, read(disk, seg).length, "nothing is cut when the damage is not a tear");
  }

  @Test
  void when_the_last_records_length_runs_past_the_end_with_nothing_behind_it_then_it_is_a_tear()
      throws Exception {
    Path seg = threeEntries();
    byte[] bytes = read(disk, seg);
    int third = 32 + 2 * record(0, 1, 1, "value-1-1".getBytes(StandardCharsets.UTF_8)).length;
    Fixtures.write(disk, seg, third, new byte[] {0, 0, 2, 0});
    try (RaftStorage s = open(disk)) {
      assertEquals(2, s.lastIndex());
    }
    assertEquals(third, read(disk, seg).length);
    assertTrue(bytes.length > third);
  }

  @Test
  void when_a_record_length_is_impossible_then_recovery_stops_even_in_the_last_record()
      throws Exception {
    Path seg = threeEntries();
    Fixtures.write(disk, seg, 32, new byte[] {(byte) 0x7f, 0, 0, 0});
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(disk));
    assertEquals(32, e.offsetBytes());
  }

  @Test
  void when_an_earlier_segment_has_a_torn_tail_then_recovery_stops() throws Exception {
    Path first;
    try (RaftStorage s = open(disk, 1024)) {
      append(s, 1, 60, 1);
      assertTrue(s.segmentFileNames().size() >= 2);
      first = Fixtures.segment(s, 0);
    }
    byte[] bytes = read(disk, first);
    Fixtures.truncate(disk, first, bytes.length - 5);
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(disk, 1024));
    assertEquals(first, e.file());
    assertTrue(e.getMessage().contains("not the last"), e.getMessage());
  }

  @Test
  void when_a_middle_segment_is_missing_then_recovery_stops_naming_it() throws Exception {
    List<String> names;
    try (RaftStorage s = open(disk, 1024)) {
      append(s, 1, 100, 1);
      names = s.segmentFileNames();
    }
    assertTrue(names.size() >= 3);
    disk.delete(DIR.resolve(names.get(1)));
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(disk, 1024));
    assertEquals(DIR.resolve(names.get(2)), e.file());
    assertTrue(e.getMessage().contains("segment number 2 is missing"), e.getMessage());
  }

  @Test
  void when_a_record_skips_an_index_then_recovery_reports_a_gap() throws Exception {
    open(disk).close();
    int seed = Fixtures.seed(disk);
    // Replace the (empty) first segment by one holding indexes 1, 2, 4, each validly chained.
    Path seg = DIR.resolve(Fixtures.segmentName(1, 1));
    byte[] r1 = record(seed, 1, 1, new byte[] {1});
    byte[] r2 = record(Fixtures.crcOf(r1), 2, 1, new byte[] {2});
    byte[] r4 = record(Fixtures.crcOf(r2), 4, 1, new byte[] {4});
    Fixtures.truncate(disk, seg, 32);
    Fixtures.appendBytes(disk, seg, concat(r1, r2, r4));
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(disk));
    assertEquals(32 + r1.length + r2.length, e.offsetBytes());
    assertTrue(e.getMessage().contains("expected index 3 but found 4"), e.getMessage());
  }

  @Test
  void when_the_next_segment_does_not_start_where_the_previous_ends_then_recovery_reports_a_gap()
      throws Exception {
    Path seg = threeEntries();
    int seed = Fixtures.seed(disk);
    Path second = DIR.resolve(Fixtures.segmentName(2, 5));
    disk.create(second).close();
    Fixtures.appendBytes(disk, second, Fixtures.header(seed, 2, 5, lastCrc(seg)));
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(disk));
    assertEquals(second, e.file());
    assertTrue(e.getMessage().contains("gap in the log"), e.getMessage());
  }

  @Test
  void when_a_valid_record_is_placed_where_the_chain_does_not_lead_then_it_is_rejected()
      throws Exception {
    Path seg = threeEntries();
    byte[] bytes = read(disk, seg);
    int r1 = record(0, 1, 1, "value-1-1".getBytes(StandardCharsets.UTF_8)).length;
    int recordLength = r1;
    // Record 2, self-consistent but checksummed from a chain value of another log (0 here), put
    // in place of the genuine record 2: only the chain can tell them apart.
    byte[] foreign = record(0, 2, 1, "value-2-1".getBytes(StandardCharsets.UTF_8));
    assertEquals(recordLength, foreign.length);
    Fixtures.write(disk, seg, 32 + r1, foreign);
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(disk));
    assertEquals(32 + r1, e.offsetBytes());
    assertEquals(bytes.length, read(disk, seg).length);
  }

  @Test
  void when_a_record_is_copied_from_another_nodes_log_then_it_is_rejected() throws Exception {
    Path seg = threeEntries();
    SimulatedDisk other = Fixtures.sim(2);
    Path otherSeg;
    try (RaftStorage s = RaftStorage.open(other, DIR, Fixtures.CLUSTER, 2, Fixtures.options(4096))) {
      append(s, 1, 3, 1);
      otherSeg = Fixtures.segment(s, 0);
    }
    byte[] theirs = read(other, otherSeg);
    byte[] ours = read(disk, seg);
    assertEquals(ours.length, theirs.length, "same entries, same layout");
    int r1 = record(0, 1, 1, "value-1-1".getBytes(StandardCharsets.UTF_8)).length;
    Fixtures.write(disk, seg, 32 + r1, Arrays.copyOfRange(theirs, 32 + r1, 32 + 2 * r1));
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(disk));
    assertEquals(32 + r1, e.offsetBytes());

    // A whole segment file from the other node fails on its header.
    Fixtures.write(disk, seg, 0, theirs);
    e = assertThrows(CorruptStorageException.class, () -> open(disk));
    assertEquals(0, e.offsetBytes());
    assertTrue(e.getMessage().contains("bad segment header"), e.getMessage());
  }

  @Test
  void when_the_hard_state_commit_is_beyond_the_recovered_log_then_the_node_rejoins()
      throws Exception {
    Path seg;
    try (RaftStorage s = open(disk)) {
      Fixtures.appendWithCommit(s, 1, 3, 1);
      seg = Fixtures.segment(s, 0);
    }
    // Damage to the committed last record: recovery cuts it, and the hard state shows it was
    // committed, so the node may have acknowledged it. It starts rejoining (issue 12.A): it will
    // not vote or count toward a quorum until a leader has caught it up.
    byte[] bytes = read(disk, seg);
    disk.flipBit(seg, bytes.length - 1);
    try (RaftStorage s = open(disk)) {
      assertTrue(s.restoredState().rejoining());
      assertEquals(2, s.lastIndex());
      assertEquals(2, s.restoredState().hardState().commit(), "commit lowered to the log's end");
      String why = new String(read(disk, DIR.resolve(RejoinMark.NAME)),
          java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(why.contains("says 3 is committed"), why);
      assertTrue(why.contains("index 3"), why);
    }
    try (RaftStorage s = open(disk)) {
      assertTrue(s.restoredState().rejoining(), "the mark survives restarts until rejoined");
      s.persist(new io.raftkv.raft.Ready(null, new io.raftkv.raft.HardState(2, 1, 2), java.util.List.of(), null,
          java.util.List.of(), java.util.List.of(), java.util.List.of(), java.util.List.of(), true,
          true));
    }
    try (RaftStorage s = open(disk)) {
      assertTrue(!s.restoredState().rejoining(), "a Ready that rejoined clears the mark");
      assertEquals(1, s.restoredState().hardState().vote());
    }
  }

  @Test
  void when_a_torn_write_is_cut_then_the_node_does_not_rejoin() throws Exception {
    Path seg;
    try (RaftStorage s = open(disk)) {
      Fixtures.append(s, 1, 3, 1);
      seg = Fixtures.segment(s, 0);
    }
    byte[] bytes = read(disk, seg);
    Fixtures.truncate(disk, seg, bytes.length - 3); // a prefix of the last write: it never returned
    try (RaftStorage s = open(disk)) {
      assertEquals(2, s.lastIndex());
      assertTrue(!s.restoredState().rejoining(), "an unsynced write was never acknowledged");
    }
  }

  @Test
  void when_an_empty_directory_joins_an_existing_cluster_then_it_rejoins_until_told_otherwise() {
    StorageOptions join = Fixtures.options(4096).withJoinExisting(true);
    try (RaftStorage s = RaftStorage.open(disk, DIR, Fixtures.CLUSTER, 1, join)) {
      assertTrue(s.restoredState().rejoining());
    }
    // A directory with data ignores the choice: it is what it is.
    try (RaftStorage s = open(disk)) {
      assertTrue(s.restoredState().rejoining());
    }
    SimulatedDisk fresh = Fixtures.sim(11);
    try (RaftStorage s = RaftStorage.open(fresh, DIR, Fixtures.CLUSTER, 1, Fixtures.options(4096))) {
      assertTrue(!s.restoredState().rejoining(), "a new cluster's member votes from the start");
    }
  }

  @Test
  void when_the_last_segment_lost_its_header_in_a_crash_then_it_is_removed() throws Exception {
    threeEntries();
    Path second = DIR.resolve(Fixtures.segmentName(2, 4));
    disk.create(second).close();
    Fixtures.appendBytes(disk, second, new byte[] {0x52, 0x4B});
    try (RaftStorage s = open(disk)) {
      assertEquals(3, s.lastIndex());
      assertTrue(!disk.exists(second));
      append(s, 4, 4, 1);
    }
    try (RaftStorage s = open(disk)) {
      assertEquals(4, s.lastIndex());
    }
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }
}
