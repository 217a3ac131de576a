package io.raftkv.lincheck;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link LinearizabilityChecker#check}.
 *
 * @param verdict     the overall verdict; a violation on any key wins over a timeout on another,
 *                    since one failing key is enough to reject the history
 * @param violation   present iff the verdict is {@link Verdict#NOT_LINEARIZABLE}: the failing key
 *                    with the fewest operations (the smallest failing key history)
 * @param failingKeys every key found not linearizable
 * @param undecidedKeys keys whose check ran out of time
 * @param operations  operations checked (after dropping definite failures and ambiguous reads)
 * @param elapsedNanos wall time of the check, shrinking included
 */
public record CheckResult(
    Verdict verdict,
    Optional<Violation> violation,
    List<String> failingKeys,
    List<String> undecidedKeys,
    int operations,
    long elapsedNanos) {

  /** The three possible answers. */
  public enum Verdict {
    /** Every key's history has a linearization. */
    LINEARIZABLE,
    /** Some key's history has none; see {@link CheckResult#violation()}. */
    NOT_LINEARIZABLE,
    /** No violation found, but the time ran out on some key before it was decided. */
    UNKNOWN
  }

  /** Copies the lists. */
  public CheckResult {
    failingKeys = List.copyOf(failingKeys);
    undecidedKeys = List.copyOf(undecidedKeys);
  }

  /** Whether the verdict is {@link Verdict#LINEARIZABLE}. */
  public boolean isLinearizable() {
    return verdict == Verdict.LINEARIZABLE;
  }

  /** A summary line, followed on a violation by {@link Violation#describe()}. */
  public String report() {
    String head = String.format("%s: %d operations in %.1f ms", verdict, operations,
        elapsedNanos / 1e6);
    if (!failingKeys.isEmpty()) {
      head += ", failing keys " + failingKeys;
    }
    if (!undecidedKeys.isEmpty()) {
      head += ", undecided keys " + undecidedKeys;
    }
    return head + "\n" + violation.map(Violation::describe).orElse("");
  }
}
