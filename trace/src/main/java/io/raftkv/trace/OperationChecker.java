package io.raftkv.trace;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntBiFunction;

/**
 * Checks the events of one operation (kind, clientId, opId), given in the checker's linear
 * order (a topological order of happened-before), against the per-operation rules. The
 * matching is described in {@link TraceChecker}.
 */
final class OperationChecker {
  /** The step of an operation's path an action records. */
  enum Role { START, SEND, RECV, FWD, RESULT, RESULT_FWD, RAFT_PUT_REQ }

  /** An operation: Get or Put, the kvslib's client id and op id. */
  record Key(String kind, String clientId, long opId) {
    @Override
    public String toString() {
      return kind + " " + clientId + ":" + opId;
    }
  }

  private static final Map<String, Role> ROLES = Map.ofEntries(
      Map.entry("GetStart", Role.START), Map.entry("PutStart", Role.START),
      Map.entry("GetSend", Role.SEND), Map.entry("PutSend", Role.SEND),
      Map.entry("GetRecv", Role.RECV), Map.entry("PutRecv", Role.RECV),
      Map.entry("GetFwd", Role.FWD), Map.entry("PutFwd", Role.FWD),
      Map.entry("GetResult", Role.RESULT), Map.entry("PutResult", Role.RESULT),
      Map.entry("GetResultFwd", Role.RESULT_FWD), Map.entry("PutResultFwd", Role.RESULT_FWD),
      Map.entry("RaftPutReq", Role.RAFT_PUT_REQ));

  private final List<TraceViolation> violations;

  OperationChecker(List<TraceViolation> violations) {
    this.violations = violations;
  }

  /** The role of an action in an operation, or null if it is not an operation action. */
  static Role roleOf(String action) {
    return ROLES.get(action);
  }

  /** The operation an event belongs to, or null if it is no operation action. */
  static Key keyOf(TraceEvent e) {
    Role role = roleOf(e.action());
    String clientId = e.stringField("clientId");
    Long opId = e.longField("opId");
    if (role == null || clientId == null || opId == null) {
      return null;
    }
    String kind = e.action().startsWith("Get") ? "Get" : "Put";
    return new Key(kind, clientId, opId);
  }

  /**
   * Checks one operation's events.
   *
   * @param clientStopped whether the client recorded KvslibStop (only then must a started
   *     operation be complete)
   * @return a short description of what a started but incomplete operation lacks, or null
   */
  String check(Key key, List<TraceEvent> events, boolean clientStopped) {
    Map<Role, List<TraceEvent>> by = new java.util.EnumMap<>(Role.class);
    for (Role r : Role.values()) {
      by.put(r, new ArrayList<>());
    }
    for (TraceEvent e : events) {
      by.get(roleOf(e.action())).add(e);
    }
    List<TraceEvent> starts = by.get(Role.START);
    List<TraceEvent> sends = by.get(Role.SEND);
    List<TraceEvent> recvs = by.get(Role.RECV);
    List<TraceEvent> fwds = by.get(Role.FWD);
    List<TraceEvent> results = by.get(Role.RESULT);
    String k = key.kind();

    if (starts.size() > 1) {
      add(TraceRule.OPERATION_PATH, key + " has " + starts.size() + " " + k
          + "Start events; an operation starts once", starts);
    }
    for (TraceEvent s : sends) {
      if (starts.stream().noneMatch(st -> st.happenedBefore(s))) {
        add(TraceRule.OPERATION_PATH, k + "Send of " + key + " with no " + k
            + "Start before it", List.of(s));
      }
    }
    List<Map.Entry<TraceEvent, List<TraceEvent>>> recvsOfSend = assign(sends, recvs, 2, false,
        TraceRule.RECV_PER_SEND, k + "Recv of " + key + " beyond two per " + k + "Send: the "
            + k + "Sends before it already have two " + k + "Recvs each",
        k + "Recv of " + key + " with no " + k + "Send before it");
    for (Map.Entry<TraceEvent, List<TraceEvent>> e : recvsOfSend) {
      checkSecondRecv(key, e.getKey(), e.getValue(), fwds);
    }
    List<Map.Entry<TraceEvent, List<TraceEvent>>> fwdsOfRecv = assign(recvs, fwds, 1, true,
        TraceRule.FWD_PER_RECV,
        k + "Fwd of " + key + " beyond one per " + k + "Recv: every " + k
            + "Recv before it on its server already has a " + k + "Fwd",
        k + "Fwd of " + key + " with no " + k + "Recv before it on its server");
    assign(recvs, results, 1, true, TraceRule.RESULT_PER_RECV,
        k + "Result of " + key + " beyond one per " + k + "Recv: every " + k
            + "Recv before it on its server already has a " + k + "Result",
        k + "Result of " + key + " with no " + k + "Recv before it on its server");
    List<Map.Entry<TraceEvent, List<TraceEvent>>> fwdsOfResult = assign(results, by.get(Role.RESULT_FWD), 1,
        false, TraceRule.RESULT_FWD_PER_RESULT,
        k + "ResultFwd of " + key + " beyond one per " + k + "Result: every " + k
            + "Result before it already has a " + k + "ResultFwd",
        k + "ResultFwd of " + key + " with no " + k + "Result before it");
    for (Map.Entry<TraceEvent, List<TraceEvent>> e : fwdsOfResult) {
      for (TraceEvent rf : e.getValue()) {
        boolean forwarded = fwds.stream().anyMatch(
            f -> f.host().equals(rf.host()) && f.happenedBefore(e.getKey()));
        if (!forwarded) {
          add(TraceRule.OPERATION_PATH, k + "ResultFwd of " + key + " on " + rf.host()
              + ", which recorded no " + k + "Fwd before the " + k + "Result",
              List.of(e.getKey(), rf));
        }
      }
    }
    // A PutRecv forwarded before the RaftPutReq is a follower's; the leader's own leads to it.
    Map<TraceEvent, List<TraceEvent>> fwdOf = new IdentityHashMap<>();
    fwdsOfRecv.forEach(e -> fwdOf.put(e.getKey(), e.getValue()));
    assign(recvs, by.get(Role.RAFT_PUT_REQ),
        (r, req) -> fwdOf.getOrDefault(r, List.of()).stream()
            .anyMatch(f -> f.happenedBefore(req)) ? 0 : 1, false,
        TraceRule.RAFT_PUT_REQ_PER_PUT_RECV,
        "RaftPutReq of " + key + " beyond one per PutRecv: every PutRecv before it already "
            + "has a RaftPutReq or was forwarded",
        "RaftPutReq of " + key + " with no PutRecv before it", TraceRule.RAFT_PUT_REQ_PER_PUT_RECV);

    if (starts.isEmpty()) {
      return null;
    }
    List<String> missing = new ArrayList<>();
    if (sends.isEmpty()) {
      missing.add(k + "Send");
    }
    if (recvs.isEmpty()) {
      missing.add(k + "Recv");
    }
    if (results.isEmpty()) {
      missing.add(k + "Result");
    }
    if (missing.isEmpty()) {
      return null;
    }
    String what = key + " has no " + String.join(", no ", missing);
    if (clientStopped) {
      add(TraceRule.OPERATION_COMPLETE, what, starts);
    }
    return what;
  }

