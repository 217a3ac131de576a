package io.raftkv.kv;

import java.util.Arrays;

/**
 * The answer to {@link KvStateMachine#get}: the value, and the applied index it was read at so a
 * caller can tell how fresh it is (a linearizable read waits until this reaches its read index).
 *
 * @param value        a copy of the value, or null if the key is absent
 * @param appliedIndex the state machine's applied index at the time of the read
 */
public record ReadResult(byte[] value, long appliedIndex) {

  /** Whether the key was present. */
  public boolean found() {
    return value != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReadResult r && r.appliedIndex == appliedIndex
        && Arrays.equals(r.value, value);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(appliedIndex) * 31 + KvBytes.hash(value);
  }

  @Override
  public String toString() {
    return "ReadResult[" + KvBytes.printable(value) + " at " + appliedIndex + "]";
  }
}
