package io.raftkv.lincheck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the common register anomalies in O(n log n), before the search: a read of a value that
 * no call wrote, a read of a value whose every writer was invoked after the read returned, and
 * a stale read: after every writer of the value returned, another value was set (a write
 * invoked later, or a read of a value all of whose writers were invoked later) and that was
 * over before the read was invoked. The last covers lost writes and two reads out of order.
 *
 * <p>Why bother when the search finds them too: to prove a history fails, the search must
 * exhaust every linearization of everything before the anomaly, which with many concurrent
 * clients on a key can take longer than the timeout. These patterns are proofs on their own
 * (each argument is in {@link #find}) and come with a witness of a few calls, which the search
 * then re-checks and explains.
 */
final class StaleReadFinder {

  private StaleReadFinder() {
  }

  /**
   * A sub-history that is not linearizable and proves {@code history} is not either (it holds
   * every writer of the value read), or null if none of the patterns occurs.
   */
  static List<Operation> find(List<Operation> history) {
    Map<String, List<Operation>> writers = new HashMap<>();
    for (Operation op : history) {
      if (mayWrite(op)) {
        writers.computeIfAbsent(op.kind() == Operation.Kind.DELETE ? null : op.value(),
            v -> new ArrayList<>()).add(op);
      }
    }
    Map<String, Long> firstInvoke = new HashMap<>();
    writers.forEach((v, ws) -> firstInvoke.put(v,
        ws.stream().mapToLong(Operation::invokeNanos).min().orElse(Long.MAX_VALUE)));
    // Evidence that the key held some value set strictly after time `after`, no later than
    // `ret`: a definite write (after = its invocation), or a completed read of a non-absent
    // value u (after = the first invocation of any writer of u; the write it saw came later).
    List<Evidence> evidence = new ArrayList<>();
    for (Operation op : history) {
      if (op.isAmbiguous()) {
        continue;
      }
      if (mayWrite(op)) {
        evidence.add(new Evidence(op.invokeNanos(), op.returnNanos(), op, null));
      }
      if (observes(op) && op.output() != null && writers.containsKey(op.output())) {
        evidence.add(new Evidence(firstInvoke.get(op.output()), op.returnNanos(), op,
            op.output()));
      }
    }
    // Sorted by `after`, with the earliest `ret` of each suffix: "the earliest evidence set after
    // time t" is then one binary search.
    evidence.sort((a, b) -> Long.compare(a.after, b.after));
    int m = evidence.size();
    long[] afters = new long[m];
    int[] minReturnFrom = new int[m + 1];
    minReturnFrom[m] = -1;
    for (int i = m - 1; i >= 0; i--) {
      afters[i] = evidence.get(i).after;
      int best = minReturnFrom[i + 1];
      minReturnFrom[i] = best >= 0 && evidence.get(best).ret <= evidence.get(i).ret ? best : i;
    }
    for (Operation read : history) {
      if (read.isAmbiguous() || !observes(read)) {
        continue;
      }
      String v = read.output();
      List<Operation> ws = writers.getOrDefault(v, List.of());
      if (ws.contains(read)) {
        continue; // a CAS from v to v: its own write muddles the argument; leave it to the search
      }
      if (v != null && ws.isEmpty()) {
        // Nothing ever produced v (a key starts absent): no order lets the read see it.
        return List.of(read);
      }
      long lastReturn = Long.MIN_VALUE; // absent also comes from the initial state, at -inf
      for (Operation w : ws) {
        lastReturn = Math.max(lastReturn, w.returnNanos());
      }
      if (v != null && firstInvoke.get(v) > read.returnNanos()) {
        // Every writer of v began after the read ended: the read came first in any order.
        List<Operation> witness = new ArrayList<>(ws);
        witness.add(read);
        return witness;
      }
      // Evidence of another value set after every writer of v returned, and over before the
      // read began, sits between them in any order: the read is stale. (The value differs from
      // v: every writer of v was invoked before lastReturn.)
      int from = firstIndexAbove(afters, lastReturn);
      int e = from < m ? minReturnFrom[from] : -1;
      if (e >= 0 && evidence.get(e).ret < read.invokeNanos()) {
        Evidence ev = evidence.get(e);
        List<Operation> witness = new ArrayList<>(ws);
        if (ev.seenValue != null) {
          witness.addAll(writers.get(ev.seenValue));
        }
        if (!witness.contains(ev.op)) {
          witness.add(ev.op);
        }
        witness.add(read);
        return witness;
      }
    }
    return null;
  }

  /** See {@link #find}; {@code seenValue} is the value a read saw, null for a write. */
  private static final class Evidence {
    final long after;
    final long ret;
    final Operation op;
    final String seenValue;

    Evidence(long after, long ret, Operation op, String seenValue) {
      this.after = after;
      this.ret = ret;
      this.op = op;
      this.seenValue = seenValue;
    }
  }

  /** Calls whose output is the value they found: gets and CAS. */
  private static boolean observes(Operation op) {
    return op.kind() == Operation.Kind.GET || op.kind() == Operation.Kind.CAS;
  }

  /** Calls that may leave a value (null for a delete): what a read could have seen. */
  private static boolean mayWrite(Operation op) {
    switch (op.kind()) {
      case PUT:
      case DELETE:
        return true;
      case CAS:
        return op.isAmbiguous() || op.casSucceeded();
      default:
        return false;
    }
  }

  /** Index of the first element strictly greater than {@code t} in the sorted array. */
  private static int firstIndexAbove(long[] sorted, long t) {
    int i = Arrays.binarySearch(sorted, t);
    if (i < 0) {
      return -i - 1;
    }
    while (i < sorted.length && sorted[i] == t) {
      i++;
    }
    return i;
  }
}
