package io.raftkv.storage.disk;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** An open file on a {@link Disk}. Not thread-safe for concurrent writes; reads may run anytime. */
public interface DiskFile extends Closeable {

  /** The file's path as it was opened or created. */
  Path path();

  /** The current size, including bytes not yet synced. */
  long sizeBytes() throws IOException;

  /** Writes all remaining bytes of {@code src} at the end of the file. */
  default void append(ByteBuffer src) throws IOException {
    write(sizeBytes(), src);
  }

  /** Writes all remaining bytes of {@code src} starting at {@code positionBytes}. */
  void write(long positionBytes, ByteBuffer src) throws IOException;

  /**
   * Reads up to {@code dst.remaining()} bytes starting at {@code positionBytes}.
   *
   * @return the number of bytes read, or -1 at the end of the file
   */
  int read(long positionBytes, ByteBuffer dst) throws IOException;

  /**
   * Makes every write and truncation of this file durable (fdatasync). If it throws, the caller
   * must treat the file's unsynced contents as lost and stop: retrying could report success while
   * the page cache has already dropped the data (the "fsyncgate" problem).
   */
  void sync() throws IOException;

  /** Shrinks the file to {@code sizeBytes}; durable after the next {@link #sync()}. */
  void truncate(long sizeBytes) throws IOException;

  @Override
  void close() throws IOException;
}
