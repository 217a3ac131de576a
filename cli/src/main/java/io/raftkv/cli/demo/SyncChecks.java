package io.raftkv.cli.demo;

import io.raftkv.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Verdicts about late servers syncing the state (scenarios 7 and 8), from trace events. */
final class SyncChecks {
  private SyncChecks() {}

  /** Each of {@code servers}' raft hosts logged Apply of {@code Put(key,value)}. */
  static Verdict appliedOn(List<TraceEvent> events, Set<Integer> servers, String key,
      String value) {
    List<Integer> missing = new ArrayList<>();
    for (int id : servers) {
      if (TraceFacts.applied(events, id, "Put(" + key + "," + value + ")").isEmpty()) {
        missing.add(id);
      }
    }
    return Verdict.of("the late servers " + servers + " log Apply of Put(" + key + ", " + value
        + ") (the state synced to them)", missing.isEmpty(),
        missing.isEmpty() ? "" : "no such Apply on " + missing);
  }

  /** Server {@code id} logged GetRecv/PutRecv for the client's operation. */
  static Verdict receivedVia(List<TraceEvent> events, String clientId, long opId, int id) {
    boolean ok = events.stream().anyMatch(e -> (e.action().equals("GetRecv")
        || e.action().equals("PutRecv")) && Objects.equals(TraceFacts.serverOfHost(e.host()), id)
        && clientId.equals(e.fields().get("clientId")) && TraceFacts.num(e, "opId") == opId);
    return Verdict.of("server " + id + " received " + clientId + "'s OpId " + opId
        + " (its Recv event)", ok, "");
  }

  /**
   * Each of {@code servers} received log entries (AppendEntriesRecv with entries) only in
   * {@code term} or later: everything they hold came from that term's leader.
   */
  static Verdict syncedInTerm(List<TraceEvent> events, Set<Integer> servers, long term) {
    List<String> problems = new ArrayList<>();
    for (int id : servers) {
      List<TraceEvent> recv = TraceFacts.named(events, "AppendEntriesRecv").stream()
          .filter(e -> Objects.equals(TraceFacts.serverOfHost(e.host()), id)
              && TraceFacts.num(e, "entries") > 0).toList();
      if (recv.isEmpty()) {
        problems.add(id + ": no AppendEntriesRecv with entries");
      }
      recv.stream().filter(e -> TraceFacts.num(e, "term") < term).findFirst()
          .ifPresent(e -> problems.add(id + ": entries in term " + TraceFacts.num(e, "term")));
    }
    return Verdict.of("the servers added after the reelection " + servers + " received their"
        + " entries from the new leader (AppendEntriesRecv in term " + term + " or later)",
        problems.isEmpty(), String.join("; ", problems));
  }
}
