package io.raftkv.lincheck;

import java.util.List;

/**
 * The verdict on one key's history, in indices into that history.
 *
 * @param decided      false when the deadline passed first
 * @param linearizable meaningful only when decided
 * @param prefix       on a violation: the longest linearization found (operation indices in
 *                     linearization order)
 * @param stuckOp      on a violation: the operation that could not be placed after that prefix
 *                     (-1 if unknown)
 * @param witness      null, or the small failing sub-history the violation was found in; then
 *                     {@code prefix} and {@code stuckOp} index into it instead
 */
record PartitionResult(boolean decided, boolean linearizable, int[] prefix, int stuckOp,
    List<Operation> witness) {

  static PartitionResult passed() {
    return new PartitionResult(true, true, new int[0], -1, null);
  }

  static PartitionResult undecided() {
    return new PartitionResult(false, false, new int[0], -1, null);
  }

  static PartitionResult violation(int[] prefix, int stuckOp) {
    return new PartitionResult(true, false, prefix, stuckOp, null);
  }

  /** This violation, found in {@code witness}. */
  PartitionResult in(List<Operation> witness) {
    return new PartitionResult(decided, linearizable, prefix, stuckOp, witness);
  }

  boolean failed() {
    return decided && !linearizable;
  }
}
