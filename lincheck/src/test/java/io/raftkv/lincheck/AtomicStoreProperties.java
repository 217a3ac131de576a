package io.raftkv.lincheck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * An atomic in-memory store driven by real threads with random timing: whatever the
 * interleaving, its recorded history is linearizable (no false alarms on honest stores).
 */
class AtomicStoreProperties {

  /** Every call holds one lock for its whole effect, so each is atomic. */
  private static final class AtomicStore {
    private final Map<String, String> map = new HashMap<>();

    synchronized String get(String k) {
      return map.get(k);
    }

    synchronized void put(String k, String v) {
      map.put(k, v);
    }

    synchronized void delete(String k) {
      map.remove(k);
    }

    synchronized String cas(String k, String expected, String v) {
      String cur = map.get(k);
      if (Objects.equals(cur, expected)) {
        map.put(k, v);
      }
      return cur;
    }
  }

  @Property(tries = 25)
  void when_store_is_atomic_then_history_is_linearizable(
      @ForAll @IntRange(min = 2, max = 8) int threads,
      @ForAll @IntRange(min = 1, max = 3) int keys,
      @ForAll long seed) throws InterruptedException {
    AtomicStore store = new AtomicStore();
    HistoryRecorder rec = new HistoryRecorder();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int client = t;
      java.util.Random random = new java.util.Random(seed + t);
      workers.add(new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 60; i++) {
          String key = "k" + random.nextInt(keys);
          int kind = random.nextInt(10);
          if (kind < 4) {
            long id = rec.invokeGet(client, key);
            rec.ok(id, store.get(key));
          } else if (kind < 7) {
            String v = client + "-" + i;
            long id = rec.invokePut(client, key, v);
            store.put(key, v);
            rec.ok(id, null);
          } else if (kind < 8) {
            long id = rec.invokeDelete(client, key);
            store.delete(key);
            rec.ok(id, null);
          } else {
            String expected = random.nextBoolean() ? null : store.get(key);
            String v = client + "-cas-" + i;
            long id = rec.invokeCas(client, key, expected, v);
            String found = store.cas(key, expected, v);
            rec.okCas(id, Objects.equals(found, expected), found);
          }
          if (random.nextInt(8) == 0) {
            Thread.yield();
          }
        }
      }));
    }
    workers.forEach(Thread::start);
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    CheckResult r = LinearizabilityChecker.check(rec.history(), Duration.ofSeconds(10));
    assertEquals(CheckResult.Verdict.LINEARIZABLE, r.verdict(), r::report);
  }
}
