package io.raftkv.bench;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.storage.RaftStorage;
import io.raftkv.storage.StorageOptions;
import io.raftkv.storage.disk.FileChannelDisk;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The write-ahead log as the server's Ready loop uses it: {@link RaftStorage#save} of
 * {@code batch} new entries with {@code mustSync}, i.e. append + fdatasync, on a temporary
 * directory (set {@code -Djava.io.tmpdir} to measure another disk). The score is per save; the
 * sync dominates, compare with {@code fio --fdatasync=1} on the same disk.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class StorageBench {
  @Param({"1", "16"})
  int batch;

  @Param({"128"})
  int entryBytes;

  private Path dir;
  private RaftStorage storage;
  private byte[] data;
  private long next;
  private final List<Entry> entries = new ArrayList<>();

  @Setup(Level.Iteration)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("raftkv-jmh-wal-");
    storage = RaftStorage.open(new FileChannelDisk(), dir, "bench", 1, StorageOptions.defaults());
    data = new byte[entryBytes];
    new SplittableRandom(9).nextBytes(data);
    storage.save(new HardState(1, 1, 0), List.of(), null, true);
    next = storage.lastIndex() + 1;
  }

  @TearDown(Level.Iteration)
  public void tearDown() throws IOException {
    storage.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }

  @Benchmark
  public long saveAndSync() {
    entries.clear();
    for (int i = 0; i < batch; i++) {
      entries.add(Entry.normal(next++, 1, data));
    }
    storage.save(null, entries, null, true);
    return next;
  }
}
