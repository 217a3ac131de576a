package io.raftkv.raft;

import static io.raftkv.raft.RaftConfig.NONE;
import static io.raftkv.raft.RaftSafetyException.check;

import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendEntriesResponse;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.HeartbeatResponse;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.Message;
import io.raftkv.raft.message.ReadIndexRequest;
import io.raftkv.raft.message.ReadIndexResponse;
import io.raftkv.raft.message.RequestVote;
import io.raftkv.raft.message.RequestVoteResponse;
import io.raftkv.raft.message.TimeoutNow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The consensus state machine: term, vote and role, the term rules, elections and the follower
 * side of replication. The leader side lives in {@link Replicator}, reads in {@link ReadIndexQueue}.
 * Single-threaded and deterministic: every input is a method call, every output goes to {@link
 * #outbox} or the log.
 */
final class Raft {
  final RaftConfig config;
  final int id;
  final RaftLog log;
  /** The voters of {@link #quorumOf}, rebuilt when the configuration in force changes. */
  private Quorum quorum;
  private Membership quorumOf;
  /** Messages that may promise what the next Ready persists: sent only after its fsync. */
  final List<Message> outbox = new ArrayList<>();
  /**
   * The leader's replication traffic, which promises nothing about this node's disk: it may leave
   * before the next Ready is persisted (thesis §10.2.1). See {@link #send}.
   */
  final List<Message> earlyOutbox = new ArrayList<>();
  final List<ReadState> readStates = new ArrayList<>();
  final Replicator replicator;
  final ReadIndexQueue reads;

  long term;
  int vote;
  int leader = NONE;
  Role role = Role.FOLLOWER;
  /** Ticks since the last election-timer reset (or, on a leader, since the last CheckQuorum round). */
  int electionElapsed;
  int randomizedElectionTimeout;
  private final Map<Integer, Boolean> votes = new HashMap<>();
  /**
   * This node restarted with less than it may have promised ({@link RestoredState#rejoining()}):
   * it may have voted in terms it no longer knows and acknowledged entries it no longer holds. Until
   * a leader lets it rejoin it neither votes nor campaigns, and its answers say so, so no leader
   * counts them toward a quorum. See {@link #maybeRejoin}.
   */
  boolean rejoining;
  /** Set when {@link #rejoining} ends, until the next Ready reports it. */
  boolean rejoinedUnreported;

  Raft(RaftConfig config, RestoredState restored, Membership bootstrap) {
    this.config = config;
    this.id = config.id();
    this.log = new RaftLog(restored, bootstrap);
    HardState hs = restored.hardState();
    this.term = hs.term();
    this.vote = hs.vote();
    this.rejoining = restored.rejoining();
    check(term <= RaftConfig.MAX_TERM, "restored term %d is beyond the largest valid term %d (the"
        + " hard state is damaged, or a forged message set it before terms were bounded)", term,
        RaftConfig.MAX_TERM);
    check(log.lastTerm() <= term,
        "restored log's last term %d is beyond the restored current term %d", log.lastTerm(), term);
    this.replicator = new Replicator(this);
    this.reads = new ReadIndexQueue(this);
    becomeFollower(term, NONE);
  }

  /** The configuration in force: the latest in the log (thesis §4.1). */
  Membership membership() {
    return log.membership();
  }

  /**
   * The voters of the configuration in force, counted for elections, commitment, ReadIndex and
   * CheckQuorum. Learners are never in it (unless a test injects {@link
   * InjectedBug#LEARNERS_COUNTED}).
   */
  Quorum quorum() {
    Membership m = log.membership();
    if (m != quorumOf) {
      quorum = config.bug(InjectedBug.LEARNERS_COUNTED)
          ? new Quorum(m.members().stream().mapToInt(Member::id).toArray())
          : new Quorum(m.voters());
      quorumOf = m;
    }
    return quorum;
  }

  HardState hardState() {
    return new HardState(term, vote, log.committed());
  }

  SoftState softState() {
    return new SoftState(leader, role);
  }

  /**
   * Queues a message for the next Ready, sorted by whether it may leave before that Ready is
   * durable.
   *
   * <p>Thesis §10.2.1: "the leader can write to its disk in parallel with replicating to the
   * followers"; it simply counts itself toward a majority only once its own write is done
   * ({@link Replicator#maybeCommit} uses the stabled index, which {@link RaftNode#advance} moves).
   * So what a leader sends to drive replication (AppendEntries, heartbeats, snapshots, TimeoutNow,
   * answers to forwarded reads) carries no promise about its own disk, only its term, which became
   * durable before its RequestVotes could go out (Figure 3.1: currentTerm is persistent state).
   *
   * <p>Everything else waits for the fsync: an AppendEntriesResponse acknowledges entries that
   * must be on disk (§5.3, Figure 3.1), a vote or a candidate's RequestVote depends on the
   * persisted votedFor and currentTerm (§5.2), and any other answer carries a term that may be
   * new in this very Ready. This is the same split as etcd-io/raft's msgsAfterAppend.
   */
  void send(Message m) {
    if (role == Role.LEADER && leaderTraffic(m)) {
      earlyOutbox.add(m);
    } else {
      outbox.add(m);
    }
  }

  private static boolean leaderTraffic(Message m) {
    return m instanceof AppendEntries
        || m instanceof Heartbeat
        || m instanceof InstallSnapshot
        || m instanceof TimeoutNow
        || m instanceof ReadIndexResponse;
  }

  // ---------------------------------------------------------------- roles

  void becomeFollower(long newTerm, int newLeader) {
    boolean wasLeader = role == Role.LEADER;
    setTerm(newTerm);
    role = Role.FOLLOWER;
    leader = newLeader;
    resetElectionTimer();
    if (wasLeader) {
      replicator.stepDown();
    }
    reads.failAll();
  }

  private void becomePreCandidate() {
    // Thesis §9.6: a pre-candidate changes neither its term nor its vote.
    role = Role.PRE_CANDIDATE;
    leader = NONE;
    votes.clear();
    resetElectionTimer();
  }

  private void becomeCandidate() {
    check(role != Role.LEADER, "a leader must not become a candidate without stepping down");
    setTerm(term + 1);
    setVote(id); // §5.2: a candidate votes for itself
    role = Role.CANDIDATE;
    leader = NONE;
    votes.clear();
    resetElectionTimer();
  }

  private void becomeLeader() {
    check(role == Role.CANDIDATE, "only a candidate may become leader, not a %s", role);
    role = Role.LEADER;
    leader = id;
    electionElapsed = 0;
    replicator.becomeLeader();
  }

  private void setTerm(long newTerm) {
    check(newTerm >= term, "§5.1: the current term must never decrease (%d -> %d)", term, newTerm);
    if (newTerm > term) {
      term = newTerm;
      vote = NONE;
    }
  }

  private void setVote(int candidate) {
    check(vote == NONE || vote == candidate,
        "§5.2: at most one vote per term: term %d already voted for %d, now %d", term, vote, candidate);
    vote = candidate;
  }

  void resetElectionTimer() {
    electionElapsed = 0;
    int base = config.electionTimeoutTicks();
    randomizedElectionTimeout = base + config.random().nextInt(base);
  }

  /**
   * Whether this node may campaign: only a voter (a learner, a removed node or one that knows no
   * configuration never does, see {@link #votesInElections}), never while rejoining, and not at
   * the term bound (see RaftConfig.MAX_TERM).
   */
  boolean promotable() {
    return votesInElections() && log.pendingSnapshot() == null && !rejoining
        && term < RaftConfig.MAX_TERM;
  }

  /**
   * Whether this node is a voter of the configuration in force, or of the one before it while the
   * one in force is not yet committed here. The second case is a leader that removed or demoted
   * itself in an entry that reached no one before it crashed or was cut off: it holds the longest
   * log, so the others cannot win without its vote, which their shorter logs do not get (§5.4.1),
   * and if it could not campaign either, no one could be elected although a majority of both
   * configurations is alive. Campaigning is safe: its votes are counted in the configuration in
   * force (its own vote not among them), whose majorities overlap those of the configuration
   * before (single-server changes, thesis §4.1, with the own-term commit rule), and once elected it
   * commits that configuration and hands leadership over like any removed leader (§4.2.2).
   */
  private boolean votesInElections() {
    Membership m = log.membership();
    return m.isVoter(id)
        || (m.index() > log.committed() && log.membershipAt(m.index() - 1).isVoter(id));
  }

  // ---------------------------------------------------------------- time

  void tick() {
    if (role == Role.LEADER) {
      replicator.tick();
      return;
    }
    electionElapsed++;
    if (electionElapsed >= randomizedElectionTimeout) {
      resetElectionTimer();
      if (promotable()) {
        campaign(Campaign.TIMEOUT);
      }
    }
  }

  /** How an election starts. */
  enum Campaign {
    /** The election timeout elapsed: a PreVote round first when enabled (thesis §9.6). */
    TIMEOUT,
    /** A PreVote round was won: now the real election. */
    AFTER_PRE_VOTE,
    /**
     * A leadership transfer asked for it (thesis §3.10): no PreVote, and voters must not ignore it
     * because they still hear from the current leader.
     */
    TRANSFER
  }

  void campaign(Campaign how) {
    if (role == Role.LEADER || !promotable()) {
      return;
    }
    boolean pre = config.preVote() && how == Campaign.TIMEOUT;
    long voteTerm;
    if (pre) {
      becomePreCandidate();
      voteTerm = term + 1;
    } else {
      becomeCandidate();
      voteTerm = term;
    }
    votes.put(id, true);
    if (quorum().tally(votes) == Quorum.VoteResult.WON) {
      electionWon(pre);
      return;
    }
    boolean transfer = how == Campaign.TRANSFER;
    for (int peer : quorum().voters()) {
      if (peer != id) {
        send(new RequestVote(id, peer, voteTerm, log.lastIndex(), log.lastTerm(), pre, transfer));
      }
    }
  }

  private void electionWon(boolean pre) {
    if (pre) {
      campaign(Campaign.AFTER_PRE_VOTE);
      return;
    }
    becomeLeader();
  }

  // ---------------------------------------------------------------- messages

  void step(Message m) {
    MessageValidator.validate(m);
    if (m.to() != id) {
      return; // misrouted: not ours to act on
    }
    // Thesis §4.1: a node acts on messages from nodes outside its configuration too. A leader
    // added after this node's latest configuration entry must be able to bring it up to date, and
    // a candidate promoted in an entry this node has not yet received must be able to get its
    // vote. A removed node cannot disrupt: PreVote and the leader lease (§4.2.3) refuse it.
    if (m.term() == 0) {
      stepTermless(m);
      return;
    }
    if (m.term() - term > RaftConfig.MAX_TERM_JUMP) {
      throw new IllegalArgumentException("malformed " + m.getClass().getSimpleName() + " from "
          + m.from() + ": term " + m.term() + " is more than 2^32 above ours (" + term + "); no"
          + " correct peer gets that far ahead: " + m);
    }
    if (role == Role.LEADER && m instanceof RequestVote rv
        && m.term() <= term + (rv.preVote() ? 1 : 0) && !membership().contains(m.from())) {
      replicator.remindRemoved(m.from());
    }
    if (m.term() > term) {
      if (m instanceof RequestVote rv && !rv.leadershipTransfer() && inLease()) {
        // Thesis §4.2.3: while we hear from a leader, ignore vote requests, so a node that was
        // partitioned away cannot depose a working leader when it rejoins.
        return;
      }
      if (m instanceof RequestVote rv && rv.preVote()) {
        // Thesis §9.6: a pre-vote never changes our term.
      } else if (m instanceof RequestVoteResponse r && r.preVote() && r.granted()) {
        // A granted pre-vote carries the term we would campaign in, not one we must adopt.
      } else if (m instanceof AppendEntries || m instanceof Heartbeat
          || m instanceof InstallSnapshot) {
        becomeFollower(m.term(), m.from());
      } else {
        becomeFollower(m.term(), NONE);
      }
    } else if (m.term() < term) {
      stepLowerTerm(m);
      return;
    }
    if (m instanceof RequestVote rv) {
      handleRequestVote(rv);
    } else if (m instanceof RequestVoteResponse r) {
      handleVoteResponse(r);
    } else if (m instanceof AppendEntries a) {
      followLeader(a.from());
      handleAppendEntries(a);
    } else if (m instanceof Heartbeat h) {
      followLeader(h.from());
      handleHeartbeat(h);
    } else if (m instanceof InstallSnapshot s) {
      followLeader(s.from());
      handleSnapshot(s);
    } else if (m instanceof AppendEntriesResponse r) {
      if (role == Role.LEADER) {
        replicator.handleAppendResponse(r);
      }
    } else if (m instanceof HeartbeatResponse r) {
      if (role == Role.LEADER && replicator.handleHeartbeatResponse(r)) {
        reads.ack(r.from(), r.readRound());
      }
    } else if (m instanceof TimeoutNow) {
      if (role != Role.LEADER) {
        campaign(Campaign.TRANSFER);
      }
    } else {
      check(false, "unexpected message with a term: %s", m);
    }
  }

  private boolean inLease() {
    return config.checkQuorum()
        && leader != NONE
        && electionElapsed < config.electionTimeoutTicks();
  }

  private void stepLowerTerm(Message m) {
    if ((config.checkQuorum() || config.preVote())
        && (m instanceof AppendEntries || m instanceof Heartbeat)) {
      // A stale leader is still talking to us. Tell it our term so it steps down; otherwise a node
      // whose term rose while it was cut off (and whose vote requests are ignored under
      // CheckQuorum) could never rejoin.
      send(AppendEntriesResponse.reject(id, m.from(), term, 0, 0, 0));
    } else if (m instanceof RequestVote rv && rv.preVote()) {
      send(new RequestVoteResponse(id, m.from(), term, true, false));
    }
    // Anything else from an older term is simply obsolete (§5.1).
  }

  private void stepTermless(Message m) {
    if (m instanceof ReadIndexRequest r) {
      reads.requestFrom(r.from(), r.context());
    } else if (m instanceof ReadIndexResponse r) {
      readStates.add(new ReadState(r.context(), r.index(),
          r.ok() ? ReadState.Outcome.READY : ReadState.Outcome.NOT_LEADER));
    } else {
      check(false, "message without a term: %s", m);
    }
  }

  private void followLeader(int from) {
    if (role != Role.FOLLOWER) {
      // §5.2: a candidate that hears from a leader of its own term returns to follower.
      check(role != Role.LEADER, "§5.2 Election Safety: two leaders in term %d (%d and %d)",
          term, id, from);
      becomeFollower(term, from);
    }
    leader = from;
    electionElapsed = 0;
  }

  private void handleRequestVote(RequestVote rv) {
    // §5.2 one vote per term, first come first served; a pre-vote for a later term may be granted
    // whatever we voted in ours (thesis §9.6). A rejoining node may already have voted in this
    // term before it lost its state: it grants nothing.
    boolean canVote = !rejoining && (vote == rv.from()
        || (vote == NONE && leader == NONE)
        || (rv.preVote() && rv.term() > term));
    if (canVote && log.isUpToDate(rv.lastLogIndex(), rv.lastLogTerm())) {
      send(new RequestVoteResponse(id, rv.from(), rv.term(), rv.preVote(), true));
      if (!rv.preVote()) {
        setVote(rv.from());
        electionElapsed = 0; // §5.2: granting a vote resets the election timer
      }
    } else if (term > 0) {
      send(new RequestVoteResponse(id, rv.from(), term, rv.preVote(), false));
    }
    // A node still at term 0 (new, or rejoining after it lost its state) can refuse a pre-vote
    // only with silence: an answer carries the voter's term, and term 0 is no term (§5.1).
  }

  private void handleVoteResponse(RequestVoteResponse r) {
    boolean expected = r.preVote() ? role == Role.PRE_CANDIDATE : role == Role.CANDIDATE;
    if (!expected) {
      return;
    }
    votes.putIfAbsent(r.from(), r.granted());
    switch (quorum().tally(votes)) {
      case WON -> electionWon(r.preVote());
      case LOST -> becomeFollower(term, NONE);
      case PENDING -> { }
    }
  }

  private void handleAppendEntries(AppendEntries a) {
    if (a.prevLogIndex() < log.committed()) {
      // Everything up to our commit index matches the leader's log (§5.4); say so.
      maybeRejoin(a.from(), a.rejoinIndex());
      answer(AppendEntriesResponse.accept(id, a.from(), term, log.committed()));
      return;
    }
    if (log.matchTerm(a.prevLogIndex(), a.prevLogTerm())) {
      long lastNew = log.mergeFromLeader(a.prevLogIndex(), a.entries());
      // Figure 2: commitIndex = min(leaderCommit, index of last new entry).
      log.commitTo(Math.min(a.leaderCommit(), lastNew));
      maybeRejoin(a.from(), a.rejoinIndex());
      answer(AppendEntriesResponse.accept(id, a.from(), term, lastNew));
      return;
    }
    // §5.3 consistency check failed. Hint the leader past the whole conflicting term.
    long conflictTerm;
    long conflictIndex;
    if (a.prevLogIndex() > log.lastIndex()) {
      conflictTerm = 0;
      conflictIndex = log.lastIndex() + 1;
    } else {
      conflictTerm = log.term(a.prevLogIndex());
      conflictIndex = log.firstIndexOfTermAt(a.prevLogIndex());
    }
    answer(AppendEntriesResponse.reject(
        id, a.from(), term, a.prevLogIndex(), conflictTerm, conflictIndex));
  }

  private void answer(AppendEntriesResponse r) {
    send(r.withRejoining(rejoining));
  }

  private void handleHeartbeat(Heartbeat h) {
    // The leader sends min(its commit, our match), so this never commits an entry we might lack.
    log.commitTo(Math.min(h.commit(), log.lastIndex()));
    maybeRejoin(h.from(), h.rejoinIndex());
    send(new HeartbeatResponse(id, h.from(), term, h.readRound(), rejoining));
  }

  /**
   * Ends {@link #rejoining} once the leader of our term has told us that its rejoin index for us
   * is committed and we hold it. Why that is enough: the leader chose the index after it first
   * heard that we were rejoining, so no answer we sent before we lost our state can have counted
   * toward it; and it counted none of our later answers (they were marked). So a majority without
   * us accepted an entry of the leader's term after our restart. That majority cannot have
   * included any node that had moved to a later term, so no leader of a later term was elected
   * with a vote we may have given before (it would have needed a majority of the others at that
   * term), and no entry we acknowledged in an earlier term can be missing from this leader's log
   * (§5.4.1, as for any leader). From here on our log holds the leader's up to the rejoin index
   * and our term is the leader's, so our promises are the ones we hold again. We record the vote
   * for the leader of this term so that a restart cannot make us vote for another in it (we may
   * have voted for this leader before we lost our state; voting for another now could elect a
   * second leader, §5.2).
   */
  private void maybeRejoin(int from, long rejoinIndex) {
    if (!rejoining || rejoinIndex == 0 || log.committed() < rejoinIndex) {
      return;
    }
    check(from == leader, "rejoin index from %d, not from the leader %d", from, leader);
    rejoining = false;
    rejoinedUnreported = true;
    if (vote == NONE) {
      setVote(from);
    }
  }

  private void handleSnapshot(InstallSnapshot s) {
    SnapshotMeta meta = s.snapshot().meta();
    if (meta.index() <= log.committed()) {
      answer(AppendEntriesResponse.accept(id, s.from(), term, log.committed()));
      return;
    }
    if (log.matchTerm(meta.index(), meta.term())) {
      // We already hold the entries the snapshot covers; they are committed by the leader's word.
      log.commitTo(meta.index());
    } else {
      log.restore(s.snapshot());
    }
    answer(AppendEntriesResponse.accept(id, s.from(), term, meta.index()));
  }
}
