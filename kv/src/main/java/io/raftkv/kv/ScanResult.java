package io.raftkv.kv;

import java.util.Arrays;
import java.util.List;

/**
 * The answer to {@link KvStateMachine#scan}: entries in unsigned key order.
 *
 * @param entries      copies of the entries found, at most the requested limit
 * @param more         whether entries beyond the last one returned exist; to continue, scan from
 *                     the last key with a 0x00 byte appended
 * @param appliedIndex the state machine's applied index at the time of the scan
 */
public record ScanResult(List<KeyValue> entries, boolean more, long appliedIndex) {

  public ScanResult {
    entries = List.copyOf(entries);
  }

  /** One key and its value. */
  public record KeyValue(byte[] key, byte[] value) {
    @Override
    public boolean equals(Object o) {
      return o instanceof KeyValue kv && Arrays.equals(kv.key, key) && Arrays.equals(kv.value, value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(key) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return KvBytes.printable(key) + "=" + KvBytes.printable(value);
    }
  }
}
