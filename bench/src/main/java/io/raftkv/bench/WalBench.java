package io.raftkv.bench;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.storage.RaftStorage;
import io.raftkv.storage.StorageOptions;
import io.raftkv.storage.disk.FileChannelDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Storage benchmark, run as a plain program (not JMH; see bench/README.md). It writes the log the
 * way a node does: from one thread, {@link RaftStorage#save} of a batch of entries with {@code
 * mustSync} (append + one fdatasync per batch), as the node persists one {@code Ready}.
 *
 * <ol>
 *   <li>the raw baseline: write + fdatasync on one file, as {@code fio --rw=write --fdatasync=1},
 *       alternated with one-entry saves on the log so the two are compared under the same load;
 *   <li>saves of 100-byte and 4 KiB entries in batches of 1, 16 and 64 entries: entries/s, MB/s,
 *       latency of one save (to durable);
 *   <li>recovery time of a 1 GiB log (open, verify every checksum, load every entry).
 * </ol>
 *
 * <p>Options: {@code --dir PATH} (default a fresh directory under /tmp, deleted at the end),
 * {@code --seconds N} per cell (default 5), {@code --recovery-gib N} (default 1, 0 to skip),
 * {@code --sizes 100,4096} and {@code --batches 1,16,64} (the matrix), {@code --lone false} (skip
 * the one-entry comparison).
 */
public final class WalBench {

  private WalBench() {}

