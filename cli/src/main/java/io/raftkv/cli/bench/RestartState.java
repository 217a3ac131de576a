package io.raftkv.cli.bench;

import io.raftkv.kv.Command;
import io.raftkv.kv.CommandCodec;
import io.raftkv.kv.KvConfig;
import io.raftkv.kv.KvStateMachine;
import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.storage.RaftStorage;
import io.raftkv.storage.StorageOptions;
import io.raftkv.storage.disk.FileChannelDisk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A large key-value state for the restart benchmark ({@code raftkv bench-restart}), built by
 * applying one Put per key to a real {@link KvStateMachine} (one client session, as a loader would
 * use) and written into node data directories as a snapshot through the real storage, so a server
 * restarting on them does exactly what it does after a crash: recover the storage, restore the
 * snapshot, replay the log, rejoin.
 */
public final class RestartState {
  private static final long SEED = 42;

  private final int valueSize;
  private final Snapshot snapshot;
  private final long rawBytes;

  private RestartState(int valueSize, Snapshot snapshot, long rawBytes) {
    this.valueSize = valueSize;
    this.snapshot = snapshot;
    this.rawBytes = rawBytes;
  }

  /** Keys {@code key-0 .. key-(keys-1)} (the {@code raftkv bench} names) with random values. */
  public static RestartState build(int keys, int valueSize) {
    KvStateMachine kv = new KvStateMachine(KvConfig.defaults());
    long now = System.currentTimeMillis();
    SplittableRandom random = new SplittableRandom(SEED);
    byte[] value = new byte[valueSize];
    for (int i = 0; i < keys; i++) {
      fill(random, value);
      Command put = new Command.Put(1, i + 1, now, key(i), value.clone());
      kv.apply(Entry.normal(i + 1, 1, CommandCodec.encode(put)));
    }
    // held as one array, written into each node directory (arrays stop at 2 GiB of snapshot)
    ByteArrayOutputStream data = new ByteArrayOutputStream(Math.toIntExact(kv.snapshotSizeBytes()));
    try {
      kv.snapshot(data);
    } catch (IOException e) {
      throw new UncheckedIOException("a ByteArrayOutputStream cannot fail", e);
    }
    Snapshot snap = new Snapshot(new SnapshotMeta(keys, 1, List.of(1, 2, 3)), data.toByteArray());
    return new RestartState(valueSize, snap, kv.dataBytes());
  }

  public static byte[] key(int i) {
    return ("key-" + i).getBytes(StandardCharsets.US_ASCII);
  }

  /** The value of key {@code i} (recomputed from the seed). */
  public byte[] value(int i) {
    SplittableRandom random = new SplittableRandom(SEED);
    byte[] value = new byte[valueSize];
    for (int k = 0; k <= i; k++) {
      fill(random, value);
    }
    return value;
  }

  private static void fill(SplittableRandom random, byte[] value) {
    for (int j = 0; j < value.length; j++) {
      value[j] = (byte) ('a' + random.nextInt(26));
    }
  }

  /** Sum of key and value lengths: what the heap is compared with. */
  public long rawBytes() {
    return rawBytes;
  }

  public long snapshotBytes() {
    return snapshot.data().sizeBytes();
  }

  /**
   * Makes {@code dir} the data directory of node {@code id} of cluster {@code clusterId}, holding
   * the state as a committed snapshot in term 1.
   */
  public void writeNodeDirectory(Path dir, String clusterId, int id) {
    try (RaftStorage storage = RaftStorage.open(new FileChannelDisk(), dir, clusterId, id,
        StorageOptions.defaults())) {
      long index = snapshot.meta().index();
      storage.save(new HardState(1, 0, index), List.of(), snapshot, true);
    }
  }
}
