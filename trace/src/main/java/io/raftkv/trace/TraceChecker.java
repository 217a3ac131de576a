package io.raftkv.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a run's trace against the rules of the seed report's "Evaluation Methodology" (see
 * {@link TraceRule}) and reports each violation with the events involved.
 *
 * <p><b>Happened-before.</b> Event a happened before event b when b's clock has seen a
 * ({@code b.clock[a.host] >= a.seq}). The checker sorts all events by the sum of their clock
 * entries (then wall time, host, seq), a topological order of happened-before; "latest" below
 * means last in that order, which is never an event that happened before another candidate.
 *
 * <p><b>Clients.</b> A client's actions are KvslibStart, KvslibStop, NewServerConnection,
 * GetStart, PutStart, GetSend and PutSend carrying its clientId. Each client has exactly one
 * KvslibStart, which happened before all its other actions; at most one KvslibStop, which all
 * its other actions happened before. A client with no KvslibStop (killed, or still running when
 * the trace was taken) is a note, not a violation.
 *
 * <p><b>Operations</b> are identified by kind (Get or Put; RaftPutReq is Put) and the
 * (clientId, opId) fields. Within an operation, each dependent is matched, in order, to the
 * latest event it depends on that happened before it and still has room:
 * <ul>
 *   <li>a Send needs a Start before it;</li>
 *   <li>a Recv belongs to a Send (room: two, the follower's and the leader's);</li>
 *   <li>a Fwd belongs to a Recv on the same server (room: one);</li>
 *   <li>a Result belongs to a Recv on the same server (room: one);</li>
 *   <li>a ResultFwd belongs to a Result (room: one), and its server must have recorded a Fwd
 *       of the operation before that Result;</li>
 *   <li>a RaftPutReq belongs to a PutRecv on any host (the leader's Raft instance may trace as
 *       its own host, {@code raftN}); room: one, or none if the PutRecv had a Fwd before the
 *       RaftPutReq (a follower's receive).</li>
 * </ul>
 * A dependent with candidates before it but none with room breaks the "at most" rule; one with
 * no candidate at all breaks {@link TraceRule#OPERATION_PATH} (for RaftPutReq, its own rule).
 * The second Recv of a Send must come after a Fwd recorded by the first Recv's server after the
 * first Recv. An operation has one Start; if its client stopped, a started operation has at
 * least one Send, Recv and Result. Matching to the latest candidate with room, rather than to
 * the latest candidate, keeps one server handling two copies of an operation at once (a retry
 * overtaking the original) from counting as a violation; the price is that an extra dependent
 * is charged to an earlier candidate with room, if it has seen one.
 *
 * <p><b>Servers.</b> LeaderElected at most once per term (across all servers). Each
 * ServerListening comes after a ServerStart on the same host, and the latest ServerStart before
 * it names the same serverId.
 */
public final class TraceChecker {
  private static final Set<String> CLIENT_ACTIONS = Set.of("KvslibStart", "KvslibStop",
      "NewServerConnection", "GetStart", "PutStart", "GetSend", "PutSend");

  private TraceChecker() {}

  /** Reads dir with {@link TraceLog#read(Path)} and checks it. */
  public static TraceCheckResult check(Path dir) throws IOException {
    return check(TraceLog.read(dir));
  }

  /** Checks these events (all of one run). */
  public static TraceCheckResult check(List<TraceEvent> input) {
    Map<TraceEvent, Long> sums = new IdentityHashMap<>();
    for (TraceEvent e : input) {
      long sum = 0;
      for (long v : e.clock().entries().values()) {
        sum += v;
      }
      sums.put(e, sum);
    }
    List<TraceEvent> events = new ArrayList<>(input);
    events.sort(Comparator.comparingLong((TraceEvent e) -> sums.get(e))
        .thenComparingLong(TraceEvent::wallMicros).thenComparing(TraceEvent::host)
        .thenComparingLong(TraceEvent::seq));

    List<TraceViolation> violations = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    noteMissingEvents(events, notes);
    Set<String> stopped = checkClients(events, violations, notes);
    int operations = checkOperations(events, stopped, violations, notes);
    checkLeaders(events, violations);
    checkListening(events, violations);

    Set<String> hosts = new TreeSet<>();
    Set<String> clients = new TreeSet<>();
    for (TraceEvent e : events) {
      hosts.add(e.host());
      if (CLIENT_ACTIONS.contains(e.action()) && e.stringField("clientId") != null) {
        clients.add(e.stringField("clientId"));
      }
    }
    return new TraceCheckResult(violations, notes, events.size(), hosts.size(), operations,
        clients.size());
  }

  /** Clocks that have seen events not in the trace point at a missing or cut file. */
  private static void noteMissingEvents(List<TraceEvent> events, List<String> notes) {
    Map<String, Long> last = new HashMap<>();
    for (TraceEvent e : events) {
      last.merge(e.host(), e.seq(), Math::max);
    }
    Map<String, Long> seen = new TreeMap<>();
    for (TraceEvent e : events) {
      e.clock().entries().forEach((h, v) -> {
        if (v > last.getOrDefault(h, 0L)) {
          seen.merge(h, v, Math::max);
        }
      });
    }
    seen.forEach((h, v) -> notes.add("clocks have seen event " + v + " of " + h
        + " but the trace holds " + last.getOrDefault(h, 0L)
        + " of its events: is a file missing or cut short?"));
  }

  /** The client rules; returns the clients that recorded KvslibStop. */
  private static Set<String> checkClients(List<TraceEvent> events,
      List<TraceViolation> violations, List<String> notes) {
    Map<String, List<TraceEvent>> byClient = new TreeMap<>();
    for (TraceEvent e : events) {
      String c = e.stringField("clientId");
      if (CLIENT_ACTIONS.contains(e.action()) && c != null) {
        byClient.computeIfAbsent(c, x -> new ArrayList<>()).add(e);
      }
    }
    Set<String> stopped = new TreeSet<>();
    byClient.forEach((client, actions) -> {
      List<TraceEvent> starts = actions.stream()
          .filter(e -> e.action().equals("KvslibStart")).toList();
      List<TraceEvent> stops = actions.stream()
          .filter(e -> e.action().equals("KvslibStop")).toList();
      if (starts.isEmpty()) {
        violations.add(new TraceViolation(TraceRule.KVSLIB_START_ONCE, "client " + client
            + " has no KvslibStart (its first actions follow)",
            actions.subList(0, Math.min(3, actions.size()))));
      } else if (starts.size() > 1) {
        violations.add(new TraceViolation(TraceRule.KVSLIB_START_ONCE, "client " + client
            + " has " + starts.size() + " KvslibStart events", starts));
      }
      if (stops.size() > 1) {
        violations.add(new TraceViolation(TraceRule.KVSLIB_STOP_ONCE, "client " + client
            + " has " + stops.size() + " KvslibStop events", stops));
      }
      if (stops.isEmpty()) {
        notes.add("client " + client + " recorded no KvslibStop (killed, or still running); "
            + "its operations are not required to be complete");
      } else {
        stopped.add(client);
      }
      for (TraceEvent a : actions) {
        // A second KvslibStart or KvslibStop is already reported as such.
        if (!starts.isEmpty() && !a.action().equals("KvslibStart")
            && !starts.get(0).happenedBefore(a)) {
          violations.add(new TraceViolation(TraceRule.KVSLIB_START_FIRST, a.action()
              + " of client " + client + " does not happen after its KvslibStart",
              List.of(starts.get(0), a)));
        }
        if (!stops.isEmpty() && !a.action().equals("KvslibStop")
            && !a.happenedBefore(stops.get(0))) {
          violations.add(new TraceViolation(TraceRule.KVSLIB_STOP_LAST, a.action()
              + " of client " + client + " does not happen before its KvslibStop",
              List.of(a, stops.get(0))));
        }
      }
    });
    return stopped;
  }

  private static int checkOperations(List<TraceEvent> events, Set<String> stopped,
      List<TraceViolation> violations, List<String> notes) {
    Map<OperationChecker.Key, List<TraceEvent>> ops = new LinkedHashMap<>();
    for (TraceEvent e : events) {
      OperationChecker.Key k = OperationChecker.keyOf(e);
      if (k != null) {
        ops.computeIfAbsent(k, x -> new ArrayList<>()).add(e);
      }
    }
    OperationChecker checker = new OperationChecker(violations);
    Map<String, List<String>> unfinished = new TreeMap<>();
    ops.forEach((k, list) -> {
      String incomplete = checker.check(k, list, stopped.contains(k.clientId()));
      if (incomplete != null && !stopped.contains(k.clientId())) {
        unfinished.computeIfAbsent(k.clientId(), c -> new ArrayList<>()).add(incomplete);
      }
    });
    unfinished.forEach((client, list) -> notes.add("client " + client + " did not stop; "
        + "unfinished: " + String.join("; ", list)));
    return ops.size();
  }

  private static void checkLeaders(List<TraceEvent> events, List<TraceViolation> violations) {
    Map<Long, List<TraceEvent>> byTerm = new TreeMap<>();
    for (TraceEvent e : events) {
      Long term = e.longField("term");
      if (e.action().equals("LeaderElected") && term != null) {
        byTerm.computeIfAbsent(term, t -> new ArrayList<>()).add(e);
      }
    }
    byTerm.forEach((term, list) -> {
      if (list.size() > 1) {
        violations.add(new TraceViolation(TraceRule.LEADER_ELECTED_PER_TERM, list.size()
            + " LeaderElected events in term " + term, list));
      }
    });
  }

  private static void checkListening(List<TraceEvent> events, List<TraceViolation> violations) {
    Map<String, List<TraceEvent>> byHost = new TreeMap<>();
    for (TraceEvent e : events) {
      if (e.action().equals("ServerStart") || e.action().equals("ServerListening")) {
        byHost.computeIfAbsent(e.host(), h -> new ArrayList<>()).add(e);
      }
    }
    for (List<TraceEvent> list : byHost.values()) {
      list.sort(Comparator.comparingLong(TraceEvent::seq));
      TraceEvent start = null;
      for (TraceEvent e : list) {
        if (e.action().equals("ServerStart")) {
          start = e;
        } else if (start == null) {
          violations.add(new TraceViolation(TraceRule.SERVER_LISTENING_AFTER_START,
              "ServerListening with no ServerStart before it on " + e.host(), List.of(e)));
        } else if (!java.util.Objects.equals(start.longField("serverId"),
            e.longField("serverId"))) {
          violations.add(new TraceViolation(TraceRule.SERVER_LISTENING_AFTER_START,
              "ServerListening of server " + e.longField("serverId") + " after a ServerStart "
                  + "of server " + start.longField("serverId"), List.of(start, e)));
        }
      }
    }
  }
}
