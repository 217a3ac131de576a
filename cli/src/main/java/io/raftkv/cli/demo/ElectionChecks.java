package io.raftkv.cli.demo;

import io.raftkv.trace.TraceEvent;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Verdicts about elections, from trace events (scenarios 1, 5 and 8). Pure functions of the
 * events, so that they can be tested on doctored traces.
 */
final class ElectionChecks {
  private ElectionChecks() {}

  /** No server logged LeaderElected (scenario 1 with 3 of 7 up). */
  static Verdict noLeaderElected(List<TraceEvent> events, String when) {
    List<TraceFacts.Election> e = TraceFacts.elections(events);
    long all = TraceFacts.named(events, "RequestVote").size();
    long votes = TraceFacts.electionEvents(events, "RequestVote").size();
    return Verdict.of("no LeaderElected in any trace " + when, e.isEmpty(),
        e.isEmpty() ? (all - votes) + " pre-vote and " + votes + " vote RequestVote event(s), 0"
            + " LeaderElected"
            : "LeaderElected: " + describe(e));
  }

  /** Exactly {@code leader} logged LeaderElected for {@code term}. */
  static Verdict onlyLeaderOfTerm(List<TraceEvent> events, int leader, long term) {
    Set<Integer> elected = TraceFacts.electedIn(events, term);
    return Verdict.of("exactly one server, " + leader + ", logs LeaderElected for term " + term,
        elected.equals(Set.of(leader)), "LeaderElected in term " + term + " by " + elected);
  }

  /**
   * No server but {@code leader} logged LeaderElected up to {@code term}, and any later
   * LeaderElected follows a new election round (a RequestVote by its winner in its term): the
   * seed's "only this elected leader should log LeaderElected (until another election round
   * begins)".
   */
  static Verdict onlyLeaderUntilNextRound(List<TraceEvent> events, int leader, long term) {
    List<String> bad = TraceFacts.elections(events).stream()
        .filter(x -> x.term() <= term ? x.serverId() != leader
            : TraceFacts.requestVotes(events, x.serverId(), x.term()).isEmpty())
        .map(x -> "server " + x.serverId() + " in term " + x.term()).toList();
    List<TraceFacts.Election> all = TraceFacts.elections(events);
    return Verdict.of("only server " + leader + " logs LeaderElected (until another election round"
        + " begins)", bad.isEmpty(), bad.isEmpty() ? "LeaderElected: " + describe(all)
        : "also elected without a round of their own: " + bad);
  }

  /**
   * The candidate received RequestVoteRes with voteGranted=true, naming it and the term, from
   * every one of {@code voters}.
   */
  static Verdict votesGrantedBy(List<TraceEvent> events, int candidate, long term,
      Set<Integer> voters) {
    Set<Integer> granted = TraceFacts.grantedVoters(events, candidate, term);
    return Verdict.of("server " + candidate + " got RequestVoteRes voteGranted=true for term " + term + " (votes, not pre-votes)"
        + " from the " + voters.size() + " other servers " + new TreeSet<>(voters),
        granted.containsAll(voters), "granted by " + granted);
  }

  /**
   * The candidate logged RequestVote for {@code term} (not of a pre-vote round) at least once per
   * other configured server (the server traces each request it sends, also to a dead server, and
   * resends to those that have not answered), and each of {@code livePeers} logged RequestVoteRecv naming the candidate
   * and term: the request reached each of the other running servers.
   */
  static Verdict requestedVotesOf(List<TraceEvent> events, int candidate, long term,
      int otherServers, Set<Integer> livePeers) {
    int sent = TraceFacts.requestVotes(events, candidate, term).size();
    Set<Integer> reached = TraceFacts.requestVoteReceivers(events, candidate, term);
    return Verdict.of("server " + candidate + " logs RequestVote for term " + term + " for each of"
        + " the " + otherServers + " other servers, received by the running ones "
        + new TreeSet<>(livePeers),
        sent >= otherServers && reached.containsAll(livePeers),
        sent + " RequestVote event(s); RequestVoteRecv for it at " + reached);
  }

  /** Some server of {@code among} logged RequestVote in a term above {@code afterTerm}. */
  static Verdict electionRoundStarted(List<TraceEvent> events, long afterTerm, Set<Integer> among) {
    Set<String> who = TraceFacts.electionEvents(events, "RequestVote").stream()
        .filter(e -> TraceFacts.num(e, "term") > afterTerm
            && among.contains((int) TraceFacts.num(e, "id")))
        .map(e -> "server " + TraceFacts.num(e, "id") + " (term " + TraceFacts.num(e, "term") + ")")
        .collect(Collectors.toCollection(TreeSet::new));
    return Verdict.of("a remaining server starts an election round (RequestVote above term "
        + afterTerm + ")", !who.isEmpty(), who.isEmpty() ? "none" : "by " + who);
  }

  static String describe(List<TraceFacts.Election> elections) {
    return elections.stream().map(x -> "server " + x.serverId() + "@term " + x.term())
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
