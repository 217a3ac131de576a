package io.raftkv.trace.render;

import io.raftkv.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;

/** Turns the trace module's {@link TraceEvent}s into the renderer's {@link Event}s. */
final class Events {
  private Events() {
  }

  static List<Event> from(List<TraceEvent> events) {
    List<Event> result = new ArrayList<>(events.size());
    for (TraceEvent e : events) {
      result.add(new Event(e.host(), e.seq(), e.clock().entries(), e.traceId(), e.action(),
          e.fields(), e.wallMicros()));
    }
    return result;
  }
}
