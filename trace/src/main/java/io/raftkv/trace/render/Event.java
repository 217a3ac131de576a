package io.raftkv.trace.render;

import java.util.Map;

/**
 * One traced event as the renderer sees it: the fields of a trace line plus its position in the
 * run's topological order (set once the order is known).
 */
final class Event {
  final String host;
  final long seq;
  final Map<String, Long> clock;
  final String traceId;
  final String action;
  final Map<String, Object> fields;
  final long wallMicros;
  /** Position in the run's topological order, 0-based; -1 until {@link CausalGraph} sets it. */
  int position = -1;

  Event(String host, long seq, Map<String, Long> clock, String traceId, String action,
      Map<String, Object> fields, long wallMicros) {
    this.host = host;
    this.seq = seq;
    this.clock = clock;
    this.traceId = traceId;
    this.action = action;
    this.fields = fields;
    this.wallMicros = wallMicros;
  }

  /** This event's entry for {@code otherHost} in its vector clock, 0 if absent. */
  long clockOf(String otherHost) {
    Long v = clock.get(otherHost);
    return v == null ? 0 : v;
  }

  /** True if this event happened before {@code other} (or is it): other's clock has seen it. */
  boolean happenedBeforeOrIs(Event other) {
    return other.clockOf(host) >= seq;
  }

  /** The operation this event belongs to, or null if its fields hold no clientId and opId. */
  OperationRef operation() {
    Object c = fields.get("clientId");
    Object o = fields.get("opId");
    if (c == null || !(o instanceof Number)) {
      return null;
    }
    return new OperationRef(String.valueOf(c), ((Number) o).longValue());
  }

  @Override
  public String toString() {
    return host + "#" + seq + " " + action;
  }
}
