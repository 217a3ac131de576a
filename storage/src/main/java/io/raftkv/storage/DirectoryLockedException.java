package io.raftkv.storage;

/**
 * Another process (or another open in this one) holds the data directory's lock: two nodes
 * writing one directory would corrupt it, so the second is refused before it reads or writes
 * anything there.
 */
public final class DirectoryLockedException extends StorageException {
  public DirectoryLockedException(String message) {
    super(message);
  }
}
