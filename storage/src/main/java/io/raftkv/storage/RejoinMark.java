package io.raftkv.storage;

import io.raftkv.storage.disk.Disk;
import io.raftkv.storage.disk.DiskFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The {@code REJOINING} file: this node may have promised more than its directory holds (the
 * directory was made anew for a member of an existing cluster, or recovery cut a record the node
 * may have acknowledged), so it must neither vote nor count toward a quorum until a leader lets it
 * rejoin ({@code RestoredState.rejoining}). The file's presence is the whole state; its text says
 * why, for an operator. It is created (and the directory synced) before anything the node does
 * after recovery, and deleted only once the Ready in which the core rejoined is durable, so a crash
 * at any point leaves the node rejoining or rejoined, never a member that forgot it was rejoining.
 */
final class RejoinMark {
  static final String NAME = "REJOINING";

  private RejoinMark() {}

  static boolean exists(Disk disk, Path dir) throws IOException {
    return disk.exists(dir.resolve(NAME));
  }

  /** Creates the mark durably (temporary name, sync, rename, directory sync). */
  static void create(Disk disk, Path dir, String why) throws IOException {
    if (exists(disk, dir)) {
      return;
    }
    Path tmp = dir.resolve(NAME + ".tmp");
    disk.delete(tmp);
    try (DiskFile f = disk.create(tmp)) {
      f.append(ByteBuffer.wrap((why + "\n").getBytes(StandardCharsets.UTF_8)));
      f.sync();
    }
    disk.rename(tmp, dir.resolve(NAME));
    disk.syncDirectory(dir);
  }

  /** Deletes the mark durably. */
  static void clear(Disk disk, Path dir) throws IOException {
    disk.delete(dir.resolve(NAME));
    disk.syncDirectory(dir);
  }
}