  public static void main(String[] args) throws Exception {
    Path base = null;
    int seconds = 5;
    int recoveryGib = 1;
    int[] sizesBytes = {100, 4096};
    int[] batchSizes = {1, 16, 64};
    boolean lone = true;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--sizes" -> sizesBytes = ints(args[i + 1]);
        case "--batches" -> batchSizes = ints(args[i + 1]);
        case "--lone" -> lone = Boolean.parseBoolean(args[i + 1]);
        case "--dir" -> base = Path.of(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--recovery-gib" -> recoveryGib = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path root = base == null ? Files.createTempDirectory("raftkv-walbench") : base;
    Files.createDirectories(root);
    System.out.printf("WalBench in %s, %d s per cell, %d cores, java %s%n", root, seconds,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    try {
      System.out.printf("load average before: %s%n", loadAverage());
      if (lone) {
        System.out.println("\nOne-entry saves against the raw fdatasync they issue (alternating rounds):");
        for (int size : sizesBytes) {
          loneWriterVsRaw(root.resolve("lone-" + size), size, seconds);
        }
      }
      System.out.printf("%n%-8s %7s %12s %9s %9s %9s %9s%n",
          "entry", "batch", "entries/s", "MB/s", "p50 us", "p99 us", "p99.9 us");
      for (int size : sizesBytes) {
        for (int batch : batchSizes) {
          batches(root.resolve("batch-" + size + "-" + batch), size, batch, seconds);
        }
      }
      System.out.printf("%nload average after the matrix: %s%n", loadAverage());
      if (recoveryGib > 0) {
        for (int size : new int[] {4096, 100}) {
          recovery(root.resolve("recovery-" + size), size, (long) recoveryGib << 30);
        }
      }
    } finally {
      deleteTree(root);
    }
  }

  /**
   * The one-entry comparison: raw write+fdatasync on a plain file and the log's save of one entry
   * with mustSync, measured in alternating quarter-second rounds so both see the same disk and
   * the same background load (this machine is shared, and fsync latency drifts with it).
   */
  private static void loneWriterVsRaw(Path dir, int size, int seconds) throws IOException {
    Files.createDirectories(dir);
    Histogram raw = new Histogram(3);
    Histogram rawWriteAndSync = new Histogram(3);
    Histogram log = new Histogram(3);
    byte[] data = new byte[size];
    ByteBuffer buf = ByteBuffer.allocate(size);
    try (FileChannel ch = FileChannel.open(dir.resolve("raw"), StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
        RaftStorage storage = RaftStorage.open(new FileChannelDisk(), dir.resolve("log"), "bench",
            1, StorageOptions.defaults())) {
      storage.save(new HardState(1, 1, 0), List.of(), null, true);
      long next = storage.lastIndex() + 1;
      int rounds = seconds * 4 + 4;
      for (int round = 0; round < rounds; round++) {
        boolean warm = round < 4; // the first second only warms the JIT and both files
        long end = System.nanoTime() + 125_000_000L;
        while (System.nanoTime() < end) {
          buf.clear();
          long t0 = System.nanoTime();
          ch.write(buf);
          long t1 = System.nanoTime();
          ch.force(false);
          long t2 = System.nanoTime();
          if (!warm) {
            raw.recordValue(t2 - t1);
            rawWriteAndSync.recordValue(t2 - t0);
          }
        }
        end = System.nanoTime() + 125_000_000L;
        while (System.nanoTime() < end) {
          long t0 = System.nanoTime();
          storage.save(null, List.of(Entry.normal(next++, 1, data)), null, true);
          if (!warm) {
            log.recordValue(System.nanoTime() - t0);
          }
        }
      }
    }
    double rawP50 = raw.getValueAtPercentile(50) / 1e3;
    double logP50 = log.getValueAtPercentile(50) / 1e3;
    System.out.printf("%-7s raw fdatasync p50 %5.0f us p99 %6.0f us | raw write+fdatasync p50 %5.0f"
            + " us | log save-to-durable p50 %5.0f us p99 %6.0f us | log p50 / raw p50 = %.2f%n",
        size + " B", rawP50, raw.getValueAtPercentile(99) / 1e3,
        rawWriteAndSync.getValueAtPercentile(50) / 1e3, logP50,
        log.getValueAtPercentile(99) / 1e3, logP50 / rawP50);
    deleteTree(dir);
  }

  /**
   * Saves of {@code batch} entries with mustSync from one thread, as the node persists a Ready:
   * entries/s, MB/s and the latency of one save (one fdatasync for the whole batch).
   */
  private static void batches(Path dir, int size, int batch, int seconds) throws IOException {
    Histogram h = new Histogram(3);
    long saved = 0;
    long measuredNanos = 0;
    try (RaftStorage storage = RaftStorage.open(new FileChannelDisk(), dir, "bench", 1,
        StorageOptions.defaults())) {
      storage.save(new HardState(1, 1, 0), List.of(), null, true);
      byte[] data = new byte[size];
      long next = storage.lastIndex() + 1;
      List<Entry> entries = new ArrayList<>(batch);
      long warmEnd = System.nanoTime() + 1_000_000_000L; // the first second warms the JIT and file
      long end = warmEnd + seconds * 1_000_000_000L;
      for (long now = System.nanoTime(); now < end; ) {
        entries.clear();
        for (int i = 0; i < batch; i++) {
          entries.add(Entry.normal(next++, 1, data));
        }
        storage.save(null, entries, null, true);
        long after = System.nanoTime();
        if (now >= warmEnd) {
          h.recordValue(after - now);
          saved += batch;
          measuredNanos += after - now;
        }
        now = after;
      }
    }
    double rate = saved / (measuredNanos / 1e9);
    System.out.printf("%-8s %7d %12.0f %9.2f %9.0f %9.0f %9.0f%n", size + " B", batch, rate,
        rate * size / 1e6, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
        h.getValueAtPercentile(99.9) / 1e3);
    deleteTree(dir);
  }

  /** Writes a log of {@code totalBytes} of entries, closes it, and times a full recovery. */
  private static void recovery(Path dir, int size, long totalBytes) throws Exception {
    long entries = totalBytes / (size + 25L);
    try (RaftStorage storage = RaftStorage.open(new FileChannelDisk(), dir, "bench", 1,
        StorageOptions.defaults())) {
      byte[] data = new byte[size];
      List<Entry> batch = new ArrayList<>();
      for (long i = 1; i <= entries; i++) {
        batch.add(Entry.normal(i, 1, data));
        if (batch.size() == 4096 || i == entries) {
          storage.save(new HardState(1, 1, i), batch, null, true);
          batch.clear();
        }
      }
    }
    long logBytes;
    try (Stream<Path> files = Files.list(dir)) {
      logBytes = files.filter(p -> p.toString().endsWith(".wal")).mapToLong(p -> p.toFile().length())
          .sum();
    }
    System.gc();
    long t0 = System.nanoTime();
    int restored;
    try (RaftStorage storage = RaftStorage.open(new FileChannelDisk(), dir, "bench", 1,
        StorageOptions.defaults())) {
      restored = storage.restoredState().entries().size();
    }
    double took = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%nrecovery of a %.2f GiB log of %d-byte entries (%d entries, page cache"
            + " warm): %.2f s, %.0f MB/s, %.0f entries/s%n", logBytes / (double) (1L << 30), size,
        restored, took, logBytes / took / 1e6, restored / took);
    deleteTree(dir);
  }

  private static int[] ints(String commaSeparated) {
    return java.util.Arrays.stream(commaSeparated.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
