package io.raftkv.lincheck;

/**
 * The verdict on one key's history, in indices into that history.
 *
 * @param decided      false when the deadline passed first
 * @param linearizable meaningful only when decided
 * @param prefix       on a violation: the longest linearization found (operation indices in
 *                     linearization order)
 * @param stuckOp      on a violation: the operation that could not be placed after that prefix
 *                     (-1 if unknown)
 */
record PartitionResult(boolean decided, boolean linearizable, int[] prefix, int stuckOp) {

  static PartitionResult passed() {
    return new PartitionResult(true, true, new int[0], -1);
  }

  static PartitionResult undecided() {
    return new PartitionResult(false, false, new int[0], -1);
  }

  static PartitionResult violation(int[] prefix, int stuckOp) {
    return new PartitionResult(true, false, prefix, stuckOp);
  }

  boolean failed() {
    return decided && !linearizable;
  }
}
