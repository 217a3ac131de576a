package io.raftkv.storage;

import static io.raftkv.storage.Fixtures.DIR;
import static io.raftkv.storage.Fixtures.append;
import static io.raftkv.storage.Fixtures.open;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.storage.disk.Disk;
import io.raftkv.storage.disk.DiskFile;
import io.raftkv.storage.disk.FileChannelDisk;
import io.raftkv.storage.disk.SimulatedDisk;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots streamed into their file and read back on demand: what the storage hands out reads the
 * exact bytes, and every way the file can change under a reader (replaced by a newer snapshot
 * before or during a read, damaged, rewritten) ends in a clear error or in the right bytes, never
 * in other bytes.
 */
class SnapshotFileTest {
  private static final List<Integer> VOTERS = List.of(1, 2, 3);

  private final SimulatedDisk disk = Fixtures.sim(11);

  @TempDir
  Path tmp;

  private static byte[] data(int size, long seed) {
    byte[] b = new byte[size];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  /** Takes a snapshot at {@code index} whose data is streamed by a writer, as the server does. */
  private static Snapshot take(RaftStorage s, long index, byte[] data) {
    return s.compact(new SnapshotMeta(index, 1, VOTERS), data.length, out -> {
      for (int at = 0; at < data.length; at += 7919) { // uneven pieces, as an encoder writes
        out.write(data, at, Math.min(7919, data.length - at));
      }
    });
  }

  @Test
  void when_a_snapshot_is_streamed_in_then_the_handle_and_a_restart_read_exactly_its_bytes()
      throws IOException {
    byte[] data = data(3_000_001, 1); // several write buffers, not a multiple of any
    Snapshot taken;
    try (RaftStorage s = open(disk, 1 << 20)) {
      append(s, 1, 20, 1);
      taken = take(s, 10, data);
      assertEquals(data.length, taken.data().sizeBytes());
      assertArrayEquals(data, taken.data().readAllBytes());
      assertEquals(taken, s.snapshot());
    }
    try (RaftStorage s = open(disk, 1 << 20)) {
      Snapshot restored = s.restoredState().snapshot();
      assertEquals(new SnapshotMeta(10, 1, VOTERS), restored.meta());
      assertArrayEquals(data, restored.data().readAllBytes());
      assertArrayEquals(data, restored.data().readAllBytes()); // every open starts afresh
    }
  }

  @Test
  void when_the_writer_writes_another_length_than_declared_then_refused_and_no_file_is_kept()
      throws IOException {
    try (RaftStorage s = open(disk, 1024)) {
      append(s, 1, 20, 1);
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> s.compact(new SnapshotMeta(10, 1, VOTERS), 5, out -> out.write(new byte[4])));
      assertTrue(e.getMessage().contains("wrote 4 bytes but declared 5"), e.getMessage());
      assertTrue(disk.list(DIR).stream().noneMatch(n -> n.startsWith("snap-")), disk.list(DIR)
          .toString());
      take(s, 10, data(100, 2)); // the storage is not failed
    }
  }

  @Test
  void when_a_newer_snapshot_replaced_the_file_before_a_read_then_open_fails_saying_so()
      throws IOException {
    try (RaftStorage s = open(disk, 1024)) {
      append(s, 1, 30, 1);
      Snapshot old = take(s, 10, data(5000, 3));
      Snapshot newer = take(s, 20, data(6000, 4));
      IOException e = assertThrows(IOException.class, () -> old.data().open());
      assertTrue(e.getMessage().contains(SnapshotStore.fileName(10, 1)), e.getMessage());
      assertTrue(e.getMessage().contains("is gone: a newer snapshot replaced it"), e.getMessage());
      assertArrayEquals(data(6000, 4), newer.data().readAllBytes());
    }
  }

  @Test
  void when_a_newer_snapshot_replaces_the_file_during_a_read_then_the_reader_still_gets_the_old_bytes()
      throws IOException {
    readerSurvivesReplacement(disk, DIR);
  }

