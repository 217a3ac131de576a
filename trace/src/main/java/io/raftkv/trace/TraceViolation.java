package io.raftkv.trace;

import java.util.List;
import java.util.Objects;

/** One broken rule: which, what exactly went wrong, and the events involved. */
public record TraceViolation(TraceRule rule, String message, List<TraceEvent> events) {
  /** Copies events. */
  public TraceViolation {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(message, "message");
    events = List.copyOf(events);
  }

  /** The rule, the message and one line per event ({@code host#seq Action {fields}}). */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append("[").append(rule).append("] ").append(rule.description()).append(": ")
        .append(message);
    for (TraceEvent e : events) {
      b.append("\n    ").append(e.describe());
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return describe();
  }
}
