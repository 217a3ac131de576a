package io.raftkv.trace.render;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * The causal structure of a run, derived from the vector clocks alone: each host's events in
 * seq order, the messages between hosts, and one topological order of all events.
 *
 * <p><b>Messages.</b> An event e on host B received a message from host A when e's clock entry
 * for A is larger than that of B's previous event: A's latest event with a seq at most that entry
 * happened before e, and B learned of it just now. When B learned of several hosts at once (A
 * sent to C, C sent to B), only the senders that did not happen before another sender are kept,
 * so the diagram shows C to B and not the transitive A to B. A seq of A that no recorded event
 * carries (a token generated without an event) falls back to A's latest earlier event.
 *
 * <p><b>Order.</b> Kahn's algorithm over the host orders and the messages; among events ready at
 * the same time the earliest wallMicros goes first, then host name, then seq, so the order is
 * deterministic. This is the rule of {@link io.raftkv.trace.ShivizLog#order}, so position N is
 * the Nth event of the run's ShiViz log (PositionsMatchShivizTest); unlike ShiViz, the renderer
 * also draws runs whose clocks name events it does not have (a missing file, a seq gap).
 */
final class CausalGraph {
  private final Map<String, List<Event>> byHost = new TreeMap<>();
  private final Map<Event, List<Event>> senders = new IdentityHashMap<>();
  private final List<Event> order;

  /**
   * @throws IllegalArgumentException if two events of a host share a seq, or the clocks
   *     contradict each other (a cycle)
   */
  CausalGraph(List<Event> events) {
    for (Event e : events) {
      byHost.computeIfAbsent(e.host, h -> new ArrayList<>()).add(e);
    }
    for (List<Event> hostEvents : byHost.values()) {
      hostEvents.sort(Comparator.comparingLong(e -> e.seq));
      for (int i = 1; i < hostEvents.size(); i++) {
        if (hostEvents.get(i).seq == hostEvents.get(i - 1).seq) {
          throw new IllegalArgumentException("two events on host " + hostEvents.get(i).host
              + " have seq " + hostEvents.get(i).seq + ": " + hostEvents.get(i - 1).action
              + " and " + hostEvents.get(i).action);
        }
      }
    }
    for (List<Event> hostEvents : byHost.values()) {
      for (int i = 0; i < hostEvents.size(); i++) {
        Event e = hostEvents.get(i);
        senders.put(e, deriveSenders(e, i == 0 ? null : hostEvents.get(i - 1)));
      }
    }
    order = Collections.unmodifiableList(topologicalOrder(events.size()));
    for (int i = 0; i < order.size(); i++) {
      order.get(i).position = i;
    }
  }

  /** All events in topological order; each event's {@code position} is its index here. */
  List<Event> order() {
    return order;
  }

  /** The hosts, each with its events in seq order. */
  Map<String, List<Event>> byHost() {
    return Collections.unmodifiableMap(byHost);
  }

  /** The events that sent {@code e} a message (none for most events), earliest host first. */
  List<Event> senders(Event e) {
    return senders.getOrDefault(e, List.of());
  }

  /** The event before {@code e} on its own host, or null if e is its host's first. */
  Event previousOnHost(Event e) {
    List<Event> hostEvents = byHost.get(e.host);
    int i = Collections.binarySearch(hostEvents, e, Comparator.comparingLong(x -> x.seq));
    return i > 0 ? hostEvents.get(i - 1) : null;
  }

  private List<Event> deriveSenders(Event e, Event previous) {
    List<Event> candidates = new ArrayList<>();
    for (Map.Entry<String, Long> entry : new TreeMap<>(e.clock).entrySet()) {
      String other = entry.getKey();
      if (other.equals(e.host)) {
        continue;
      }
      long known = previous == null ? 0 : previous.clockOf(other);
      if (entry.getValue() <= known) {
        continue;
      }
      Event s = latestAtMost(other, entry.getValue());
      if (s != null && s.seq > known) {
        candidates.add(s);
      }
    }
    if (candidates.size() < 2) {
      return candidates;
    }
    List<Event> direct = new ArrayList<>();
    for (Event s : candidates) {
      boolean transitive = false;
      for (Event t : candidates) {
        if (t != s && s.happenedBeforeOrIs(t)) {
          transitive = true;
          break;
        }
      }
      if (!transitive) {
        direct.add(s);
      }
    }
    return direct;
  }

  /** The latest event of {@code host} whose seq is at most {@code seq}, or null. */
  private Event latestAtMost(String host, long seq) {
    List<Event> hostEvents = byHost.get(host);
    if (hostEvents == null) {
      return null;
    }
    int lo = 0;
    int hi = hostEvents.size() - 1;
    Event found = null;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (hostEvents.get(mid).seq <= seq) {
        found = hostEvents.get(mid);
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private List<Event> topologicalOrder(int size) {
    Map<Event, List<Event>> receivers = new IdentityHashMap<>();
    Map<Event, Integer> waiting = new IdentityHashMap<>();
    for (List<Event> hostEvents : byHost.values()) {
      for (int i = 0; i < hostEvents.size(); i++) {
        Event e = hostEvents.get(i);
        List<Event> from = senders(e);
        waiting.put(e, from.size() + (i == 0 ? 0 : 1));
        for (Event s : from) {
          receivers.computeIfAbsent(s, x -> new ArrayList<>()).add(e);
        }
      }
    }
    PriorityQueue<Event> ready = new PriorityQueue<>(Comparator
        .comparingLong((Event e) -> e.wallMicros)
        .thenComparing(e -> e.host)
        .thenComparingLong(e -> e.seq));
    Map<String, Integer> nextIndex = new HashMap<>();
    for (List<Event> hostEvents : byHost.values()) {
      if (waiting.get(hostEvents.get(0)) == 0) {
        ready.add(hostEvents.get(0));
      }
    }
    List<Event> result = new ArrayList<>(size);
    while (!ready.isEmpty()) {
      Event e = ready.poll();
      result.add(e);
      List<Event> hostEvents = byHost.get(e.host);
      int next = nextIndex.merge(e.host, 1, Integer::sum);
      if (next < hostEvents.size()) {
        release(hostEvents.get(next), waiting, ready);
      }
      for (Event r : receivers.getOrDefault(e, List.of())) {
        release(r, waiting, ready);
      }
    }
    if (result.size() != size) {
      Event stuck = null;
      for (List<Event> hostEvents : byHost.values()) {
        int next = nextIndex.getOrDefault(hostEvents.get(0).host, 0);
        if (next < hostEvents.size()) {
          stuck = hostEvents.get(next);
          break;
        }
      }
      throw new IllegalArgumentException("the vector clocks contradict each other (a causal "
          + "cycle): " + (size - result.size()) + " events cannot be ordered, e.g. " + stuck
          + " with clock " + (stuck == null ? "?" : stuck.clock));
    }
    return result;
  }

  private static void release(Event e, Map<Event, Integer> waiting, PriorityQueue<Event> ready) {
    int left = waiting.merge(e, -1, Integer::sum);
    if (left == 0) {
      ready.add(e);
    }
  }
}
