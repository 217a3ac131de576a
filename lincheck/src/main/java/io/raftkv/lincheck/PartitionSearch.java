package io.raftkv.lincheck;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Decides whether the history of one key is linearizable: the Wing-Gong depth-first search over
 * call/return events with Lowe's memoization, following Porcupine (Anish Athalye).
 *
 * <p>Events sit in a doubly linked list sorted by time. At each level of the search the
 * candidates are the calls before the first remaining return; the search tries to linearize one
 * (model accepts it and the pair (set of linearized operations, model state) was not seen
 * before), "lifting" its call and return out of the list and opening the next level. When a
 * level runs out of candidates, the operation returning first cannot be placed, so the last
 * choice is undone (unlift) and the next candidate of the level below is tried. The cache
 * makes the search skip configurations already explored from an equal state, and trying reads
 * that fit the state as the only candidate (see {@link #openLevel}) stops reads from branching;
 * together they keep it near-linear on real histories.
 */
final class PartitionSearch {

  private static final int NIL = -1;
  /** How many loop iterations between deadline checks: reading the clock is not free. */
  private static final int CLOCK_MASK = 1023;

  private final Operation[] ops;
  private final LongSupplier clock;
  private final long deadlineNanos;

  // Event arrays, index = position in time order; the head sentinel is index 2n.
  private final int[] opOf;
  private final int[] match; // call -> its return; NIL for returns
  private final int[] next;
  private final int[] prev;
  private final int head;
  /**
   * Cache entries allowed before giving up: a hard search can fill the heap long before the
   * deadline, and an OutOfMemoryError would take the whole test JVM down instead of answering
   * UNKNOWN. A quarter of the heap per search leaves room for the other parallel searches.
   */
  private final long maxCacheEntries;

  // Search state: the current path and where the scan is.
  private Set<CacheKey> cache;
  private long[] linearized;
  private int[] stackCall;
  private String[] stackState;
  private int[][] levelCandidates;
  private int[] levelNext;
  private int[] levelStuck;
  private int depth;
  private String state; // null: absent, as every key starts

  // Values by id (0: absent). producedId: the value a write may leave (NIL for reads);
  // observedId: the value a read-only call saw; producers: unlinearized writes per value.
  private final int[] producedId;
  private final int[] observedId;
  private final int[] producers;

  private int bestDepth = -1;
  private int[] bestPrefix = new int[0];
  private int stuckOp = NIL;

  private PartitionSearch(List<Operation> history, LongSupplier clock, long deadlineNanos) {
    this.ops = history.toArray(new Operation[0]);
    this.clock = clock;
    this.deadlineNanos = deadlineNanos;
    int n = ops.length;
    // Sort events by (time, calls before returns): on equal timestamps the two operations are
    // taken as concurrent, the conservative reading that avoids false alarms.
    Integer[] order = new Integer[2 * n];
    for (int i = 0; i < 2 * n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> {
      long ta = time(a);
      long tb = time(b);
      if (ta != tb) {
        return Long.compare(ta, tb);
      }
      return Boolean.compare(a >= n, b >= n);
    });
    this.opOf = new int[2 * n];
    this.match = new int[2 * n];
    this.next = new int[2 * n + 1];
    this.prev = new int[2 * n + 1];
    this.head = 2 * n;
    int[] callPos = new int[n];
    for (int pos = 0; pos < 2 * n; pos++) {
      int ev = order[pos];
      int op = ev % n;
      opOf[pos] = op;
      match[pos] = NIL;
      if (ev < n) {
        callPos[op] = pos;
      } else {
        match[callPos[op]] = pos;
      }
    }
    long bytesPerEntry = 8L * ((n + 63) >>> 6) + 96; // bitset, key object, set node
    this.maxCacheEntries = Runtime.getRuntime().maxMemory() / 4 / bytesPerEntry;
    Map<String, Integer> ids = new HashMap<>();
    this.producedId = new int[n];
    this.observedId = new int[n];
    for (int i = 0; i < n; i++) {
      Operation o = ops[i];
      observedId[i] = valueId(ids, o.output());
      producedId[i] = isReadOnly(o) ? NIL
          : o.kind() == Operation.Kind.GET ? NIL
          : o.kind() == Operation.Kind.DELETE ? 0 : valueId(ids, o.value());
    }
    this.producers = new int[ids.size() + 1];
    for (int i = 0; i < n; i++) {
      if (producedId[i] != NIL) {
        producers[producedId[i]]++;
      }
    }
    prev[head] = NIL;
    next[head] = n == 0 ? NIL : 0;
    for (int pos = 0; pos < 2 * n; pos++) {
      prev[pos] = pos == 0 ? head : pos - 1;
      next[pos] = pos == 2 * n - 1 ? NIL : pos + 1;
    }
  }

  private static int valueId(Map<String, Integer> ids, String value) {
    return value == null ? 0 : ids.computeIfAbsent(value, v -> ids.size() + 1);
  }

  /** Event {@code ev < n} is the call of op {@code ev}, otherwise the return of {@code ev - n}. */
  private long time(int ev) {
    int n = ops.length;
    return ev < n ? ops[ev].invokeNanos() : ops[ev - n].returnNanos();
  }

  /**
   * Checks one key's history (already normalized: no definite failures, ambiguous calls return
   * at {@link Long#MAX_VALUE}).
   *
   * @param clock         monotonic time source for the deadline
   * @param deadlineNanos give up (undecided) once {@code clock} passes this
   */
  static PartitionResult check(List<Operation> history, LongSupplier clock, long deadlineNanos) {
    return new PartitionSearch(history, clock, deadlineNanos).run();
  }

  private PartitionResult run() {
    int n = ops.length;
    cache = new HashSet<>();
    linearized = new long[(n + 63) >>> 6];
    stackCall = new int[n];
    stackState = new String[n];
    levelCandidates = new int[n + 1][];
    levelNext = new int[n + 1];
    levelStuck = new int[n + 1];
    recordDepth(0);
    openLevel();
    long iterations = 0;
    while (next[head] != NIL) {
      if ((++iterations & CLOCK_MASK) == 0
          && (clock.getAsLong() - deadlineNanos > 0 || cache.size() > maxCacheEntries)) {
        return PartitionResult.undecided();
      }
      int[] candidates = levelCandidates[depth];
      if (levelNext[depth] < candidates.length) {
        int call = candidates[levelNext[depth]++];
        if (KvModel.accepts(state, ops[opOf[call]]) && tryLinearize(call)) {
          openLevel();
        }
        continue;
      }
      // Every candidate failed: the operation returning first can no longer be placed, so this
      // branch is dead. Remember where the deepest branch died, for the report.
      if (depth == bestDepth && stuckOp == NIL) {
        stuckOp = levelStuck[depth];
      }
      if (depth == 0) {
        return PartitionResult.violation(bestPrefix, stuckOp);
      }
      depth--;
      int call = stackCall[depth];
      state = stackState[depth];
      int op = opOf[call];
      linearized[op >>> 6] &= ~(1L << op);
      if (producedId[op] != NIL) {
        producers[producedId[op]]++;
      }
      unlift(call);
    }
    return PartitionResult.passed();
  }

  /**
   * Computes the candidates of a new level: the calls before the first pending return (the
   * window; every one of them may come next, nothing else may). The order does not change the
   * verdict, only how soon a linearizable history finds its linearization:
   * <ul>
   *   <li>A read-only call that fits the current state is the only candidate. Putting it first
   *       loses no solution: it changes nothing, and every pending call was invoked before any
   *       pending return, so moving it ahead of the others breaks no real-time order.</li>
   *   <li>A read in the window that expects a value other than the current one, with no
   *       unlinearized write left that could produce it, can never be placed: the level has no
   *       candidates. Without this a dead read is only noticed at its return, after trying
   *       every order of the calls before it.</li>
   *   <li>Otherwise all window calls in time order, as Porcupine does. (Trying writes that
   *       feed a pending read first, or the earliest return first, measured slower on
   *       histories with many concurrent clients.)</li>
   * </ul>
   */
  private void openLevel() {
    int count = 0;
    int e = next[head];
    for (; e != NIL && match[e] != NIL; e = next[e]) {
      Operation o = ops[opOf[e]];
      if (isReadOnly(o) && KvModel.accepts(state, o)) {
        levelCandidates[depth] = new int[] {e};
        levelNext[depth] = 0;
        levelStuck[depth] = firstReturnOp();
        return;
      }
      count++;
    }
    levelStuck[depth] = e == NIL ? NIL : opOf[e];
    int dead = deadRead();
    if (dead != NIL) {
      levelCandidates[depth] = new int[0];
      levelNext[depth] = 0;
      levelStuck[depth] = dead;
      return;
    }
    int[] candidates = new int[count];
    int k = 0;
    for (e = next[head]; e != NIL && match[e] != NIL; e = next[e]) {
      candidates[k++] = e;
    }
    levelCandidates[depth] = candidates;
    levelNext[depth] = 0;
  }

  /** A window read that can never be satisfied any more, or NIL. */
  private int deadRead() {
    for (int e = next[head]; e != NIL && match[e] != NIL; e = next[e]) {
      int op = opOf[e];
      Operation o = ops[op];
      if (isReadOnly(o) && !KvModel.accepts(state, o) && producers[observedId[op]] == 0) {
        return op;
      }
    }
    return NIL;
  }

  private int firstReturnOp() {
    int e = next[head];
    while (e != NIL && match[e] != NIL) {
      e = next[e];
    }
    return e == NIL ? NIL : opOf[e];
  }

  private static boolean isReadOnly(Operation o) {
    return !o.isAmbiguous() && (o.kind() == Operation.Kind.GET
        || (o.kind() == Operation.Kind.CAS && !o.casSucceeded()));
  }

  /**
   * Linearizes {@code call} next unless (linearized set, state) was already explored, which in
   * a depth-first search means it failed.
   */
  private boolean tryLinearize(int call) {
    int op = opOf[call];
    String newState = KvModel.apply(state, ops[op]);
    linearized[op >>> 6] |= 1L << op;
    if (cache.contains(new CacheKey(linearized, newState))) {
      linearized[op >>> 6] &= ~(1L << op);
      return false;
    }
    cache.add(new CacheKey(linearized.clone(), newState));
    if (producedId[op] != NIL) {
      producers[producedId[op]]--;
    }
    stackCall[depth] = call;
    stackState[depth] = state;
    depth++;
    if (depth > bestDepth) {
      recordDepth(depth);
    }
    state = newState;
    lift(call);
    return true;
  }

  private void recordDepth(int depth) {
    bestDepth = depth;
    bestPrefix = new int[depth];
    for (int i = 0; i < depth; i++) {
      bestPrefix[i] = opOf[stackCall[i]];
    }
    stuckOp = NIL;
  }

  /** Removes a call and its return from the list; their own links are kept for unlift. */
  private void lift(int call) {
    int ret = match[call];
    next[prev[call]] = next[call];
    prev[next[call]] = prev[call]; // a call is always followed by at least its return
    next[prev[ret]] = next[ret];
    if (next[ret] != NIL) {
      prev[next[ret]] = prev[ret];
    }
  }

  /** Exactly undoes {@link #lift} (dancing links: reinsert in reverse order). */
  private void unlift(int call) {
    int ret = match[call];
    next[prev[ret]] = ret;
    if (next[ret] != NIL) {
      prev[next[ret]] = ret;
    }
    next[prev[call]] = call;
    prev[next[call]] = call;
  }

  /** (linearized set, model state): the memo key. Equal keys have equal futures. */
  private static final class CacheKey {
    private final long[] bits;
    private final String state;
    private final int hash;

    CacheKey(long[] bits, String state) {
      this.bits = bits;
      this.state = state;
      this.hash = Arrays.hashCode(bits) * 31 + (state == null ? 0 : state.hashCode());
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof CacheKey)) {
        return false;
      }
      CacheKey k = (CacheKey) o;
      return hash == k.hash && java.util.Objects.equals(state, k.state)
          && Arrays.equals(bits, k.bits);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
