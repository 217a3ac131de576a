package io.raftkv.lincheck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the common register anomalies in O(n log n), before the search: a read of a value that
 * no call wrote, a read of a value whose every writer was invoked after the read returned, and
 * a stale read (every writer of the value returned before some other write was invoked, and that
 * write returned before the read was invoked).
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
    List<Operation> definiteWrites = new ArrayList<>();
    for (Operation op : history) {
      if (mayWrite(op)) {
        writers.computeIfAbsent(op.kind() == Operation.Kind.DELETE ? null : op.value(),
            v -> new ArrayList<>()).add(op);
        if (!op.isAmbiguous()) {
          definiteWrites.add(op);
        }
      }
    }
    // Definite writes by invocation, with the earliest return among each suffix: "the earliest
    // return of a write invoked after time t" is then one binary search.
    definiteWrites.sort((a, b) -> Long.compare(a.invokeNanos(), b.invokeNanos()));
    int m = definiteWrites.size();
    long[] invokes = new long[m];
    int[] minReturnFrom = new int[m + 1];
    minReturnFrom[m] = -1;
    for (int i = m - 1; i >= 0; i--) {
      invokes[i] = definiteWrites.get(i).invokeNanos();
      int best = minReturnFrom[i + 1];
      minReturnFrom[i] = best >= 0 && definiteWrites.get(best).returnNanos()
          <= definiteWrites.get(i).returnNanos() ? best : i;
    }
    for (Operation read : history) {
      if (read.isAmbiguous()
          || (read.kind() != Operation.Kind.GET && read.kind() != Operation.Kind.CAS)) {
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
      long firstInvoke = Long.MAX_VALUE;
      long lastReturn = Long.MIN_VALUE; // absent also comes from the initial state, at -inf
      for (Operation w : ws) {
        firstInvoke = Math.min(firstInvoke, w.invokeNanos());
        lastReturn = Math.max(lastReturn, w.returnNanos());
      }
      if (v != null && firstInvoke > read.returnNanos()) {
        // Every writer of v began after the read ended: the read came first in any order.
        List<Operation> witness = new ArrayList<>(ws);
        witness.add(read);
        return witness;
      }
      // A definite write invoked after every writer of v returned (so it writes another value)
      // and returned before the read began sits between them in any order: the read is stale.
      int from = firstIndexAbove(invokes, lastReturn);
      int w2 = from < m ? minReturnFrom[from] : -1;
      if (w2 >= 0 && definiteWrites.get(w2).returnNanos() < read.invokeNanos()) {
        List<Operation> witness = new ArrayList<>(ws);
        witness.add(definiteWrites.get(w2));
        witness.add(read);
        return witness;
      }
    }
    return null;
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