  /** A second Recv of one Send must be the leader's, after the first server's Fwd. */
  private void checkSecondRecv(Key key, TraceEvent send, List<TraceEvent> recvs,
      List<TraceEvent> fwds) {
    if (recvs.size() < 2) {
      return;
    }
    TraceEvent r1 = recvs.get(0);
    TraceEvent r2 = recvs.get(1);
    String k = key.kind();
    if (!r1.happenedBefore(r2)) {
      add(TraceRule.OPERATION_PATH, "two " + k + "Recvs of one " + k + "Send of " + key
          + ", neither after the other (a second Recv must follow the first server's Fwd)",
          List.of(send, r1, r2));
      return;
    }
    boolean viaFwd = fwds.stream().anyMatch(f -> f.host().equals(r1.host())
        && r1.happenedBefore(f) && f.happenedBefore(r2));
    if (!viaFwd) {
      add(TraceRule.OPERATION_PATH, "second " + k + "Recv of one " + k + "Send of " + key
          + " without a " + k + "Fwd from " + r1.host() + " between the two Recvs",
          List.of(send, r1, r2));
    }
  }

  private List<Map.Entry<TraceEvent, List<TraceEvent>>> assign(List<TraceEvent> candidates,
      List<TraceEvent> dependents, int capacity, boolean sameHost, TraceRule fullRule,
      String fullMessage, String noneMessage) {
    return assign(candidates, dependents, (c, d) -> capacity, sameHost, fullRule, fullMessage,
        noneMessage, TraceRule.OPERATION_PATH);
  }

  /**
   * Assigns each dependent, in order, to the latest candidate that happened before it (on the
   * same host if sameHost) and has fewer dependents so far than its capacity. A dependent that finds
   * candidates before it but none with room breaks fullRule; one with no candidate before it at
   * all breaks noneRule. Returns each candidate that got dependents with them, in candidate
   * order.
   */
  private List<Map.Entry<TraceEvent, List<TraceEvent>>> assign(List<TraceEvent> candidates,
      List<TraceEvent> dependents, ToIntBiFunction<TraceEvent, TraceEvent> capacity,
      boolean sameHost,
      TraceRule fullRule, String fullMessage, String noneMessage, TraceRule noneRule) {
    Map<TraceEvent, List<TraceEvent>> taken = new IdentityHashMap<>();
    for (TraceEvent d : dependents) {
      TraceEvent chosen = null;
      TraceEvent latest = null;
      for (int i = candidates.size() - 1; i >= 0; i--) {
        TraceEvent c = candidates.get(i);
        if ((sameHost && !c.host().equals(d.host())) || !c.happenedBefore(d)) {
          continue;
        }
        if (latest == null) {
          latest = c;
        }
        if (taken.getOrDefault(c, List.of()).size() < capacity.applyAsInt(c, d)) {
          chosen = c;
          break;
        }
      }
      if (chosen != null) {
        taken.computeIfAbsent(chosen, c -> new ArrayList<>()).add(d);
      } else if (latest != null) {
        List<TraceEvent> involved = new ArrayList<>();
        involved.add(latest);
        involved.addAll(taken.getOrDefault(latest, List.of()));
        involved.add(d);
        add(fullRule, fullMessage, involved);
      } else {
        add(noneRule, noneMessage, List.of(d));
      }
    }
    List<Map.Entry<TraceEvent, List<TraceEvent>>> ordered = new ArrayList<>();
    for (TraceEvent c : candidates) {
      List<TraceEvent> ds = taken.get(c);
      if (ds != null) {
        ordered.add(Map.entry(c, ds));
      }
    }
    return ordered;
  }

  private void add(TraceRule rule, String message, List<TraceEvent> events) {
    violations.add(new TraceViolation(rule, message, events));
  }
}