  @Test
  void when_a_real_file_is_replaced_during_a_read_then_the_reader_still_gets_the_old_bytes()
      throws IOException {
    readerSurvivesReplacement(new FileChannelDisk(), tmp.resolve("node-1"));
  }

  private static void readerSurvivesReplacement(Disk disk, Path dir) throws IOException {
    byte[] oldData = data(2_500_000, 5);
    try (RaftStorage s = RaftStorage.open(disk, dir, Fixtures.CLUSTER, 1, Fixtures.options(1024))) {
      append(s, 1, 30, 1);
      Snapshot old = take(s, 10, oldData);
      byte[] read = new byte[oldData.length];
      try (InputStream in = old.data().open()) {
        int first = in.readNBytes(read, 0, 1000);
        take(s, 20, data(100, 6)); // deletes the old file while it is open
        assertFalse(disk.exists(dir.resolve(SnapshotStore.fileName(10, 1))));
        int rest = in.readNBytes(read, first, read.length - first);
        assertEquals(read.length, first + rest);
        assertEquals(-1, in.read());
      }
      assertArrayEquals(oldData, read);
    }
  }

  @Test
  void when_the_data_is_damaged_after_it_was_written_then_a_reader_gets_an_error_naming_the_file_instead_of_the_last_bytes()
      throws IOException {
    byte[] data = data(10_000, 7);
    try (RaftStorage s = open(disk, 1024)) {
      append(s, 1, 20, 1);
      Snapshot snap = take(s, 10, data);
      Path file = DIR.resolve(SnapshotStore.fileName(10, 1));
      disk.flipBit(file, 4000);
      try (InputStream in = snap.data().open()) {
        byte[] all = new byte[data.length];
        int got = in.readNBytes(all, 0, data.length - 1); // all but the last byte: unchecked yet
        assertEquals(data.length - 1, got);
        CorruptStorageException e = assertThrows(CorruptStorageException.class, in::read);
        assertEquals(file, e.file());
        assertTrue(e.getMessage().contains("snapshot fails its checksum while being read"),
            e.getMessage());
      }
      // read in one go: the read that reaches the end throws rather than returning the bytes
      assertThrows(CorruptStorageException.class, () -> snap.data().readAllBytes());
    }
  }

  @Test
  void when_the_file_holds_another_snapshot_under_its_name_then_open_refuses_it() throws IOException {
    try (RaftStorage s = open(disk, 1024)) {
      append(s, 1, 20, 1);
      Snapshot snap = take(s, 10, data(100, 8));
      Path file = DIR.resolve(SnapshotStore.fileName(10, 1));
      byte[] bytes = Fixtures.read(disk, file);
      // first member 1 -> 9 (someone rewrote the file): past the config index and length, the
      // format byte, the member count, and the id's three high bytes
      bytes[SnapshotFormat.POSITION_BYTES + 12 + 1 + 4 + 3] = 9;
      put(file, bytes);
      CorruptStorageException e =
          assertThrows(CorruptStorageException.class, () -> snap.data().open());
      assertTrue(e.getMessage().contains("no longer holds the snapshot it was opened as"),
          e.getMessage());
    }
  }

