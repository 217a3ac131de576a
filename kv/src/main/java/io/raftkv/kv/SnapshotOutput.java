package io.raftkv.kv;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * Big-endian writes to a stream through one buffer, with a CRC32C of every byte written kept in
 * the same pass: the writing twin of {@link SnapshotInput}. The checksum is updated a buffer at a
 * time, and a large value goes to the stream straight from its array. Does not close the stream.
 */
final class SnapshotOutput {
  private static final int BUFFER_BYTES = 64 * 1024;

  private final OutputStream out;
  private final byte[] buf = new byte[BUFFER_BYTES];
  private final CRC32C crc = new CRC32C();
  private int pos;
  /** {@code buf[0, checked)} is already in {@link #crc}. */
  private int checked;

  SnapshotOutput(OutputStream out) {
    this.out = out;
  }

  void writeByte(int v) throws IOException {
    room(1);
    buf[pos++] = (byte) v;
  }

  void writeInt(int v) throws IOException {
    room(4);
    putInt(v);
  }

  void writeLong(long v) throws IOException {
    room(8);
    putInt((int) (v >>> 32));
    putInt((int) v);
  }

  private void putInt(int v) {
    buf[pos] = (byte) (v >>> 24);
    buf[pos + 1] = (byte) (v >>> 16);
    buf[pos + 2] = (byte) (v >>> 8);
    buf[pos + 3] = (byte) v;
    pos += 4;
  }

  void write(byte[] bytes) throws IOException {
    if (bytes.length <= buf.length - pos) {
      System.arraycopy(bytes, 0, buf, pos, bytes.length);
      pos += bytes.length;
      return;
    }
    flush();
    if (bytes.length < buf.length / 2) {
      System.arraycopy(bytes, 0, buf, 0, bytes.length);
      pos = bytes.length;
    } else {
      crc.update(bytes, 0, bytes.length);
      out.write(bytes);
    }
  }

  /** The CRC32C of every byte written so far. */
  int crc() {
    crc.update(buf, checked, pos - checked);
    checked = pos;
    return (int) crc.getValue();
  }

  /** Hands everything buffered to the stream, then flushes the stream. */
  void finish() throws IOException {
    flush();
    out.flush();
  }

  private void flush() throws IOException {
    crc.update(buf, checked, pos - checked);
    out.write(buf, 0, pos);
    pos = 0;
    checked = 0;
  }

  private void room(int n) throws IOException {
    if (buf.length - pos < n) {
      flush();
    }
  }
}
