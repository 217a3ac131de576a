package io.raftkv.kv;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Byte-array conveniences over {@link KvStateMachine}'s streaming snapshots, for tests only:
 * production streams snapshots to and from files ({@code snapshot(OutputStream)}, {@code
 * restore(Snapshot)}) and never holds one as an array.
 */
final class Snapshots {
  private Snapshots() {}

  /** The whole state as one array, exactly what {@link KvStateMachine#snapshot} writes. */
  static byte[] bytes(KvStateMachine sm) {
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) sm.snapshotSizeBytes());
    try {
      sm.snapshot(out);
    } catch (IOException e) {
      throw new UncheckedIOException("a ByteArrayOutputStream cannot fail", e);
    }
    return out.toByteArray();
  }

  /** {@link KvStateMachine#restore(java.io.InputStream)} from an array. */
  static void restore(KvStateMachine sm, byte[] data) {
    try {
      sm.restore(new ByteArrayInputStream(data));
    } catch (IOException e) {
      throw new UncheckedIOException("a ByteArrayInputStream cannot fail", e);
    }
  }

  /**
   * Every key and value, in the map's (unsigned) key order, as {@code hex(key)=hex(value)}: read
   * back from a snapshot, so two replicas' contents can be compared without a read API.
   */
  static List<String> content(KvStateMachine sm) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : entries(sm)) {
      out.add(HexFormat.of().formatHex(e.getKey()) + "=" + HexFormat.of().formatHex(e.getValue()));
    }
    return out;
  }

  /** Every key and value, in the map's (unsigned) key order, read back from a snapshot. */
  static List<Map.Entry<byte[], byte[]>> entries(KvStateMachine sm) {
    StateImage image;
    try {
      image = SnapshotCodec.read(new ByteArrayInputStream(bytes(sm)), sm.config());
    } catch (IOException e) {
      throw new UncheckedIOException("a ByteArrayInputStream cannot fail", e);
    }
    List<Map.Entry<byte[], byte[]>> out = new ArrayList<>();
    image.map().all().forEach(e -> out.add(Map.entry(e.getKey(), e.getValue())));
    return out;
  }
}