  /** Rewrites the snapshot file with {@code edit} applied and a CRC that matches again. */
  private void rewriteWithValidCrc(Path file, java.util.function.Consumer<byte[]> edit,
      int newLength) throws IOException {
    byte[] bytes = Arrays.copyOf(Fixtures.read(disk, file), newLength);
    edit.accept(bytes);
    CRC32C crc = Checksums.seeded(Fixtures.seed(disk));
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes, bytes.length - 4, 4).putInt((int) crc.getValue());
    put(file, bytes);
  }

  /** Makes {@code file} hold exactly {@code bytes}, durably. */
  private void put(Path file, byte[] bytes) throws IOException {
    disk.delete(file);
    try (DiskFile f = disk.create(file)) {
      f.append(ByteBuffer.wrap(bytes));
      f.sync();
    }
    disk.syncDirectory(DIR);
  }

  @Test
  void when_a_recovered_snapshot_is_damaged_then_recovery_names_the_problem_and_the_file()
      throws IOException {
    try (RaftStorage s = open(disk, 1024)) {
      append(s, 1, 20, 1);
      take(s, 10, data(100, 9));
    }
    Path file = DIR.resolve(SnapshotStore.fileName(10, 1));
    int size = Fixtures.read(disk, file).length;

    rewriteWithValidCrc(file, b -> b[5] = 3, size); // version 3
    assertRecoveryRefused(file, "not a snapshot file of a known version");
    rewriteWithValidCrc(file, b -> b[5] = 2, size); // back to version 2
    open(disk, 1024).close();

    int configBytes = 1 + 4 + 3 * 8; // format, count, three members without addresses
    int dataLengthAt = SnapshotFormat.POSITION_BYTES + 12 + configBytes;
    rewriteWithValidCrc(file, b -> ByteBuffer.wrap(b).putInt(dataLengthAt, 99), size);
    assertRecoveryRefused(file, "snapshot header says 99 bytes of data, but the file holds 100");
    rewriteWithValidCrc(file, b -> ByteBuffer.wrap(b).putInt(dataLengthAt, 100), size);

    int configLengthAt = SnapshotFormat.POSITION_BYTES + 8;
    rewriteWithValidCrc(file, b -> ByteBuffer.wrap(b).putInt(configLengthAt, 1 << 20), size);
    assertRecoveryRefused(file, "configuration of 1048576 bytes does not fit");
    rewriteWithValidCrc(file, b -> ByteBuffer.wrap(b).putInt(configLengthAt, configBytes), size);

    rewriteWithValidCrc(file, b -> b[configLengthAt + 4 + 1 + 4 + 4] = 7, size); // a bad role
    assertRecoveryRefused(file, "unknown member role 7");
    rewriteWithValidCrc(file, b -> b[configLengthAt + 4 + 1 + 4 + 4] = 0, size);

    Fixtures.truncate(disk, file, size - 1);
    assertRecoveryRefused(file, "snapshot fails its checksum (or is truncated)");
    Fixtures.truncate(disk, file, 10);
    assertRecoveryRefused(file, "snapshot fails its checksum (or is truncated)");
  }

  private void assertRecoveryRefused(Path file, String message) {
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(disk, 1024));
    assertEquals(file, e.file());
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertTrue(e.getMessage().contains("Repair: wipe this node's data directory"), e.getMessage());
  }

  @Test
  void when_the_snapshot_was_written_by_the_previous_code_then_it_still_reads() throws IOException {
    // Version 1 (voters only, before membership changes): build one by hand as the old encoder
    // did; it reads as a bootstrap configuration of those voters.
    try (RaftStorage s = open(disk, 1024)) {
      append(s, 1, 20, 1);
    }
    byte[] data = data(1234, 10);
    ByteBuffer b = ByteBuffer.allocate(SnapshotFormat.FIXED_BYTES + 4 * 3 + 4 + data.length + 4);
    b.putInt(0x524B5653).putShort((short) 1).putShort((short) 0).putLong(10).putLong(1);
    b.putInt(3).putInt(1).putInt(2).putInt(3).putInt(data.length).put(data);
    CRC32C crc = Checksums.seeded(Fixtures.seed(disk));
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    put(DIR.resolve(SnapshotStore.fileName(10, 1)), b.array());
    try (RaftStorage s = open(disk, 1024)) {
      assertEquals(new SnapshotMeta(10, 1, VOTERS), s.restoredState().snapshot().meta());
      assertArrayEquals(data, s.restoredState().snapshot().data().readAllBytes());
    }
  }
}
