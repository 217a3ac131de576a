package io.raftkv.storage;

import io.raftkv.storage.disk.DiskFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Streams bytes into a new snapshot file through a buffer, keeping the file's CRC32C in the same
 * pass, and ends the file with that CRC. Each buffer-full is one write to the {@link DiskFile}.
 */
final class SnapshotFileOutput extends OutputStream {
  private static final int BUFFER_BYTES = 1 << 20;

  private final DiskFile file;
  private final CRC32C crc;
  private final byte[] buf = new byte[BUFFER_BYTES];
  private int pos;
  private long written;

  SnapshotFileOutput(DiskFile file, CRC32C crc) {
    this.file = file;
    this.crc = crc;
  }

  @Override
  public void write(int b) throws IOException {
    if (pos == buf.length) {
      drain();
    }
    buf[pos++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0) {
      if (pos == buf.length) {
        drain();
      }
      int n = Math.min(len, buf.length - pos);
      System.arraycopy(b, off, buf, pos, n);
      pos += n;
      off += n;
      len -= n;
    }
  }

  /** Bytes accepted so far. */
  long count() {
    return written + pos;
  }

  /** Writes what is buffered and then the CRC32C of every byte before it. */
  void finishWithCrc() throws IOException {
    drain();
    ByteBuffer b = ByteBuffer.allocate(4).putInt((int) crc.getValue()).flip();
    file.write(written, b);
    written += 4;
  }

  private void drain() throws IOException {
    crc.update(buf, 0, pos);
    file.write(written, ByteBuffer.wrap(buf, 0, pos));
    written += pos;
    pos = 0;
  }
}
