package io.raftkv.lincheck;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Shrinks a failing key history to a smaller one that still fails (delta debugging: remove
 * chunks of operations, halving the chunk size when nothing can go), within a time budget.
 * A candidate counts as failing only if the search decides so; an undecided check keeps the
 * operations, so shrinking never turns a proof into a guess.
 *
 * <p>A candidate must also keep the writer of every value its reads observed. Without that rule
 * any stale read shrinks to the read alone ("read of a value never written"): still a failure,
 * but one that hides the actual anomaly the picture should show.
 */
final class Shrinker {

  private final LongSupplier clock;
  private final long deadlineNanos;
  private final Set<String> writtenOriginally;

  private Shrinker(LongSupplier clock, long deadlineNanos) {
    this.clock = clock;
    this.deadlineNanos = deadlineNanos;
    this.writtenOriginally = new HashSet<>();
  }

  /**
   * Returns a failing sub-history of {@code failing} (which must itself fail), as small as the
   * budget allowed.
   *
   * @param stuckOp the operation the search got stuck at in {@code failing}, or null
   */
  static List<Operation> shrink(List<Operation> failing, Operation stuckOp, LongSupplier clock,
      long deadlineNanos) {
    return new Shrinker(clock, deadlineNanos).run(failing, stuckOp);
  }

  private List<Operation> run(List<Operation> failing, Operation stuckOp) {
    writtenOriginally.addAll(written(failing));
    List<Operation> current = failing;
    // First cut: the search ran out of options at stuckOp, so the calls invoked after its
    // return usually play no part in the contradiction. One check tries dropping them all,
    // which on a long history leaves delta debugging a short one.
    if (stuckOp != null && stuckOp.returnNanos() != Long.MAX_VALUE) {
      List<Operation> prefix = new ArrayList<>();
      for (Operation op : current) {
        if (op.invokeNanos() <= stuckOp.returnNanos()) {
          prefix.add(op);
        }
      }
      if (prefix.size() < current.size() && fails(prefix)) {
        current = prefix;
      }
    }
    int chunk = Math.max(1, current.size() / 2);
    while (!expired()) {
      boolean removed = false;
      for (int start = 0; start < current.size() && !expired(); ) {
        List<Operation> candidate = new ArrayList<>(current.subList(0, start));
        candidate.addAll(current.subList(Math.min(current.size(), start + chunk), current.size()));
        if (!candidate.isEmpty() && fails(candidate)) {
          current = candidate;
          removed = true;
        } else {
          start += chunk;
        }
      }
      if (chunk == 1 && !removed) {
        break; // 1-minimal: no single operation can be removed
      }
      if (!removed || chunk > current.size() / 2) {
        chunk = Math.max(1, Math.min(chunk / 2, current.size() / 2));
      }
    }
    return current;
  }

  private boolean fails(List<Operation> history) {
    Set<String> written = written(history);
    for (Operation op : history) {
      String seen = observed(op);
      if (seen != null && writtenOriginally.contains(seen) && !written.contains(seen)) {
        return false;
      }
    }
    return PartitionSearch.check(history, clock, deadlineNanos).failed();
  }

  private static Set<String> written(List<Operation> history) {
    Set<String> values = new HashSet<>();
    for (Operation op : history) {
      if (op.kind() == Operation.Kind.PUT || op.kind() == Operation.Kind.CAS) {
        values.add(op.value());
      }
    }
    return values;
  }

  /** The value a completed read or CAS saw, or null. */
  private static String observed(Operation op) {
    if (op.isAmbiguous()
        || (op.kind() != Operation.Kind.GET && op.kind() != Operation.Kind.CAS)) {
      return null;
    }
    return op.output();
  }

  private boolean expired() {
    return clock.getAsLong() - deadlineNanos > 0;
  }
}
