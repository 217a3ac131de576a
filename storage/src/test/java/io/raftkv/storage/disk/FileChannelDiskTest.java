package io.raftkv.storage.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real disk keeps the seam's contract on the local file system. */
class FileChannelDiskTest {
  @TempDir Path tmp;
  private final Disk disk = new FileChannelDisk();

  @Test
  void when_writing_syncing_truncating_and_reading_then_the_file_holds_what_was_written()
      throws IOException {
    Path dir = tmp.resolve("a/b");
    disk.createDirectories(dir);
    Path file = dir.resolve("f");
    try (DiskFile f = disk.create(file)) {
      f.append(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}));
      f.write(1, ByteBuffer.wrap(new byte[] {9}));
      f.sync();
      f.truncate(4);
      f.sync();
      assertEquals(4, f.sizeBytes());
      ByteBuffer b = ByteBuffer.allocate(10);
      assertEquals(4, f.read(0, b));
      assertArrayEquals(new byte[] {1, 9, 3, 4}, java.util.Arrays.copyOf(b.array(), 4));
      assertEquals(-1, f.read(4, ByteBuffer.allocate(1)));
    }
    disk.syncDirectory(dir);
    assertArrayEquals(new byte[] {1, 9, 3, 4}, Files.readAllBytes(file));
    assertThrows(FileAlreadyExistsException.class, () -> disk.create(file));
  }

  @Test
  void when_renaming_listing_and_deleting_then_names_change_as_asked() throws IOException {
    disk.createDirectories(tmp);
    disk.create(tmp.resolve("b")).close();
    disk.create(tmp.resolve("a")).close();
    Files.createDirectory(tmp.resolve("sub"));
    assertEquals(List.of("a", "b"), disk.list(tmp), "sorted, regular files only");
    disk.rename(tmp.resolve("a"), tmp.resolve("b"));
    disk.syncDirectory(tmp);
    assertEquals(List.of("b"), disk.list(tmp));
    disk.delete(tmp.resolve("b"));
    disk.delete(tmp.resolve("b"));
    assertFalse(disk.exists(tmp.resolve("b")));
    assertTrue(disk.exists(tmp.resolve("sub")));
  }
}
