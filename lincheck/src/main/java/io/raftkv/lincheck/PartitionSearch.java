package io.raftkv.lincheck;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Decides whether the history of one key is linearizable: the Wing-Gong depth-first search over
 * call/return events with Lowe's memoization, following Porcupine (Anish Athalye).
 *
 * <p>Events sit in a doubly linked list sorted by time. The search walks the list from the
 * front; at a call event it tries to linearize that operation now (model accepts it and the
 * pair (set of linearized operations, model state) was not seen before), "lifting" the call and
 * its return out of the list and restarting from the front. Reaching a return event means the
 * operation returning there cannot be placed, so the last choice is undone (unlift) and the next
 * candidate after it is tried. The cache makes the search skip configurations that were already
 * explored from an equal state, which is what keeps it near-linear on real histories.
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
    prev[head] = NIL;
    next[head] = n == 0 ? NIL : 0;
    for (int pos = 0; pos < 2 * n; pos++) {
      prev[pos] = pos == 0 ? head : pos - 1;
      next[pos] = pos == 2 * n - 1 ? NIL : pos + 1;
    }
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
    Set<CacheKey> cache = new HashSet<>();
    long[] linearized = new long[(n + 63) >>> 6];
    int[] stackCall = new int[n];
    String[] stackState = new String[n];
    int depth = 0;
    String state = null; // every key starts absent
    int entry = next[head];
    long iterations = 0;
    recordDepth(stackCall, 0);
    while (next[head] != NIL) {
      if ((++iterations & CLOCK_MASK) == 0 && clock.getAsLong() - deadlineNanos > 0) {
        return PartitionResult.undecided();
      }
      if (match[entry] != NIL) {
        int op = opOf[entry];
        Operation o = ops[op];
        if (KvModel.accepts(state, o)) {
          String newState = KvModel.apply(state, o);
          linearized[op >>> 6] |= 1L << op;
          CacheKey probe = new CacheKey(linearized, newState);
          if (!cache.contains(probe)) {
            cache.add(new CacheKey(linearized.clone(), newState));
            stackCall[depth] = entry;
            stackState[depth] = state;
            depth++;
            if (depth > bestDepth) {
              recordDepth(stackCall, depth);
            }
            state = newState;
            lift(entry);
            entry = next[head];
          } else {
            linearized[op >>> 6] &= ~(1L << op);
            entry = next[entry];
          }
        } else {
          entry = next[entry];
        }
      } else {
        // A return: the operation returning here was not linearized before it, so this branch
        // is dead. Remember where the deepest branch died, for the report.
        if (depth == bestDepth && stuckOp == NIL) {
          stuckOp = opOf[entry];
        }
        if (depth == 0) {
          return PartitionResult.violation(bestPrefix, stuckOp);
        }
        depth--;
        entry = stackCall[depth];
        state = stackState[depth];
        int op = opOf[entry];
        linearized[op >>> 6] &= ~(1L << op);
        unlift(entry);
        entry = next[entry];
      }
    }
    return PartitionResult.passed();
  }

  private void recordDepth(int[] stackCall, int depth) {
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
