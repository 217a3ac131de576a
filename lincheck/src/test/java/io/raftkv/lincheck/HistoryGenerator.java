package io.raftkv.lincheck;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Generates linearizable histories the honest way: concurrent clients in simulated time, each
 * call taking effect atomically at a random instant inside its interval, outputs computed by
 * a sequential model applied in that order. Every written value is unique, so an injected
 * stale read is a definite violation.
 */
final class HistoryGenerator {

  private final Random random;
  private final int clients;
  private final int keys;
  private final int maxLatency;
  private final int maxThink;
  private final boolean withCas;
  private int nextValue;

  HistoryGenerator(long seed, int clients, int keys, int maxLatency, int maxThink,
      boolean withCas) {
    this.random = new Random(seed);
    this.clients = clients;
    this.keys = keys;
    this.maxLatency = maxLatency;
    this.maxThink = maxThink;
    this.withCas = withCas;
  }

  /** About {@code total} operations spread over the keys. */
  List<Operation> generate(int total) {
    List<long[]> calls = new ArrayList<>(); // client, invoke, return, point, key, kind
    long[] clock = new long[clients];
    for (int i = 0; i < total; i++) {
      int c = i % clients;
      long invoke = clock[c] + random.nextInt(maxThink + 1);
      long ret = invoke + 1 + random.nextInt(maxLatency);
      long point = invoke + (long) (random.nextDouble() * (ret - invoke));
      clock[c] = ret + 1;
      int kind = random.nextInt(withCas ? 10 : 9);
      calls.add(new long[] {c, invoke, ret, point, random.nextInt(keys), kind});
    }
    calls.sort(Comparator.comparingLong(a -> a[3]));
    Map<String, String> store = new HashMap<>();
    List<Operation> history = new ArrayList<>();
    for (long[] a : calls) {
      int c = (int) a[0];
      String key = "k" + a[4];
      String current = store.get(key);
      int kind = (int) a[5];
      if (kind < 4) {
        history.add(Operation.get(c, key, current, a[1], a[2]));
      } else if (kind < 8) {
        String v = "v" + nextValue++;
        store.put(key, v);
        history.add(Operation.put(c, key, v, a[1], a[2]));
      } else if (kind == 8) {
        store.remove(key);
        history.add(Operation.delete(c, key, a[1], a[2]));
      } else {
        String expected = random.nextBoolean() ? current : "v" + random.nextInt(nextValue + 1);
        String v = "v" + nextValue++;
        boolean ok = Objects.equals(current, expected);
        if (ok) {
          store.put(key, v);
        }
        history.add(Operation.cas(c, key, expected, v, ok, current, a[1], a[2]));
      }
    }
    history.sort(Comparator.comparingLong(Operation::invokeNanos));
    return history;
  }

  /**
   * Replaces one read in the middle of {@code history} with a stale read: the value of a put
   * that was overwritten by another put, both completed before the read began.
   */
  static List<Operation> injectStaleRead(List<Operation> history) {
    List<Operation> out = new ArrayList<>(history);
    for (int i = out.size() / 2; i < out.size(); i++) {
      Operation g = out.get(i);
      if (g.kind() != Operation.Kind.GET) {
        continue;
      }
      Operation newer = null;
      for (Operation p : out) {
        if (p.key().equals(g.key()) && p.kind() == Operation.Kind.PUT
            && p.returnNanos() < g.invokeNanos()
            && (newer == null || p.invokeNanos() > newer.invokeNanos())) {
          newer = p;
        }
      }
      if (newer == null) {
        continue;
      }
      for (Operation p : out) {
        if (p.key().equals(g.key()) && p.kind() == Operation.Kind.PUT
            && p.returnNanos() < newer.invokeNanos()) {
          out.set(i, Operation.get(g.clientId(), g.key(), p.value(), g.invokeNanos(),
              g.returnNanos()));
          return out;
        }
      }
    }
    throw new IllegalStateException("no read to make stale");
  }
}
