package io.raftkv.cli.demo;

import io.raftkv.trace.TraceEvent;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Questions the scenarios ask of a run's trace events (from {@code TraceLog.read}). Pure
 * functions over the events, so that the verdicts built on them can be tested on doctored traces.
 */
final class TraceFacts {
  private TraceFacts() {}

  /** One LeaderElected event: server {@code serverId} became leader of {@code term}. */
  record Election(int serverId, long term, String host) {}

  static List<TraceEvent> named(List<TraceEvent> events, String action) {
    return events.stream().filter(e -> e.action().equals(action)).toList();
  }

  /**
   * Whether the event belongs to a pre-vote round: the servers put each pre-vote campaign on a
   * trace of its own, {@code raftN-prevote-tT-xxxx} (a real election's is
   * {@code raftN-vote-tT-xxxx}), and the RequestVote, RequestVoteRecv and RequestVoteRes of a
   * campaign are on its trace. A granted pre-vote is not a vote.
   */
  static boolean preVote(TraceEvent e) {
    return e.traceId().contains("-prevote-");
  }

  /** The events of real elections (not pre-vote rounds) with this action. */
  static List<TraceEvent> electionEvents(List<TraceEvent> events, String action) {
    return events.stream().filter(e -> e.action().equals(action) && !preVote(e)).toList();
  }

  /** Every LeaderElected event, by term. */
  static List<Election> elections(List<TraceEvent> events) {
    return named(events, "LeaderElected").stream()
        .map(e -> new Election((int) num(e, "serverId"), num(e, "term"), e.host()))
        .sorted(Comparator.comparingLong(Election::term)).toList();
  }

  /** The servers that logged LeaderElected for {@code term}. */
  static Set<Integer> electedIn(List<TraceEvent> events, long term) {
    return elections(events).stream().filter(x -> x.term() == term).map(Election::serverId)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * The servers other than the candidate whose vote for {@code candidate} in {@code term} was
   * granted: RequestVoteRes events with voteGranted=true naming the candidate and the term, not
   * of a pre-vote round.
   */
  static Set<Integer> grantedVoters(List<TraceEvent> events, int candidate, long term) {
    return electionEvents(events, "RequestVoteRes").stream()
        .filter(e -> Boolean.TRUE.equals(e.fields().get("voteGranted"))
            && num(e, "candidateServerId") == candidate && num(e, "term") == term
            && num(e, "serverId") != candidate)
        .map(e -> (int) num(e, "serverId")).collect(Collectors.toCollection(TreeSet::new));
  }

  /** RequestVote events the candidate logged for {@code term}, not of a pre-vote round. */
  static List<TraceEvent> requestVotes(List<TraceEvent> events, int candidate, long term) {
    return electionEvents(events, "RequestVote").stream()
        .filter(e -> num(e, "id") == candidate && num(e, "term") == term).toList();
  }

  /** The terms above {@code afterTerm} in which some server logged RequestVote. */
  static Set<Long> candidaciesAfter(List<TraceEvent> events, long afterTerm) {
    return named(events, "RequestVote").stream().map(e -> num(e, "term"))
        .filter(t -> t > afterTerm).collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * The servers whose raft host logged RequestVoteRecv for {@code term} (the candidate's request
   * reached them), other than the candidate itself.
   */
  static Set<Integer> requestVoteReceivers(List<TraceEvent> events, int candidate, long term) {
    return electionEvents(events, "RequestVoteRecv").stream()
        .filter(e -> num(e, "term") == term && num(e, "serverId") == candidate)
        .map(e -> serverOfHost(e.host())).filter(id -> id != null && id != candidate)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The client's operation result events (GetResult/PutResult) for one OpId, any server. */
  static List<TraceEvent> results(List<TraceEvent> events, String clientId, long opId) {
    return events.stream().filter(e -> e.action().equals("GetResult")
        || e.action().equals("PutResult"))
        .filter(e -> clientId.equals(e.fields().get("clientId")) && num(e, "opId") == opId)
        .toList();
  }

  /** NewServerConnection events of a client, in its order. */
  static List<TraceEvent> connections(List<TraceEvent> events, String clientId) {
    return named(events, "NewServerConnection").stream()
        .filter(e -> clientId.equals(e.fields().get("clientId")))
        .sorted(Comparator.comparingLong(TraceEvent::seq)).toList();
  }

  /** The Apply events server {@code id}'s raft host logged for exactly {@code command}. */
  static List<TraceEvent> applied(List<TraceEvent> events, int id, String command) {
    return named(events, "Apply").stream().filter(e -> Objects.equals(serverOfHost(e.host()), id)
        && command.equals(e.fields().get("command"))).toList();
  }

  /** 3 for "raft3" or "server3"; null for any other host. */
  static Integer serverOfHost(String host) {
    String digits = host.startsWith("raft") ? host.substring(4)
        : host.startsWith("server") ? host.substring(6) : "";
    try {
      return digits.isEmpty() ? null : Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A numeric field as a long; an {@link IllegalArgumentException} naming it if it is absent. */
  static long num(TraceEvent e, String field) {
    Object v = e.fields().get(field);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException(e.host() + " " + e.action() + " #" + e.seq()
          + ": field " + field + " is " + (v == null ? "missing" : "not a number: " + v));
    }
    return n.longValue();
  }

  /** A string field; the empty string stands for "no value" (the seed's empty Get result). */
  static String str(TraceEvent e, String field) {
    Object v = e.fields().get(field);
    return v == null ? "" : String.valueOf(v);
  }
}
