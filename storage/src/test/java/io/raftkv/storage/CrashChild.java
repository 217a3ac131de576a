package io.raftkv.storage;

import io.raftkv.raft.EntryType;
import io.raftkv.storage.disk.FileChannelDisk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child process of {@link ProcessCrashTest}: opens the storage on a real directory, then has a
 * few threads append and sync entries forever, printing {@code ACK <index> <payload>} for each
 * entry only after it is durable. The parent kills it with SIGKILL at a random moment.
 */
public final class CrashChild {
  private CrashChild() {}

  static final int WRITERS = 4;
  static final long SEGMENT_SIZE_BYTES = 64 << 10;

  /** The payload for one entry: its own description, padded to a length that varies. */
  static String payload(int run, int writer, long seq) {
    String head = run + "/" + writer + "/" + seq + "/";
    return head + "x".repeat((int) ((seq * 37 + writer * 11) % 300));
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int run = Integer.parseInt(args[1]);
    RaftStorage storage = RaftStorage.open(new FileChannelDisk(), dir, "crash-test", 1,
        StorageOptions.defaults().withSegmentSizeBytes(SEGMENT_SIZE_BYTES));
    Fixtures.enterTerm(storage, 1);
    synchronized (System.out) {
      System.out.println("RECOVERED " + storage.lastIndex());
      System.out.flush();
    }
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      Thread t = new Thread(() -> {
        for (long seq = 0; ; seq++) {
          String payload = payload(run, writer, seq);
          long index = storage.appendAndSync(1, EntryType.NORMAL,
              payload.getBytes(StandardCharsets.UTF_8));
          synchronized (System.out) {
            System.out.println("ACK " + index + " " + payload);
            System.out.flush();
          }
        }
      });
      t.start();
    }
  }
}
