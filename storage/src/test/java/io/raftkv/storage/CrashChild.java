package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.storage.disk.FileChannelDisk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of {@link ProcessCrashTest}: opens the storage on a real directory, then, as a
 * node's runtime thread does, saves batches of entries with {@code mustSync} forever, printing
 * {@code ACK <index> <payload>} for each entry only after its batch is durable. The parent kills
 * it with SIGKILL at a random moment.
 */
public final class CrashChild {
  private CrashChild() {}

  /** Batches hold 1 to this many entries, as Readies do. */
  static final int MAX_BATCH = 8;
  static final long SEGMENT_SIZE_BYTES = 64 << 10;

  /** The payload for one entry: its own description, padded to a length that varies. */
  static String payload(int run, long seq) {
    String head = run + "/" + seq + "/";
    return head + "x".repeat((int) ((seq * 37) % 300));
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int run = Integer.parseInt(args[1]);
    RaftStorage storage = RaftStorage.open(new FileChannelDisk(), dir, "crash-test", 1,
        StorageOptions.defaults().withSegmentSizeBytes(SEGMENT_SIZE_BYTES));
    Fixtures.enterTerm(storage, 1);
    System.out.println("RECOVERED " + storage.lastIndex());
    System.out.flush();
    long next = storage.lastIndex() + 1;
    List<Entry> batch = new ArrayList<>();
    List<String> payloads = new ArrayList<>();
    for (long seq = 0; ; ) {
      batch.clear();
      payloads.clear();
      int size = 1 + (int) (seq % MAX_BATCH);
      for (int i = 0; i < size; i++, seq++) {
        String payload = payload(run, seq);
        payloads.add(payload);
        batch.add(Entry.normal(next + i, 1, payload.getBytes(StandardCharsets.UTF_8)));
      }
      storage.save(null, batch, null, true);
      for (int i = 0; i < size; i++) {
        System.out.println("ACK " + (next + i) + " " + payloads.get(i));
      }
      System.out.flush();
      next += size;
    }
  }
}
