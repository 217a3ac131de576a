package io.raftkv.cli.demo;

import io.raftkv.trace.TraceEvent;
import io.raftkv.trace.VectorClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds doctored trace events for verdict tests: each host's seq rises by one per event. */
final class Events {
  private final List<TraceEvent> events = new ArrayList<>();
  private final Map<String, Long> seqs = new HashMap<>();
  private String trace; // null: "<host>-t"

  /** Adds an event; {@code kv} alternates field names and values. */
  Events add(String host, String action, Object... kv) {
    LinkedHashMap<String, Object> fields = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      fields.put((String) kv[i], v instanceof Integer n ? Long.valueOf(n) : v);
    }
    long seq = seqs.merge(host, 1L, Long::sum);
    events.add(new TraceEvent(host, seq, VectorClock.of(Map.of(host, seq)),
        trace != null ? trace : host + "-t", action,
        fields, 1_000_000L * events.size()));
    return this;
  }

  /** Records the following events on this trace id (null: each host's own). */
  Events onTrace(String traceId) {
    this.trace = traceId;
    return this;
  }

  /**
   * A won election on its trace ({@code raftL-vote-tT-...}): the candidate's RequestVote to each
   * voter, their RequestVoteRecv and grants, LeaderElected.
   */
  Events election(int leader, long term, int... voters) {
    return campaign("vote", leader, term, voters)
        .add("raft" + leader, "LeaderElected", "serverId", leader, "term", term).onTrace(null);
  }

  /** A pre-vote round granted by {@code voters}, on its own trace as the servers record it. */
  Events preVote(int candidate, long term, int... voters) {
    return campaign("prevote", candidate, term, voters).onTrace(null);
  }

  private Events campaign(String kind, int leader, long term, int... voters) {
    onTrace("raft" + leader + "-" + kind + "-t" + term + "-ab12");
    for (int v : voters) {
      add("raft" + leader, "RequestVote", "term", term, "id", leader);
    }
    for (int v : voters) {
      add("raft" + v, "RequestVoteRecv", "serverId", leader, "term", term);
      add("raft" + v, "RequestVoteRes", "voteGranted", true, "serverId", v,
          "candidateServerId", leader, "term", term);
    }
    return this;
  }

  List<TraceEvent> list() {
    return List.copyOf(events);
  }
}
