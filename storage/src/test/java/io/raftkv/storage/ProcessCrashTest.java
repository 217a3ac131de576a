package io.raftkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.raftkv.raft.Entry;
import io.raftkv.storage.disk.FileChannelDisk;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes, real files, real SIGKILL: a child JVM ({@link CrashChild}) saves and syncs
 * batches of entries and reports each acknowledged index; it is killed at a random moment, the directory is
 * recovered, and every acknowledged entry must be there, intact. The next child then appends to
 * the recovered log, so it must also stay usable.
 */
class ProcessCrashTest {
  private static final int KILLS = 32;
  private static final String EOF = "\u0000EOF";

  @TempDir Path tmp;

  @Test
  @Timeout(value = 100, unit = TimeUnit.SECONDS)
  void when_a_writer_is_killed_at_random_moments_then_every_acknowledged_entry_survives()
      throws Exception {
    Path dir = tmp.resolve("node");
    SplittableRandom random = new SplittableRandom(20261123);
    Map<Long, String> acked = new HashMap<>();
    long lastRecovered = 0;
    for (int run = 0; run < KILLS; run++) {
      Path stderr = tmp.resolve("child-" + run + ".err");
      Process child = start(dir, run, stderr);
      BlockingQueue<String> lines = drain(child);
      // Kill at a random moment: some runs during start-up and recovery, most while appending,
      // after a random number of acknowledgements.
      int waitForAcks = random.nextInt(10) == 0 ? -1 : random.nextInt(400);
      int seen = 0;
      if (waitForAcks >= 0) {
        String first = lines.poll(30, TimeUnit.SECONDS);
        assertNotNull(first, "child " + run + " did not start: " + Files.readString(stderr));
        assertEquals("RECOVERED " + lastRecovered, first, "child " + run + " recovered the log");
        while (seen < waitForAcks) {
          String line = lines.poll(30, TimeUnit.SECONDS);
          if (line == null || line.equals(EOF)) {
            fail("child " + run + " stopped acknowledging: " + Files.readString(stderr));
          }
          record(acked, line);
          seen++;
        }
      }
      child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no flushing, no closing
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child " + run + " did not die");
      // Lines the child printed before it died count too: each was printed after its sync.
      for (String line = lines.poll(30, TimeUnit.SECONDS); !EOF.equals(line);
          line = lines.poll(30, TimeUnit.SECONDS)) {
        assertNotNull(line, "child output did not end");
        if (line.startsWith("ACK ")) {
          record(acked, line);
        }
      }
      lastRecovered = verify(dir, acked, run);
    }
    assertTrue(acked.size() > 1000, "the test exercised enough appends: " + acked.size());
  }

  private static void record(Map<Long, String> acked, String line) {
    if (!line.startsWith("ACK ")) {
      return;
    }
    int space = line.indexOf(' ', 4);
    long index = Long.parseLong(line.substring(4, space));
    String previous = acked.put(index, line.substring(space + 1));
    assertTrue(previous == null, "index " + index + " acknowledged twice");
  }

  /** Recovers the directory in this process and checks every acknowledged entry. */
  private static long verify(Path dir, Map<Long, String> acked, int run) {
    if (!Files.exists(dir.resolve(NodeIdentity.NAME))) {
      assertTrue(acked.isEmpty(), "acknowledged entries but no directory");
      return 0;
    }
    try (RaftStorage storage = RaftStorage.open(new FileChannelDisk(), dir, "crash-test", 1,
        StorageOptions.defaults().withSegmentSizeBytes(CrashChild.SEGMENT_SIZE_BYTES))) {
      List<Entry> entries = storage.restoredState().entries();
      for (Map.Entry<Long, String> a : acked.entrySet()) {
        long index = a.getKey();
        assertTrue(index <= entries.size(), "after kill " + run + ": acknowledged entry " + index
            + " missing; the log ends at " + entries.size());
        Entry e = entries.get((int) index - 1);
        assertEquals(index, e.index());
        assertEquals(a.getValue(), new String(e.data(), StandardCharsets.UTF_8),
            "after kill " + run + ": entry " + index);
      }
      return storage.lastIndex();
    }
  }

  private static Process start(Path dir, int run, Path stderr) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
        dir.toString(), Integer.toString(run));
    pb.redirectError(stderr.toFile());
    return pb.start();
  }

  /** Reads the child's stdout on a thread so the test can wait with a bound; EOF marks the end. */
  private static BlockingQueue<String> drain(Process child) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // The pipe breaks when the child is killed; whatever was read completely is in the queue.
      }
      lines.add(EOF);
    });
    reader.setDaemon(true);
    reader.start();
    return lines;
  }
}
