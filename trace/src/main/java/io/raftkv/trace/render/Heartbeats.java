package io.raftkv.trace.render;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the heartbeat events of a run: AppendEntries and AppendEntriesRecv with
 * {@code entries == 0}, and the AppendEntriesRes that answer such a Recv.
 *
 * <p>AppendEntriesRes carries no {@code entries} field (it has {@code valid, conflictIndex}), so
 * the Recv it answers is looked up: the latest AppendEntriesRecv of the same trace that happened
 * before it; failing that (no trace id shared), an AppendEntriesRecv just before it on its own
 * host or one that sent it a message. A Res whose Recv cannot be found is kept (shown). A Res
 * that does carry {@code entries} is judged by it directly.
 */
final class Heartbeats {
  static final String APPEND_ENTRIES = "AppendEntries";
  static final String APPEND_ENTRIES_RECV = "AppendEntriesRecv";
  static final String APPEND_ENTRIES_RES = "AppendEntriesRes";

  private Heartbeats() {
  }

  /** The heartbeat events of {@code graph}, compared by identity. */
  static Set<Event> find(CausalGraph graph) {
    Map<String, List<Event>> recvsByTrace = new HashMap<>();
    for (Event e : graph.order()) {
      if (e.action.equals(APPEND_ENTRIES_RECV) && e.traceId != null) {
        recvsByTrace.computeIfAbsent(e.traceId, t -> new ArrayList<>()).add(e);
      }
    }
    Set<Event> result = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Event e : graph.order()) {
      switch (e.action) {
        case APPEND_ENTRIES:
        case APPEND_ENTRIES_RECV:
          if (noEntries(e)) {
            result.add(e);
          }
          break;
        case APPEND_ENTRIES_RES:
          Event answered = e.fields.containsKey("entries") ? e : answeredRecv(e, graph,
              recvsByTrace.getOrDefault(e.traceId, List.of()));
          if (answered != null && noEntries(answered)) {
            result.add(e);
          }
          break;
        default:
          break;
      }
    }
    return result;
  }

  private static boolean noEntries(Event e) {
    Object n = e.fields.get("entries");
    return n instanceof Number && ((Number) n).longValue() == 0;
  }

  private static Event answeredRecv(Event res, CausalGraph graph, List<Event> sameTrace) {
    Event best = null;
    for (Event r : sameTrace) {   // in topological order, so the last match is the latest
      if (r.position > res.position) {
        break;
      }
      if (r.happenedBeforeOrIs(res)) {
        best = r;
      }
    }
    if (best != null) {
      return best;
    }
    Event previous = graph.previousOnHost(res);
    if (previous != null && previous.action.equals(APPEND_ENTRIES_RECV)) {
      return previous;
    }
    for (Event s : graph.senders(res)) {
      if (s.action.equals(APPEND_ENTRIES_RECV)) {
        return s;
      }
    }
    return null;
  }
}
