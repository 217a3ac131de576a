package io.raftkv.trace.render;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The space-time diagram of a run after the options are applied: columns (hosts), the visible
 * events with their row, the message arrows between visible events and the highlighted operation.
 *
 * <p>Rows follow the topological order (which puts the earliest wall-clock time first among
 * events free to go): each event sits on the row of the event before it in that order, unless it
 * must go lower, one row below the previous visible event of its host and below every visible
 * event that sent it a message. So arrows always point down, consecutive independent events share
 * a row, and height stands for time: nothing is drawn above an event that came before it. (Packing
 * every event as high as causality allows would be shorter, but would float a client's late
 * request up beside the first election.) Messages are derived on the whole run, then kept if both
 * ends are visible.
 */
final class Diagram {
  private static final Pattern TRAILING_NUMBER = Pattern.compile("^(\\D*?)(\\d+)$");

  final List<String> hosts;
  final List<Event> events = new ArrayList<>();
  final List<Event[]> arrows = new ArrayList<>();
  final Set<Event> highlighted = Collections.newSetFromMap(new IdentityHashMap<>());
  final int totalEvents;
  final int heartbeatsHidden;
  final RenderOptions options;
  private final Map<String, Integer> columns = new HashMap<>();
  private final Map<Event, Integer> rows = new IdentityHashMap<>();
  private int rowCount;

  Diagram(CausalGraph graph, RenderOptions options) {
    this.options = options;
    this.totalEvents = graph.order().size();
    if (options.fromPosition() >= totalEvents && totalEvents > 0) {
      throw new IllegalArgumentException("--from " + options.fromPosition() + ": the run has only "
          + totalEvents + " events (positions 0.." + (totalEvents - 1) + ")");
    }
    Set<String> allHosts = graph.byHost().keySet();
    Set<String> selectedHosts = new LinkedHashSet<>(allHosts);
    if (!options.hosts().isEmpty()) {
      for (String h : options.hosts()) {
        if (!allHosts.contains(h)) {
          throw new IllegalArgumentException("--hosts: no host '" + h + "' in this run; its hosts "
              + "are " + sortedHosts(allHosts));
        }
      }
      selectedHosts = new LinkedHashSet<>(options.hosts());
    }
    this.hosts = sortedHosts(selectedHosts);
    for (int i = 0; i < hosts.size(); i++) {
      columns.put(hosts.get(i), i);
    }
    Set<Event> heartbeats = options.hideHeartbeats() ? Heartbeats.find(graph) : Set.of();
    int hidden = 0;
    for (Event e : graph.order()) {
      if (e.position < options.fromPosition() || e.position >= options.toPosition()
          || !columns.containsKey(e.host)) {
        continue;
      }
      if (heartbeats.contains(e)) {
        hidden++;
        continue;
      }
      events.add(e);
    }
    this.heartbeatsHidden = hidden;
    layOut(graph);
    options.operation().ifPresent(op -> highlight(graph, op));
  }

  /** The column of {@code host}. */
  int column(Event e) {
    return columns.get(e.host);
  }

  /** The row of a visible event. */
  int row(Event e) {
    return rows.get(e);
  }

  /** Number of rows (one more than the largest row). */
  int rowCount() {
    return rowCount;
  }

  /** True if the arrow between two visible events belongs to the highlighted operation. */
  boolean highlighted(Event[] arrow) {
    return highlighted.contains(arrow[0]) && highlighted.contains(arrow[1]);
  }

  private void layOut(CausalGraph graph) {
    Map<String, Integer> lastRowOfHost = new HashMap<>();
    int currentRow = 0;
    for (Event e : events) {   // topological order: senders and predecessors come first
      int row = Math.max(currentRow, lastRowOfHost.getOrDefault(e.host, -1) + 1);
      for (Event s : graph.senders(e)) {
        Integer senderRow = rows.get(s);
        if (senderRow != null) {
          arrows.add(new Event[] {s, e});
          row = Math.max(row, senderRow + 1);
        }
      }
      rows.put(e, row);
      currentRow = row;
      lastRowOfHost.put(e.host, row);
      rowCount = Math.max(rowCount, row + 1);
    }
  }

  private void highlight(CausalGraph graph, OperationRef op) {
    boolean inRun = false;
    for (Event e : graph.order()) {
      if (op.equals(e.operation())) {
        inRun = true;
        if (rows.containsKey(e)) {
          highlighted.add(e);
        }
      }
    }
    if (!inRun) {
      throw new IllegalArgumentException("--op " + op + ": no event of this run has clientId "
          + op.clientId() + " and opId " + op.opId());
    }
  }

  /**
   * Clients first, then by node number with server before raft before other names, e.g.
   * client1, client2, server1, raft1, server2, raft2.
   */
  static List<String> sortedHosts(Set<String> names) {
    List<String> sorted = new ArrayList<>(names);
    sorted.sort(Comparator.comparingInt((String h) -> h.startsWith("client") ? 0 : 1)
        .thenComparingLong(Diagram::number)
        .thenComparingInt(Diagram::kindRank)
        .thenComparing(Comparator.naturalOrder()));
    return sorted;
  }

  private static long number(String host) {
    Matcher m = TRAILING_NUMBER.matcher(host);
    if (!m.matches() || m.group(2).length() > 18) {
      return Long.MAX_VALUE;
    }
    return Long.parseLong(m.group(2));
  }

  private static int kindRank(String host) {
    if (host.startsWith("server")) {
      return 0;
    }
    return host.startsWith("raft") ? 1 : 2;
  }
}
