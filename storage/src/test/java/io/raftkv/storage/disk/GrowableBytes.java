package io.raftkv.storage.disk;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** A resizable byte array holding one simulated file's contents. */
final class GrowableBytes {
  private byte[] data = new byte[64];
  int length;

  void write(long position, byte[] src, int count) {
    int pos = Math.toIntExact(position);
    int end = pos + count;
    if (end > data.length) {
      data = Arrays.copyOf(data, Math.max(end, data.length * 2));
    }
    if (pos > length) {
      // Like a real file, a write past the end leaves a hole that reads as zeros.
      Arrays.fill(data, length, pos, (byte) 0);
    }
    System.arraycopy(src, 0, data, pos, count);
    length = Math.max(length, end);
  }

  void truncate(long size) {
    length = Math.min(length, Math.toIntExact(size));
  }

  int read(long position, ByteBuffer dst) {
    if (position >= length) {
      return -1;
    }
    int pos = (int) position;
    int count = Math.min(dst.remaining(), length - pos);
    dst.put(data, pos, count);
    return count;
  }

  void flip(long position, int bit) {
    if (position < 0 || position >= length) {
      throw new IllegalArgumentException("offset " + position + " outside file of " + length + " bytes");
    }
    data[(int) position] ^= (byte) (1 << bit);
  }

  GrowableBytes copy() {
    GrowableBytes c = new GrowableBytes();
    c.data = Arrays.copyOf(data, Math.max(64, length));
    c.length = length;
    return c;
  }

  void replaceWith(GrowableBytes other) {
    data = Arrays.copyOf(other.data, Math.max(64, other.length));
    length = other.length;
  }

  byte[] copyOf() {
    return Arrays.copyOf(data, length);
  }
}
