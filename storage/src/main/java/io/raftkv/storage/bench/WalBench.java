package io.raftkv.storage.bench;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Storage benchmark, run as a plain program (see storage/README.md):
 *
 * <ol>
 *   <li>the raw baseline: write + fdatasync on one file, as {@code fio --rw=write --fdatasync=1},
 *       alternated with a lone writer on the log so the two are compared under the same load;
 *   <li>group-commit appends of 100-byte and 4 KiB entries from 1, 16 and 64 writer threads, each
 *       appending and waiting until durable: entries/s, MB/s, latency to durable;
 *   <li>recovery time of a 1 GiB log (open, verify every checksum, load every entry).
 * </ol>
 *
 * <p>Options: {@code --dir PATH} (default a fresh directory under /tmp, deleted at the end),
 * {@code --seconds N} per cell (default 5), {@code --recovery-gib N} (default 1, 0 to skip),
 * {@code --sizes 100,4096} and {@code --writers 1,16,64} (the matrix), {@code --lone false} (skip
 * the lone-writer comparison).
 */
public final class WalBench {

  private WalBench() {}

  public static void main(String[] args) throws Exception {
    Path base = null;
    int seconds = 5;
    int recoveryGib = 1;
    int[] sizesBytes = {100, 4096};
    int[] writerCounts = {1, 16, 64};
    boolean lone = true;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--sizes" -> sizesBytes = ints(args[i + 1]);
        case "--writers" -> writerCounts = ints(args[i + 1]);
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
        System.out.println("\nLone writer against the raw fdatasync it issues (alternating rounds):");
        for (int size : sizesBytes) {
          loneWriterVsRaw(root.resolve("lone-" + size), size, seconds);
        }
      }
      System.out.printf("%n%-8s %7s %12s %9s %9s %9s %9s %9s%n",
          "entry", "writers", "entries/s", "MB/s", "p50 us", "p99 us", "p99.9 us", "per sync");
      for (int size : sizesBytes) {
        for (int writers : writerCounts) {
          groupCommit(root.resolve("gc-" + size + "-" + writers), size, writers, seconds);
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
   * The lone-writer comparison: raw write+fdatasync on a plain file and the log's append-to-durable
   * for one writer, measured in alternating quarter-second rounds so both see the same disk and
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
          storage.appendAndSync(1, EntryType.NORMAL, data);
          if (!warm) {
            log.recordValue(System.nanoTime() - t0);
          }
        }
      }
    }
    double rawP50 = raw.getValueAtPercentile(50) / 1e3;
    double logP50 = log.getValueAtPercentile(50) / 1e3;
    System.out.printf("%-7s raw fdatasync p50 %5.0f us p99 %6.0f us | raw write+fdatasync p50 %5.0f"
            + " us | log append-to-durable p50 %5.0f us p99 %6.0f us | log p50 / raw p50 = %.2f%n",
        size + " B", rawP50, raw.getValueAtPercentile(99) / 1e3,
        rawWriteAndSync.getValueAtPercentile(50) / 1e3, logP50,
        log.getValueAtPercentile(99) / 1e3, logP50 / rawP50);
    deleteTree(dir);
  }

  private static void groupCommit(Path dir, int size, int writers, int seconds) throws Exception {
    Recorder recorder = new Recorder(3);
    LongAdder appended = new LongAdder();
    AtomicBoolean measuring = new AtomicBoolean(false);
    AtomicBoolean stop = new AtomicBoolean(false);
    try (RaftStorage storage = RaftStorage.open(new FileChannelDisk(), dir, "bench", 1,
        StorageOptions.defaults())) {
      CountDownLatch done = new CountDownLatch(writers);
      for (int w = 0; w < writers; w++) {
        Thread t = new Thread(() -> {
          byte[] data = new byte[size];
          while (!stop.get()) {
            long t0 = System.nanoTime();
            storage.appendAndSync(1, EntryType.NORMAL, data);
            long took = System.nanoTime() - t0;
            if (measuring.get()) {
              recorder.recordValue(took);
              appended.increment();
            }
          }
          done.countDown();
        });
        t.start();
      }
      Thread.sleep(1000);
      recorder.reset();
      long syncsBefore = storage.logSyncCount();
      measuring.set(true);
      long start = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      measuring.set(false);
      long syncs = storage.logSyncCount() - syncsBefore;
      double elapsed = (System.nanoTime() - start) / 1e9;
      stop.set(true);
      done.await();
      Histogram h = recorder.getIntervalHistogram();
      double rate = appended.sum() / elapsed;
      System.out.printf("%-8s %7d %12.0f %9.2f %9.0f %9.0f %9.0f %9.1f%n", size + " B", writers,
          rate, rate * size / 1e6, h.getValueAtPercentile(50) / 1e3,
          h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
          appended.sum() / (double) Math.max(1, syncs));
    }
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
