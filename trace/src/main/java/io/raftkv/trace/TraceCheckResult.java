package io.raftkv.trace;

import java.util.List;
import java.util.Objects;

/**
 * What {@link TraceChecker} found: the violations, and notes (things worth knowing that break no
 * rule, such as a client that never stopped).
 */
public record TraceCheckResult(List<TraceViolation> violations, List<String> notes,
    int eventCount, int hostCount, int operationCount, int clientCount) {

  /** Copies the lists. */
  public TraceCheckResult {
    violations = List.copyOf(Objects.requireNonNull(violations, "violations"));
    notes = List.copyOf(Objects.requireNonNull(notes, "notes"));
  }

  /** True if no rule is broken. */
  public boolean clean() {
    return violations.isEmpty();
  }

  /** The violations of one rule. */
  public List<TraceViolation> violationsOf(TraceRule rule) {
    return violations.stream().filter(v -> v.rule() == rule).toList();
  }

  /** A summary line, each violation with its events, then the notes. */
  public String report() {
    StringBuilder b = new StringBuilder();
    b.append("trace check: ").append(eventCount).append(" events from ").append(hostCount)
        .append(" hosts, ").append(clientCount).append(" clients, ").append(operationCount)
        .append(" operations: ");
    b.append(clean() ? "no violations" : violations.size() + " violation"
        + (violations.size() == 1 ? "" : "s")).append('\n');
    for (TraceViolation v : violations) {
      b.append(v.describe()).append('\n');
    }
    for (String n : notes) {
      b.append("note: ").append(n).append('\n');
    }
    return b.toString();
  }
}
