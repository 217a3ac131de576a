package io.raftkv.storage.disk;

import java.io.IOException;
import java.nio.file.Path;

/** {@link Disk#lock} was refused: another process, or another open in this one, holds the lock. */
public final class LockHeldException extends IOException {
  private final Path file;
  private final String holder;

  public LockHeldException(Path file, String holder) {
    super("lock " + file + " is held" + (holder == null ? "" : " by " + holder));
    this.file = file;
    this.holder = holder;
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  /** What the holder recorded when it took the lock (such as {@code "pid 1234"}), or null. */
  public String holder() {
    return holder;
  }
}
