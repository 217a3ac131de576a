package io.raftkv.storage.disk;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The narrow seam through which all storage file access goes, so the same storage code runs over
 * the real file system ({@link FileChannelDisk}) and over a simulated disk that loses, tears and
 * corrupts data on request ({@code SimulatedDisk}, in the storage test-jar).
 *
 * <p>Durability contract, which both implementations keep and the storage code relies on:
 *
 * <ul>
 *   <li>bytes written to a file are durable only after {@link DiskFile#sync()} on it returns;
 *   <li>a created, renamed or deleted name is durable only after {@link #syncDirectory(Path)} on
 *       its parent directory returns;
 *   <li>a failed sync leaves the state of the unsynced data unknown: callers must not retry it.
 * </ul>
 */
public interface Disk {

  /** Opens an existing file for reading and writing. */
  DiskFile open(Path file) throws IOException;

  /** Creates a new, empty file and opens it; fails if the name already exists. */
  DiskFile create(Path file) throws IOException;

  /** Renames {@code from} to {@code to} atomically, replacing {@code to} if it exists. */
  void rename(Path from, Path to) throws IOException;

  /** The names of the regular files directly inside {@code dir}, sorted. */
  List<String> list(Path dir) throws IOException;

  /** Whether {@code file} exists. */
  boolean exists(Path file) throws IOException;

  /** Deletes {@code file}; does nothing if it does not exist. */
  void delete(Path file) throws IOException;

  /** Makes the creations, renames and deletions of names inside {@code dir} durable. */
  void syncDirectory(Path dir) throws IOException;

  /**
   * Creates {@code dir} and its missing parents. The storage calls this once when a node directory
   * is first used and then syncs the parent, so the directory itself survives a crash.
   */
  void createDirectories(Path dir) throws IOException;

  /**
   * Takes an exclusive lock on {@code file} (creating it if missing, changing nothing else) that
   * holds until the returned handle is closed or the process ends, and records {@code holder} (for
   * example {@code "pid 1234"}) in it for whoever is refused next. At most one holder at a time,
   * whether the other is another process or another open in this one.
   *
   * @throws LockHeldException if someone else holds the lock; nothing is changed then
   */
  Closeable lock(Path file, String holder) throws IOException;
}
