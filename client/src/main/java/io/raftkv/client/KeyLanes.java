package io.raftkv.client;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * One queue of operations per key, so operations on a key run one after another in op id order
 * while operations on different keys run concurrently. This is what gives the seed's ordering: the
 * next operation on a key is sent only after the previous one finished, so a Get sees this
 * client's latest earlier Put to its key and results on one key arrive in op id order.
 *
 * <p>The head of a queue is the running operation; the rest wait. A queue disappears when empty,
 * so memory follows the number of keys with operations outstanding, not every key ever used.
 */
final class KeyLanes {
  private final Map<ByteString, ArrayDeque<OpRun<?>>> lanes = new HashMap<>();

  /** Queues {@code op} behind the key's earlier operations; true if it is first and must start now. */
  synchronized boolean enqueue(ByteString key, OpRun<?> op) {
    ArrayDeque<OpRun<?>> lane = lanes.computeIfAbsent(key, k -> new ArrayDeque<>());
    lane.addLast(op);
    return lane.size() == 1;
  }

  /**
   * Removes a finished operation. An operation can finish while still waiting (its deadline passed
   * or the client closed), so it is removed wherever it is; only when the running head finishes
   * does the next one get its turn.
   *
   * @return the operation to start now, or null
   */
  synchronized OpRun<?> finish(ByteString key, OpRun<?> op) {
    ArrayDeque<OpRun<?>> lane = lanes.get(key);
    if (lane == null) {
      return null;
    }
    boolean wasHead = lane.peekFirst() == op;
    lane.removeFirstOccurrence(op); // OpRun keeps Object's identity equals
    if (lane.isEmpty()) {
      lanes.remove(key);
      return null;
    }
    return wasHead ? lane.peekFirst() : null;
  }

  /** Forgets every queue; used when the client closes and abandons every operation. */
  synchronized void clear() {
    lanes.clear();
  }
}
