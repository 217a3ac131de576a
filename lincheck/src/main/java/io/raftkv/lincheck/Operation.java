package io.raftkv.lincheck;

import java.util.Objects;

/**
 * One recorded client call on a single key: what was asked, what came back, and when.
 *
 * <p>Values are {@link String}s compared by content; {@code null} means "absent" (no value under
 * the key). Callers holding {@code byte[]} values encode them first (for example Base64 or
 * ISO-8859-1), which keeps histories printable in reports, timelines and {@link HistoryIO} files.
 *
 * <p>Meaning of the value fields per {@link Kind}:
 * <ul>
 *   <li>{@code GET}: {@code output} is the value read ({@code null}: absent).</li>
 *   <li>{@code PUT}: {@code value} is the value written.</li>
 *   <li>{@code DELETE}: no values.</li>
 *   <li>{@code CAS}: sets {@code value} if the current value equals {@code expected}
 *       ({@code null}: expects absent); {@code casSucceeded} says whether it did and
 *       {@code output} is the value it found (equal to {@code expected} on success).</li>
 * </ul>
 *
 * <p>Times are from one monotonic clock (nanoseconds); {@code invokeNanos <= returnNanos}. An
 * {@link Outcome#AMBIGUOUS} call may or may not have taken effect: its output is ignored and the
 * checker treats it as returning at +infinity, i.e. concurrent with everything after its start.
 *
 * @param clientId     the calling client (one row in the timeline); a client's calls should not
 *                     overlap each other, though the checker does not require it
 * @param kind         the operation
 * @param key          the key; histories are checked per key
 * @param expected     CAS only: the value expected, {@code null} for absent
 * @param value        PUT: value written; CAS: new value; otherwise {@code null}
 * @param output       GET: value read; CAS: value found; otherwise {@code null}
 * @param casSucceeded CAS only: whether the swap happened
 * @param invokeNanos  when the call was issued
 * @param returnNanos  when its answer arrived ({@link Long#MAX_VALUE} if it never did)
 * @param outcome      how the call ended
 */
public record Operation(
    int clientId,
    Kind kind,
    String key,
    String expected,
    String value,
    String output,
    boolean casSucceeded,
    long invokeNanos,
    long returnNanos,
    Outcome outcome) {

  /** The operations of the key-value model. */
  public enum Kind { GET, PUT, DELETE, CAS }

  /** How a call ended, as far as the client knows. */
  public enum Outcome {
    /** Answered: the call took effect once and the output is what the store returned. */
    OK,
    /** Known not to have taken effect (for example rejected before being proposed). Dropped. */
    FAILED_DEFINITELY,
    /** Timed out or failed in a way that leaves open whether it took effect. */
    AMBIGUOUS
  }

  /** Validates the fields that the checker relies on. */
  public Operation {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(outcome, "outcome");
    if (returnNanos < invokeNanos) {
      throw new IllegalArgumentException(
          "returnNanos " + returnNanos + " before invokeNanos " + invokeNanos);
    }
    if (kind == Kind.PUT && value == null) {
      throw new IllegalArgumentException("PUT needs a value");
    }
    if (kind == Kind.CAS && value == null) {
      throw new IllegalArgumentException("CAS needs a new value");
    }
  }

  /** A completed read that returned {@code result} ({@code null}: absent). */
  public static Operation get(int clientId, String key, String result, long invoke, long ret) {
    return new Operation(clientId, Kind.GET, key, null, null, result, false, invoke, ret,
        Outcome.OK);
  }

  /** A completed write of {@code value}. */
  public static Operation put(int clientId, String key, String value, long invoke, long ret) {
    return new Operation(clientId, Kind.PUT, key, null, value, null, false, invoke, ret,
        Outcome.OK);
  }

  /** A completed delete. */
  public static Operation delete(int clientId, String key, long invoke, long ret) {
    return new Operation(clientId, Kind.DELETE, key, null, null, null, false, invoke, ret,
        Outcome.OK);
  }

  /**
   * A completed compare-and-set from {@code expected} to {@code newValue}.
   *
   * @param succeeded whether the store reported the swap
   * @param found     the value the store found ({@code null}: absent)
   */
  public static Operation cas(int clientId, String key, String expected, String newValue,
      boolean succeeded, String found, long invoke, long ret) {
    return new Operation(clientId, Kind.CAS, key, expected, newValue, found, succeeded, invoke,
        ret, Outcome.OK);
  }

  /**
   * This call marked as ambiguous: it may or may not have taken effect, its output is unknown
   * and it never returned as far as the checker is concerned.
   */
  public Operation ambiguous() {
    return new Operation(clientId, kind, key, expected, value, null, false, invokeNanos,
        Long.MAX_VALUE, Outcome.AMBIGUOUS);
  }

  /** This call marked as definitely failed (it never took effect). */
  public Operation failedDefinitely() {
    return new Operation(clientId, kind, key, expected, value, output, casSucceeded, invokeNanos,
        returnNanos, Outcome.FAILED_DEFINITELY);
  }

  /** Whether the call may or may not have taken effect. */
  public boolean isAmbiguous() {
    return outcome == Outcome.AMBIGUOUS;
  }

  /** A short label such as {@code put(k,v)}, {@code get(k)->v} or {@code cas(k,a->b)->ok}. */
  public String label() {
    String out = isAmbiguous() ? " ?" : "";
    switch (kind) {
      case GET:
        return "get(" + key + ")" + (isAmbiguous() ? out : "->" + show(output));
      case PUT:
        return "put(" + key + "," + show(value) + ")" + out;
      case DELETE:
        return "delete(" + key + ")" + out;
      default:
        return "cas(" + key + "," + show(expected) + "->" + show(value) + ")"
            + (isAmbiguous() ? out : (casSucceeded ? "->ok" : "->fail:" + show(output)));
    }
  }

  @Override
  public String toString() {
    String end = returnNanos == Long.MAX_VALUE ? "inf" : Long.toString(returnNanos);
    return "c" + clientId + " " + label() + " [" + invokeNanos + ", " + end + "]"
        + (outcome == Outcome.OK ? "" : " " + outcome);
  }

  private static String show(String v) {
    return v == null ? "<absent>" : v;
  }
}
