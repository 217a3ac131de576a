package io.raftkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.HardState;
import io.raftkv.storage.disk.FileChannelDisk;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recovery rules on real files, damaged with plain java.io behind the storage's back. */
class RealDiskRecoveryTest {
  @TempDir Path tmp;

  private RaftStorage open(Path dir) {
    return RaftStorage.open(new FileChannelDisk(), dir, "real", 1, Fixtures.options(4096));
  }

  @Test
  void when_a_real_segment_has_a_torn_tail_then_it_is_cut_and_kept_aside() throws Exception {
    Path dir = tmp.resolve("node");
    Path seg;
    try (RaftStorage s = open(dir)) {
      Fixtures.append(s, 1, 10, 1);
      seg = dir.resolve(s.segmentFileNames().get(0));
    }
    long size = Files.size(seg);
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.seek(size);
      f.write(new byte[] {0, 0, 0, 40, 1, 2, 3});
    }
    try (RaftStorage s = open(dir)) {
      assertEquals(Fixtures.entries(1, 10, 1), s.restoredState().entries());
      assertEquals(size, Files.size(seg));
      assertEquals(7, Files.size(dir.resolve(seg.getFileName() + ".cut-at-" + size)));
      Fixtures.append(s, 11, 11, 1);
    }
    try (RaftStorage s = open(dir)) {
      assertEquals(11, s.lastIndex());
    }
  }

  @Test
  void when_a_real_segment_is_damaged_in_the_middle_then_the_node_refuses_to_start()
      throws Exception {
    Path dir = tmp.resolve("node");
    Path seg;
    try (RaftStorage s = open(dir)) {
      s.save(new HardState(1, 1, 10), Fixtures.entries(1, 10, 1), null, true);
      seg = dir.resolve(s.segmentFileNames().get(0));
    }
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.seek(60);
      int b = f.read();
      f.seek(60);
      f.write(b ^ 0x10);
    }
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(dir));
    assertEquals(seg, e.file());
    assertTrue(e.offsetBytes() <= 60);
  }

  @Test
  void when_the_calling_thread_is_interrupted_then_the_storage_still_works_and_the_flag_is_kept() {
    Path dir = tmp.resolve("node");
    try (RaftStorage s = open(dir)) {
      Thread.currentThread().interrupt();
      Fixtures.append(s, 1, 3, 1);
      s.save(null, List.of(io.raftkv.raft.Entry.normal(4, 1, new byte[3])), null, true);
      assertTrue(Thread.interrupted(), "the interrupt is handed back to the caller");
      Fixtures.append(s, 5, 5, 1);
    }
    try (RaftStorage s = open(dir)) {
      assertEquals(5, s.lastIndex());
    }
  }

  @Test
  void when_a_real_directory_belongs_to_another_node_then_start_is_refused() {
    Path dir = tmp.resolve("node");
    open(dir).close();
    assertThrows(WrongDirectoryException.class,
        () -> RaftStorage.open(new FileChannelDisk(), dir, "real", 2, Fixtures.options(4096)));
    try (RaftStorage s = open(dir)) {
      assertEquals(List.of(), s.restoredState().entries());
    }
  }
}
