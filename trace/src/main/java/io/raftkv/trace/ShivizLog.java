package io.raftkv.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges a run's events into one log that ShiViz (https://bestchai.bitbucket.io/shiviz/) draws
 * as a space-time diagram.
 *
 * <p>Format: the first line is ShiViz's parsing regex {@link #REGEX}, the second is blank (no
 * execution delimiter), then two lines per event:
 * <pre>
 * server3 {"server3":17,"client1":4}
 * client1-5-ab12 PutRecv {"clientId":"client1","opId":5,"key":"k1","value":"v1"}
 * </pre>
 * the host and its vector clock (own entry first), then the trace id, action and fields.
 *
 * <p>Events are in a topological order of happened-before: each host's events in seq order, and
 * an event only after every event its clock has seen; among events free to go next, the one with
 * the earliest wall-clock time goes first (then host name), so the order is deterministic and
 * close to real time. ShiViz needs every host's clock to count 1, 2, 3, ... and every clock
 * entry to name an event in the log; {@link #order} checks both.
 */
public final class ShivizLog {
  /** ShiViz's parser regex, the log's first line. */
  public static final String REGEX = "(?<host>\\S*) (?<clock>{.*})\\n(?<event>.*)";

  private ShivizLog() {}

  /** Reads dir with {@link TraceLog#read(Path)} and writes its ShiViz log to out. */
  public static void write(Path dir, Appendable out) throws IOException {
    write(TraceLog.read(dir), out);
  }

  /**
   * Writes the ShiViz log of these events to out.
   *
   * @throws IllegalArgumentException as {@link #order}
   */
  public static void write(List<TraceEvent> events, Appendable out) throws IOException {
    out.append(REGEX).append("\n\n");
    StringBuilder b = new StringBuilder(256);
    for (TraceEvent e : order(events)) {
      b.setLength(0);
      b.append(e.host()).append(' ');
      appendClockOwnFirst(b, e);
      b.append('\n').append(e.traceId()).append(' ').append(e.action()).append(' ');
      JsonWriter.appendObject(b, e.fields());
      b.append('\n');
      out.append(b);
    }
  }

  /** The ShiViz log as a string. */
  public static String toString(List<TraceEvent> events) {
    StringBuilder b = new StringBuilder();
    try {
      write(events, b);
    } catch (IOException e) {
      throw new AssertionError("a StringBuilder does not throw", e);
    }
    return b.toString();
  }

  private static void appendClockOwnFirst(StringBuilder b, TraceEvent e) {
    b.append('{');
    JsonWriter.appendString(b, e.host());
    b.append(':').append(e.seq());
    for (Map.Entry<String, Long> c : e.clock().entries().entrySet()) {
      if (!c.getKey().equals(e.host())) {
        b.append(',');
        JsonWriter.appendString(b, c.getKey());
        b.append(':').append(c.getValue().longValue());
      }
    }
    b.append('}');
  }

  /**
   * The events in the log's order (see the class comment).
   *
   * @throws IllegalArgumentException naming the events involved if a host's seqs are not
   *     1, 2, 3, ... without repeats, a clock names an event that is not among these events (a
   *     host's file is missing from the directory, say), or the clocks contradict each other
   */
  public static List<TraceEvent> order(List<TraceEvent> events) {
    Map<String, List<TraceEvent>> byHost = new TreeMap<>();
    for (TraceEvent e : events) {
      byHost.computeIfAbsent(e.host(), h -> new ArrayList<>()).add(e);
    }
    for (List<TraceEvent> list : byHost.values()) {
      list.sort(Comparator.comparingLong(TraceEvent::seq));
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i).seq() != i + 1) {
          throw new IllegalArgumentException("host " + list.get(i).host() + "'s events must have "
              + "seq 1, 2, 3, ... but event " + (i + 1) + " in seq order is "
              + list.get(i).describe());
        }
      }
    }
    for (TraceEvent e : events) {
      for (Map.Entry<String, Long> c : e.clock().entries().entrySet()) {
        List<TraceEvent> other = byHost.get(c.getKey());
        int have = other == null ? 0 : other.size();
        if (c.getValue() > have) {
          throw new IllegalArgumentException("event " + e.describe() + " has seen event "
              + c.getValue() + " of host " + c.getKey() + ", but the trace holds " + have
              + " events of " + c.getKey() + " (is its file missing from the directory?)");
        }
      }
    }
    List<String> hosts = new ArrayList<>(byHost.keySet());
    int[] next = new int[hosts.size()];
    Map<String, Integer> emitted = new TreeMap<>();
    hosts.forEach(h -> emitted.put(h, 0));
    List<TraceEvent> out = new ArrayList<>(events.size());
    while (out.size() < events.size()) {
      int best = -1;
      for (int i = 0; i < hosts.size(); i++) {
        List<TraceEvent> list = byHost.get(hosts.get(i));
        if (next[i] < list.size() && ready(list.get(next[i]), emitted)) {
          if (best < 0 || list.get(next[i]).wallMicros()
              < byHost.get(hosts.get(best)).get(next[best]).wallMicros()) {
            best = i;
          }
        }
      }
      if (best < 0) {
        StringBuilder stuck = new StringBuilder();
        for (int i = 0; i < hosts.size(); i++) {
          List<TraceEvent> list = byHost.get(hosts.get(i));
          if (next[i] < list.size()) {
            stuck.append("\n  ").append(list.get(next[i]).describe()).append(" clock ")
                .append(list.get(next[i]).clock().toJson());
          }
        }
        throw new IllegalArgumentException("the vector clocks contradict each other: each of "
            + "these events has seen an event that comes after another of them:" + stuck);
      }
      String host = hosts.get(best);
      out.add(byHost.get(host).get(next[best]++));
      emitted.put(host, next[best]);
    }
    return out;
  }

  private static boolean ready(TraceEvent e, Map<String, Integer> emitted) {
    for (Map.Entry<String, Long> c : e.clock().entries().entrySet()) {
      if (!c.getKey().equals(e.host()) && c.getValue() > emitted.get(c.getKey())) {
        return false;
      }
    }
    return true;
  }
}
