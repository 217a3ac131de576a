package io.raftkv.trace.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raftkv.trace.ShivizLog;
import io.raftkv.trace.TraceEvent;
import io.raftkv.trace.TraceLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The renderer's positions (what --from/--to count and the page shows as #N) are the order of
 * the merged ShiViz log: the same partial order and the same tie-break.
 */
class PositionsMatchShivizTest {

  private static List<String> rendererOrder(List<TraceEvent> events) {
    List<String> ids = new ArrayList<>();
    for (Event e : new CausalGraph(Events.from(events)).order()) {
      ids.add(e.host + "#" + e.seq);
    }
    return ids;
  }

  private static List<String> shivizOrder(List<TraceEvent> events) {
    List<String> ids = new ArrayList<>();
    for (TraceEvent e : ShivizLog.order(events)) {
      ids.add(e.host() + "#" + e.seq());
    }
    return ids;
  }

  @Test
  void on_a_traced_run(@TempDir Path dir) throws Exception {
    new ForwardedPutRun(dir);
    List<TraceEvent> events = TraceLog.read(dir);
    assertEquals(shivizOrder(events), rendererOrder(events));
  }

  @Test
  void on_random_runs() {
    for (long seed = 0; seed < 200; seed++) {
      SimulatedRun run = new SimulatedRun(seed, 2 + (int) (seed % 5), 80, false);
      List<TraceEvent> events = new ArrayList<>();
      for (Event e : run.events) {
        events.add(new TraceEvent(e.host, e.seq, io.raftkv.trace.VectorClock.of(e.clock),
            e.traceId, e.action, new java.util.LinkedHashMap<>(), e.wallMicros % 7));
      }
      assertEquals(shivizOrder(events), rendererOrder(events), "seed " + seed);
    }
  }
}
