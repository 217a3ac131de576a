package io.raftkv.kv;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Big-endian reads from a stream through one buffer, with a CRC32C of every byte read kept in the
 * same pass. It replaces a {@code DataInputStream} over a {@code CheckedInputStream} over a {@code
 * BufferedInputStream}, which cost three calls and a one-byte checksum update per byte of every
 * length field: on a 1,000,000-key snapshot that was most of the decoding time. Here a length is
 * read from the array, the checksum is updated a buffer at a time (an intrinsic), and a value is
 * one copy from the buffer, or for a large value one read straight into its array.
 *
 * <p>End of data before a read completes throws {@link EOFException}.
 */
final class SnapshotInput {
  private static final int BUFFER_BYTES = 256 * 1024;

  private final InputStream in;
  private final byte[] buf = new byte[BUFFER_BYTES];
  private final CRC32C crc = new CRC32C();
  /** Unread bytes are {@code buf[pos, limit)}. */
  private int pos;
  private int limit;
  /** {@code buf[0, checked)} is already in {@link #crc}. */
  private int checked;
  /** Stream offset of {@code buf[0]}. */
  private long bufStart;

  SnapshotInput(InputStream in) {
    this.in = in;
  }

  int readUnsignedByte() throws IOException {
    require(1);
    return buf[pos++] & 0xff;
  }

  int readInt() throws IOException {
    require(4);
    int v = (buf[pos] & 0xff) << 24 | (buf[pos + 1] & 0xff) << 16 | (buf[pos + 2] & 0xff) << 8
        | (buf[pos + 3] & 0xff);
    pos += 4;
    return v;
  }

  long readLong() throws IOException {
    require(8);
    long v = (long) readIntAt(pos) << 32 | (readIntAt(pos + 4) & 0xffffffffL);
    pos += 8;
    return v;
  }

  private int readIntAt(int i) {
    return (buf[i] & 0xff) << 24 | (buf[i + 1] & 0xff) << 16 | (buf[i + 2] & 0xff) << 8
        | (buf[i + 3] & 0xff);
  }

  /** Fills {@code dst} completely. */
  void readFully(byte[] dst) throws IOException {
    int buffered = Math.min(dst.length, limit - pos);
    System.arraycopy(buf, pos, dst, 0, buffered);
    pos += buffered;
    int rest = dst.length - buffered;
    if (rest == 0) {
      return;
    }
    if (rest < buf.length / 2) {
      require(rest);
      System.arraycopy(buf, pos, dst, buffered, rest);
      pos += rest;
      return;
    }
    // A large value: the buffer is empty now, so read straight into the array (checksum order
    // is kept: everything before it is folded into the CRC first).
    foldIntoCrc();
    bufStart += limit;
    pos = limit = checked = 0;
    int n = in.readNBytes(dst, buffered, rest);
    crc.update(dst, buffered, n);
    bufStart += n;
    if (n < rest) {
      throw new EOFException();
    }
  }

  /** Whether the stream has no byte left. */
  boolean atEnd() throws IOException {
    return pos == limit && !fill(1);
  }

  /** The CRC32C of every byte read so far. */
  int crc() {
    foldIntoCrc();
    return (int) crc.getValue();
  }

  /** The stream offset of the next byte, for error messages. */
  long offset() {
    return bufStart + pos;
  }

  private void foldIntoCrc() {
    crc.update(buf, checked, pos - checked);
    checked = pos;
  }

  private void require(int n) throws IOException {
    if (limit - pos < n && !fill(n)) {
      throw new EOFException();
    }
  }

  /** Makes at least {@code n} (at most half the buffer) unread bytes available; false at EOF. */
  private boolean fill(int n) throws IOException {
    foldIntoCrc();
    int unread = limit - pos;
    System.arraycopy(buf, pos, buf, 0, unread);
    bufStart += pos;
    pos = 0;
    checked = 0;
    limit = unread;
    while (limit < n) {
      int r = in.read(buf, limit, buf.length - limit);
      if (r < 0) {
        return false;
      }
      limit += r;
    }
    return true;
  }
}
