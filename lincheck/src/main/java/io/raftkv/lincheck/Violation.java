package io.raftkv.lincheck;

import java.util.List;

/**
 * Evidence that one key's history is not linearizable.
 *
 * @param key                 the key
 * @param keyHistory          every (normalized) operation recorded on that key
 * @param minimalHistory      a sub-history of {@code keyHistory} that still fails, shrunk by
 *                            removing operations while it kept failing (equal to
 *                            {@code keyHistory} when shrinking was off or found nothing)
 * @param linearization       the longest linearization prefix the search found for
 *                            {@code minimalHistory}, in order
 * @param stuckAt             the operation of {@code minimalHistory} that could not be placed
 *                            after that prefix, or {@code null} if unknown
 */
public record Violation(
    String key,
    List<Operation> keyHistory,
    List<Operation> minimalHistory,
    List<Operation> linearization,
    Operation stuckAt) {

  /** Copies the lists so the evidence cannot change under the caller. */
  public Violation {
    keyHistory = List.copyOf(keyHistory);
    minimalHistory = List.copyOf(minimalHistory);
    linearization = List.copyOf(linearization);
  }

  /** A readable account: the minimal failing history, the prefix and the stuck operation. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("key ").append(key).append(": not linearizable (")
        .append(keyHistory.size()).append(" operations, minimal failing sub-history ")
        .append(minimalHistory.size()).append(")\n");
    sb.append("minimal failing history (by invoke time):\n");
    minimalHistory.stream()
        .sorted(java.util.Comparator.comparingLong(Operation::invokeNanos))
        .forEach(op -> sb.append("  ").append(op).append('\n'));
    sb.append("longest linearization found:\n");
    for (int i = 0; i < linearization.size(); i++) {
      sb.append("  ").append(i + 1).append(". ").append(linearization.get(i).label()).append('\n');
    }
    sb.append("stuck at: ").append(stuckAt == null ? "?" : stuckAt.toString()).append('\n');
    return sb.toString();
  }
}
