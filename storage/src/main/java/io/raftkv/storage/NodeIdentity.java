package io.raftkv.storage;

import io.raftkv.storage.disk.Disk;
import io.raftkv.storage.disk.DiskFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code IDENTITY} file that ties a data directory to one node of one cluster. It is the first
 * file written into a new directory (temporary name, sync, rename, directory sync), so a directory
 * with an identity is a node directory and one without is either new or not ours.
 *
 * <p>Plain text, so an operator can read it:
 *
 * <pre>
 * raftkv-node-directory 1
 * cluster=prod-eu
 * node=3
 * incarnation=5f3a...
 * crc=1a2b3c4d
 * </pre>
 *
 * <p>The incarnation is random per directory creation. Together with the ids it seeds every other
 * checksum in the directory ({@link #seed()}), so files from another node, another cluster or an
 * earlier life of this directory fail verification rather than being read as ours.
 */
record NodeIdentity(String clusterId, int nodeId, long incarnation) {
  static final String NAME = "IDENTITY";
  private static final String HEADER = "raftkv-node-directory 1";

  int seed() {
    byte[] bytes = (clusterId + "\n" + nodeId + "\n" + incarnation).getBytes(StandardCharsets.UTF_8);
    return Checksums.of(0x52614674, bytes, 0, bytes.length);
  }

  private String body() {
    return HEADER + "\ncluster=" + clusterId + "\nnode=" + nodeId + "\nincarnation="
        + Long.toHexString(incarnation) + "\n";
  }

  private static int crc(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return Checksums.of(0, bytes, 0, bytes.length);
  }

  /** Writes this identity into {@code dir} durably. */
  void create(Disk disk, Path dir) throws IOException {
    String body = body();
    String text = body + "crc=" + Integer.toHexString(crc(body)) + "\n";
    Path tmp = dir.resolve(NAME + ".tmp");
    disk.delete(tmp);
    try (DiskFile f = disk.create(tmp)) {
      f.append(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      f.sync();
    }
    disk.rename(tmp, dir.resolve(NAME));
    disk.syncDirectory(dir);
  }

  /** Reads the identity in {@code dir}. */
  static NodeIdentity read(Disk disk, Path dir) throws IOException {
    Path path = dir.resolve(NAME);
    String text;
    try (DiskFile f = disk.open(path)) {
      text = new String(WalRecovery.readAll(f), StandardCharsets.UTF_8);
    }
    int crcAt = text.lastIndexOf("crc=");
    Map<String, String> fields = new HashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        fields.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    try {
      String body = text.substring(0, crcAt);
      if (!text.startsWith(HEADER + "\n")
          || Integer.parseUnsignedInt(fields.get("crc"), 16) != crc(body)) {
        throw new CorruptStorageException(path, 0, "the node identity file is damaged");
      }
      return new NodeIdentity(
          fields.get("cluster"),
          Integer.parseInt(fields.get("node")),
          Long.parseUnsignedLong(fields.get("incarnation"), 16));
    } catch (RuntimeException e) {
      if (e instanceof CorruptStorageException c) {
        throw c;
      }
      throw new CorruptStorageException(path, 0, "the node identity file is damaged (" + e + ")");
    }
  }
}
