package io.raftkv.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.HardState;
import io.raftkv.storage.disk.Disk;
import io.raftkv.storage.disk.FileChannelDisk;
import io.raftkv.storage.disk.SimulatedDisk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One open storage per data directory: a second open is refused and changes nothing there. */
class DirectoryLockTest {
  @TempDir Path tmp;

  private static final String PID = "pid " + ProcessHandle.current().pid();

  /** Every file's name and bytes, to show that a refused open changed nothing. */
  private static Map<String, List<Byte>> image(Disk disk, Path dir) throws IOException {
    Map<String, List<Byte>> files = new TreeMap<>();
    for (String name : disk.list(dir)) {
      byte[] bytes = Fixtures.read(disk, dir.resolve(name));
      Byte[] boxed = new Byte[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        boxed[i] = bytes[i];
      }
      files.put(name, List.of(boxed));
    }
    return files;
  }

  private static void refusedAndUnchanged(Disk disk, Path dir) throws IOException {
    try (RaftStorage first = RaftStorage.open(disk, dir, Fixtures.CLUSTER, 1, Fixtures.options(4096))) {
      first.save(new HardState(3, 1, 0), Fixtures.entries(1, 5, 3), null, true);
      Map<String, List<Byte>> before = image(disk, dir);
      DirectoryLockedException e = assertThrows(DirectoryLockedException.class,
          () -> RaftStorage.open(disk, dir, Fixtures.CLUSTER, 1, Fixtures.options(4096)));
      assertTrue(e.getMessage().contains("data directory " + dir + " is in use by " + PID),
          e.getMessage());
      assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
      assertEquals(before, image(disk, dir), "a refused open changes nothing in the directory");
      first.save(new HardState(3, 1, 5), Fixtures.entries(6, 6, 3), null, true); // still works
    }
    try (RaftStorage again = RaftStorage.open(disk, dir, Fixtures.CLUSTER, 1,
        Fixtures.options(4096))) {
      assertEquals(6, again.lastIndex(), "close released the lock");
    }
  }

  @Test
  void when_a_directory_is_opened_twice_on_the_real_disk_then_the_second_is_refused()
      throws IOException {
    Path dir = tmp.resolve("node-1");
    refusedAndUnchanged(new FileChannelDisk(), dir);
    assertEquals(PID + "\n", java.nio.file.Files.readString(dir.resolve(RaftStorage.LOCK_NAME)));
  }

  @Test
  void when_a_directory_is_opened_twice_on_the_simulated_disk_then_the_second_is_refused()
      throws IOException {
    refusedAndUnchanged(Fixtures.sim(1), Fixtures.DIR);
  }

  @Test
  void when_an_open_is_refused_for_another_reason_then_the_lock_is_released() {
    SimulatedDisk disk = Fixtures.sim(2);
    Fixtures.open(disk).close();
    assertThrows(WrongDirectoryException.class,
        () -> RaftStorage.open(disk, Fixtures.DIR, Fixtures.CLUSTER, 2, Fixtures.options(4096)));
    Fixtures.open(disk).close();
  }

  @Test
  void when_a_new_directory_holds_only_the_lock_file_then_it_is_not_foreign() throws IOException {
    Path dir = tmp.resolve("fresh");
    FileChannelDisk disk = new FileChannelDisk();
    disk.createDirectories(dir);
    disk.lock(dir.resolve(RaftStorage.LOCK_NAME), "pid 1").close(); // a start that died at once
    try (RaftStorage s = RaftStorage.open(disk, dir, Fixtures.CLUSTER, 1, Fixtures.options(4096))) {
      assertEquals(HardState.EMPTY, s.restoredState().hardState());
    }
  }

  @Test
  void when_a_crash_ends_the_holder_then_the_simulated_lock_is_free() {
    SimulatedDisk disk = Fixtures.sim(3);
    RaftStorage abandoned = Fixtures.open(disk);
    assertThrows(DirectoryLockedException.class, () -> Fixtures.open(disk));
    disk.crash();
    Fixtures.open(disk).close();
    abandoned.close(); // an old handle never releases a newer holder's lock
    try (RaftStorage s = Fixtures.open(disk)) {
      assertThrows(DirectoryLockedException.class, () -> Fixtures.open(disk));
    }
  }
}
