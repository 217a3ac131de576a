package io.raftkv.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.Entry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Heap footprint of 1,000,000 keys with 100-byte values: the target is under 3x the raw key and
 * value bytes. Slow and GC-sensitive, so it runs only with {@code -Dkv.memory=true}:
 *
 * <pre>mvn -B -o -pl kv test -Dkv.memory=true -Dtest=MemoryFootprintTest</pre>
 */
@EnabledIfSystemProperty(named = "kv.memory", matches = "true")
class MemoryFootprintTest {
  private static final int KEYS = 1_000_000;
  private static final int VALUE_BYTES = 100;

  private static long usedHeapAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    // several rounds: one System.gc() may leave floating garbage behind
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  @Test
  void when_million_100_byte_values_stored_then_heap_is_under_three_times_raw_bytes()
      throws InterruptedException {
    long before = usedHeapAfterGc();
    KvStateMachine sm = new KvStateMachine(KvConfig.defaults());
    byte[] value = new byte[VALUE_BYTES];
    for (int i = 0; i < KEYS; i++) {
      byte[] key = String.format("key-%012d", i).getBytes(StandardCharsets.US_ASCII);
      value[0] = (byte) i;
      Command put = new Command.Put(7, i + 1, 1_000 + i, key, value);
      sm.apply(Entry.normal(i + 1, 1, CommandCodec.encode(put)));
    }
    long after = usedHeapAfterGc();
    Reference.reachabilityFence(sm);

    assertEquals(KEYS, sm.size());
    long raw = sm.dataBytes();
    long heap = after - before;
    double ratio = (double) heap / raw;
    System.out.printf("kv memory: %d keys, raw %d bytes (%.1f per entry), heap %d bytes"
            + " (%.1f per entry), %.2fx raw%n",
        KEYS, raw, (double) raw / KEYS, heap, (double) heap / KEYS, ratio);
    assertTrue(ratio < 3.0, "heap is " + ratio + "x the raw bytes");

    // for information: what a snapshot of this state costs
    long start = System.nanoTime();
    byte[] snapshot = Snapshots.bytes(sm);
    long written = System.nanoTime();
    KvStateMachine copy = new KvStateMachine(KvConfig.defaults());
    Snapshots.restore(copy, snapshot);
    long restored = System.nanoTime();
    assertEquals(sm.stateHash(), copy.stateHash());
    System.out.printf("kv snapshot: %d bytes, written in %d ms, restored in %d ms%n",
        snapshot.length, (written - start) / 1_000_000, (restored - written) / 1_000_000);
  }
}
