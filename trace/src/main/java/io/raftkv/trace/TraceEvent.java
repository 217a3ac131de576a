package io.raftkv.trace;

import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * One event read back from a trace file: the host that recorded it, its {@code seq} (that
 * host's own clock entry, 1 for its first event), the vector clock after the event, the trace
 * id, the action name and fields (in recorded order; values String, Long, Boolean or Double),
 * and the wall-clock time in microseconds since the epoch (for display only: order comes from
 * the clocks). Treat {@code fields} as read-only.
 */
public record TraceEvent(String host, long seq, VectorClock clock, String traceId, String action,
    LinkedHashMap<String, Object> fields, long wallMicros) {

  /** Copies fields; all components must be non-null. */
  public TraceEvent {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(action, "action");
    fields = new LinkedHashMap<>(Objects.requireNonNull(fields, "fields"));
  }

  /**
   * True if this event happened before other: other's clock has seen this event
   * ({@code other.clock[host] >= seq}) and it is not this event itself.
   */
  public boolean happenedBefore(TraceEvent other) {
    return other.clock.get(host) >= seq && !(other.host.equals(host) && other.seq == seq);
  }

  /** A field as a String, or null if absent or not a String. */
  public String stringField(String name) {
    Object v = fields.get(name);
    return v instanceof String ? (String) v : null;
  }

  /** A field as a Long, or null if absent or not an integer. */
  public Long longField(String name) {
    Object v = fields.get(name);
    return v instanceof Long ? (Long) v : null;
  }

  /** The fields as a JSON object in recorded order. */
  public String fieldsJson() {
    StringBuilder b = new StringBuilder();
    JsonWriter.appendObject(b, fields);
    return b.toString();
  }

  /** {@code host#seq Action {fields}}, for reports. */
  public String describe() {
    return host + "#" + seq + " " + action + " " + fieldsJson();
  }

  @Override
  public String toString() {
    return describe();
  }
}
