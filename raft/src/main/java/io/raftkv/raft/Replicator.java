package io.raftkv.raft;

import static io.raftkv.raft.RaftConfig.NONE;
import static io.raftkv.raft.RaftSafetyException.check;

import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendEntriesResponse;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.HeartbeatResponse;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.TimeoutNow;
import java.util.List;
import java.util.TreeMap;

/**
 * The leader's side of replication (§5.3, §5.4.2): per-follower progress, batched and pipelined
 * AppendEntries, heartbeats to idle followers, commitment, CheckQuorum and leadership transfer.
 *
 * <p>Batching: proposals only mark replication as due; {@link #flush()} (called when a Ready is
 * built) sends one AppendEntries per follower covering every entry proposed since, split only by
 * the per-message limits.
 */
final class Replicator {
  private final Raft raft;
  private final RaftConfig config;
  private final TreeMap<Integer, Progress> peers = new TreeMap<>();
  /** Index of this term's no-op: entries from here on were proposed by this leader. */
  private long termStartIndex;
  private long uncommittedBytes;
  private boolean appendDue;
  int transferee = NONE;
  /**
   * This leader's own removal (or demotion) is committed: it is handing leadership over and steps
   * down when the handover finishes or times out (thesis §4.2.2).
   */
  boolean leaving;
  /** A TimeoutNow went to {@link #transferee} (a leaving leader then steps down at its next tick). */
  private boolean timeoutNowSent;
  /** How many times a follower was found rejoining (see {@link #noticeRejoining}). */
  long rejoinsNoticed;
  /** What the last of those was, for the runtime's log. */
  String lastRejoinNotice = "";

  final ConfChanges changes;

  Replicator(Raft raft) {
    this.raft = raft;
    this.config = raft.config;
    this.changes = new ConfChanges(raft, this);
  }

  void becomeLeader() {
    peers.clear();
    uncommittedBytes = 0;
    transferee = NONE;
    leaving = false;
    timeoutNowSent = false;
    syncPeers(raft.log.lastIndex() + 1);
    termStartIndex = raft.log.lastIndex() + 1;
    // §5.4.2 and thesis §6.4: an entry in the new term lets the leader commit earlier-term entries
    // and learn the commit index that ReadIndex needs. It is a no-op, unless the configuration in
    // force has never been written to the log (the bootstrap one): then it is that configuration,
    // so that every node, including one that joins later and is sent the log from its start,
    // learns the members from the log itself (RATIS-2274: a new peer must not catch up without the
    // configuration).
    Membership m = raft.log.membership();
    raft.log.append(m.index() == 0 && !m.isEmpty()
        ? Entry.config(termStartIndex, raft.term, m.atIndex(termStartIndex))
        : Entry.noop(termStartIndex, raft.term));
    appendDue = true;
    maybeCommit();
  }

  /**
   * Gives every member of the configuration in force a progress entry (new ones start probing at
   * {@code next}). Members no longer in it keep theirs until {@link #pruneDeparted} drops them:
   * they must hear of the entry that removed them.
   */
  void syncPeers(long next) {
    for (Member m : raft.log.membership().members()) {
      if (m.id() != raft.id && !peers.containsKey(m.id())) {
        addPeer(m.id(), next);
      }
    }
  }

  /** Starts tracking {@code peer}, probing at {@code next}. */
  private void addPeer(int peer, long next) {
    Progress pr = new Progress(next, config.maxInflightMessages(), config.maxInflightBytes());
    pr.recentActive = true; // a full election timeout before CheckQuorum counts it
    peers.put(peer, pr);
  }

  /**
   * Drops the progress of nodes removed by a committed configuration that hold the entry that
   * removed them (they then know, thesis §4.2.2), or, with {@code inactiveToo}, that did not
   * answer for a whole CheckQuorum round (a dead node must not be tried forever). Runs at each
   * commit advance and each CheckQuorum round, so a removed node that acknowledged its removal
   * after the commit is still sent entries until the next of those.
   */
  private void pruneDeparted(boolean inactiveToo) {
    Membership m = raft.log.membership();
    if (raft.log.committed() < m.index() || peers.size() == m.members().size()
        - (m.contains(raft.id) ? 1 : 0)) {
      return;
    }
    peers.entrySet().removeIf(e -> !m.contains(e.getKey())
        && (e.getValue().match >= m.index() || (inactiveToo && !e.getValue().recentActive)));
  }

  Progress progress(int peer) {
    return peers.get(peer);
  }
  void stepDown() {
    peers.clear();
    transferee = NONE;
    leaving = false;
    timeoutNowSent = false;
    uncommittedBytes = 0;
    appendDue = false;
  }

  boolean committedInCurrentTerm() {
    return raft.log.committed() >= termStartIndex;
  }

  // ---------------------------------------------------------------- proposals

  ProposeResult propose(byte[] data) {
    if (transferee != NONE || leaving) {
      return ProposeResult.refused(ProposeResult.Status.TRANSFERRING, raft.id);
    }
    Entry e = Entry.normal(raft.log.lastIndex() + 1, raft.term, data);
    long max = config.maxUncommittedBytes();
    if (max > 0 && uncommittedBytes > 0 && uncommittedBytes + e.sizeBytes() > max) {
      return ProposeResult.refused(ProposeResult.Status.OVERLOADED, raft.id);
    }
    raft.log.append(e);
    uncommittedBytes += e.sizeBytes();
    appendDue = true;
    maybeCommit(); // a single-node cluster commits as soon as its own log is durable
    return ProposeResult.accepted(e.index(), e.term());
  }

  /**
   * Whether {@link #flush()} has anything to send: new entries. A commit advance alone is not
   * sent at once; followers learn it with the next entries or at the next tick ({@link
   * #sendCommitIndexes()}). Under load the next entries follow within a round trip; sending every
   * advance on its own cost each follower a message, a wake-up and an answer per write.
   */
  boolean flushDue() {
    return appendDue;
  }

  /** Sends what proposals made due, one batch per follower, each carrying the commit index. */
  void flush() {
    if (!flushDue()) {
      return;
    }
    for (int peer : peers.keySet()) {
      sendAppends(peer, false);
    }
    appendDue = false;
  }

  /**
   * Sends an AppendEntries to each follower not yet told the commit index it can reach: the
   * current one, or the last index sent to it if that is lower (it cannot commit past what it
   * holds, §5.3).
   */
  private void sendCommitIndexes() {
    for (var e : peers.entrySet()) {
      Progress pr = e.getValue();
      if (pr.sentCommit < Math.min(raft.log.committed(), pr.next - 1)) {
        sendAppends(e.getKey(), true);
      }
    }
  }

  /**
   * Makes sure {@code peer} is told a commit index of at least {@code index} now rather than at
   * the next tick: a follower answered a ReadIndex must apply up to it before it can serve the read
   * (thesis §6.4.1).
   */
  void sendCommitIndex(int peer, long index) {
    Progress pr = peers.get(peer);
    if (pr != null && pr.sentCommit < index) {
      sendAppends(peer, true);
    }
  }

  // ---------------------------------------------------------------- sending

  /** Sends as many AppendEntries as flow control allows; at least one if {@code evenEmpty}. */
  private void sendAppends(int peer, boolean evenEmpty) {
    boolean sent = sendAppend(peer, evenEmpty);
    while (sent && peers.get(peer).mode == Progress.Mode.REPLICATE) {
      sent = sendAppend(peer, false);
    }
  }

  private boolean sendAppend(int peer, boolean evenEmpty) {
    Progress pr = peers.get(peer);
    if (pr.isPaused()) {
      return false;
    }
    RaftLog log = raft.log;
    long prevIndex = pr.next - 1;
    long prevTerm = log.term(prevIndex);
    if (prevTerm < 0 || pr.next < log.firstIndex()) {
      return sendSnapshot(peer, pr);
    }
    List<Entry> entries = pr.next > log.lastIndex()
        ? List.of()
        : log.slice(pr.next, config.maxEntriesPerMessage(), config.maxBytesPerMessage());
    if (entries.isEmpty() && !evenEmpty) {
      return false;
    }
    raft.send(new AppendEntries(raft.id, peer, raft.term, prevIndex, prevTerm, entries,
        log.committed(), pr.rejoinIndex));
    // §5.3: the follower commits up to min(leaderCommit, index of the last new entry).
    long lastSent = entries.isEmpty() ? prevIndex : entries.get(entries.size() - 1).index();
    pr.sentCommit = Math.max(pr.sentCommit, Math.min(log.committed(), lastSent));
    pr.idleTicks = 0;
    if (pr.mode == Progress.Mode.REPLICATE && !entries.isEmpty()) {
      long last = entries.get(entries.size() - 1).index();
      long bytes = 0;
      for (Entry e : entries) {
        bytes += e.sizeBytes();
      }
      pr.next = last + 1;
      pr.inflights.add(last, bytes);
    } else if (pr.mode == Progress.Mode.PROBE) {
      pr.probeSent = true;
    }
    return true;
  }

  private boolean sendSnapshot(int peer, Progress pr) {
    Snapshot snap = raft.log.latestSnapshot();
    check(snap != null, "follower %d needs entry %d, compacted away, but no snapshot exists",
        peer, pr.next);
    raft.send(new InstallSnapshot(raft.id, peer, raft.term, snap));
    pr.becomeSnapshot(snap.meta().index());
    pr.idleTicks = 0;
    return true;
  }

  private void sendHeartbeat(int peer, long readRound) {
    Progress pr = peers.get(peer);
    // Never let a follower commit past what we know it holds: its tail may still diverge.
    long commit = Math.min(pr.match, raft.log.committed());
    raft.send(new Heartbeat(raft.id, peer, raft.term, commit, readRound, pr.rejoinIndex));
    pr.sentCommit = Math.max(pr.sentCommit, commit);
    pr.idleTicks = 0;
  }

  /** Heartbeats every follower at once, carrying a ReadIndex confirmation round. */
  void broadcastHeartbeat(long readRound) {
    for (int peer : peers.keySet()) {
      sendHeartbeat(peer, readRound);
    }
  }

  // ---------------------------------------------------------------- answers

  void handleAppendResponse(AppendEntriesResponse r) {
    Progress pr = peers.get(r.from());
    if (pr == null) {
      return;
    }
    if (r.matchIndex() > raft.log.lastIndex()) {
      // Our log only grows within a term, so no correct follower can claim more than we hold.
      throw new IllegalArgumentException("malformed AppendEntriesResponse from " + r.from()
          + ": matchIndex " + r.matchIndex() + " beyond the leader's last index "
          + raft.log.lastIndex() + ": " + r);
    }
    if (r.rejoining()) {
      if (noticeRejoining(r.from(), pr) && !r.success()) {
        sendAppends(r.from(), false); // from the start of the log (or a snapshot)
        return;
      }
      if (!r.success() && r.rejectedIndex() <= pr.match) {
        // A success of the follower's old life, delayed or duplicated by the network (the
        // thesis's model, §3.3: messages may be delayed, duplicated, reordered), put back a match
        // it no longer holds after noticeRejoining forgot it; its rejections would then look stale
        // (Progress.maybeDecrTo) and replication to it would stall for good. A rejoining
        // follower's rejection is of its new life: believe it and probe from its hint (found by
        // the simulator: ./raftkv sim --seed 481 --nodes 4 --profile chaos+churn
        // --chaos-millis 1500 --batch 16 --inflight 5).
        pr.match = 0;
        pr.becomeProbe();
        pr.next = Math.max(1, nextFromHint(r));
        sendAppends(r.from(), false);
        return;
      }
    } else if (pr.rejoinIndex > 0 && r.success() && r.matchIndex() >= pr.rejoinIndex) {
      // It holds the rejoin index and no longer says it is rejoining: it has seen the index
      // committed (no answer of its old life can reach the rejoin index, chosen after them all).
      pr.rejoinIndex = 0;
    }
    pr.recentActive = pr.rejoinIndex == 0;
    if (!r.success()) {
      if (r.rejectedIndex() == 0 && r.conflictIndex() == 0) {
        return; // a bare term notice (see Raft.stepLowerTerm); at our term it carries nothing
      }
      if (pr.maybeDecrTo(r.rejectedIndex(), nextFromHint(r))) {
        if (pr.mode == Progress.Mode.REPLICATE) {
          pr.becomeProbe();
        }
        sendAppends(r.from(), false);
      }
      return;
    }
    boolean updated = pr.maybeUpdate(r.matchIndex());
    if (updated) {
      switch (pr.mode) {
        case PROBE -> pr.becomeReplicate();
        case SNAPSHOT -> {
          if (pr.match >= pr.pendingSnapshot) {
            pr.becomeProbe();
            pr.becomeReplicate();
          }
        }
        case REPLICATE -> pr.inflights.freeLe(pr.match);
      }
      maybeCommit(); // followers learn the new commit index with the next batch or tick
      if (r.from() == transferee && pr.match == raft.log.lastIndex()) {
        sendTimeoutNow(transferee);
      }
    } else if (pr.mode == Progress.Mode.PROBE) {
      pr.probeSent = false; // an answer came back; the probe is no longer outstanding
    }
    sendAppends(r.from(), false);
  }

  /**
   * §5.3 optimization: if we hold entries of the follower's conflicting term, resume right after
   * our last one of that term; otherwise skip the follower's whole run of that term.
   */
  private long nextFromHint(AppendEntriesResponse r) {
    if (r.conflictTerm() > 0) {
      long ours = raft.log.lastIndexOfTerm(r.conflictTerm(), r.rejectedIndex());
      if (ours >= 0) {
        return ours + 1;
      }
    }
    return r.conflictIndex();
  }

  /**
   * Handles a heartbeat's answer; returns whether it confirms our leadership for ReadIndex (a
   * rejoining follower's does not: it may have promised a later leader its vote).
   */
  boolean handleHeartbeatResponse(HeartbeatResponse r) {
    Progress pr = peers.get(r.from());
    if (pr == null) {
      return false;
    }
    if (r.rejoining()) {
      noticeRejoining(r.from(), pr);
    }
    pr.recentActive = pr.rejoinIndex == 0;
    pr.probeSent = false;
    if (pr.mode == Progress.Mode.REPLICATE && pr.inflights.full()) {
      pr.inflights.freeFirst(); // lost messages must not stall the window forever
    }
    if (pr.match < raft.log.lastIndex() || (pr.rejoinIndex > 0 && !r.rejoining())) {
      // Even an empty AppendEntries helps: if what we think is in flight was lost, the follower's
      // rejection of it puts the follower back into probe mode. And a follower that says it has
      // rejoined proves it with the match index of its answer (a heartbeat's answer carries none).
      sendAppends(r.from(), true);
    }
    return pr.rejoinIndex == 0;
  }

  /**
   * A follower says it restarted with less than it may have promised. The first time we hear it,
   * forget what we believed it holds (its old answers may describe a log it lost: without this,
   * {@link Progress#maybeDecrTo} would never probe below the old match and it would never catch
   * up), and choose its rejoin index: the index after our last entry, where we append a no-op so
   * the index exists even when no client writes. Everything it acknowledged before it lost its
   * state is at or below our last index, so no such answer can reach the rejoin index; until it
   * answers as a member again holding the rejoin index, its answers count toward no quorum (commit,
   * ReadIndex, CheckQuorum). See {@code Raft.maybeRejoin} for why that makes its rejoining safe.
   */
  private boolean noticeRejoining(int peer, Progress pr) {
    if (pr.rejoinIndex > 0) {
      return false;
    }
    long index = raft.log.lastIndex() + 1;
    raft.log.append(Entry.noop(index, raft.term));
    appendDue = true;
    pr.rejoinIndex = index;
    pr.match = 0;
    pr.becomeProbe();
    pr.next = 1; // a snapshot if the log no longer starts there (sendAppend)
    if (transferee == peer) {
      transferee = NONE;
    }
    rejoinsNoticed++;
    lastRejoinNotice = "follower " + peer + " restarted with less than it may have promised"
        + " (lost or cut storage): it counts toward no quorum until it holds index " + index
        + " committed; replicating to it from the start of the log";
    return true;
  }

  /** The caller could not reach {@code peer}: stop pipelining to it until it answers a probe. */
  void reportUnreachable(int peer) {
    Progress pr = peers.get(peer);
    if (pr != null && pr.mode == Progress.Mode.REPLICATE) {
      pr.becomeProbe();
    }
  }

  /** The caller finished (or failed) sending a snapshot to {@code peer}. */
  void reportSnapshot(int peer, boolean ok) {
    Progress pr = peers.get(peer);
    if (pr == null || pr.mode != Progress.Mode.SNAPSHOT) {
      return;
    }
    if (!ok) {
      pr.pendingSnapshot = 0;
    }
    // Wait for the follower's answer (or the next heartbeat's) before sending more.
    pr.becomeProbe();
    pr.probeSent = true;
  }

  // ---------------------------------------------------------------- commitment

  /**
   * §5.4.2: advance the commit index to the largest index a majority holds, but only if that entry
   * is from the current term (Figure 8: counting replicas never commits an older term's entry).
   * The leader counts itself only for entries it has made durable.
   */
  boolean maybeCommit() {
    long n = raft.quorum().committedValue(v -> v == raft.id ? raft.log.stabled() : matchOf(v));
    if (n > raft.log.committed() && raft.log.term(n) == raft.term) {
      long old = raft.log.committed();
      raft.log.commitTo(n);
      for (long i = Math.max(old + 1, termStartIndex); i <= n; i++) {
        Entry e = raft.log.entry(i);
        if (e.type() == EntryType.NORMAL) {
          uncommittedBytes -= e.sizeBytes();
        }
      }
      raft.reads.commitAdvanced();
      pruneDeparted(false);
      Membership m = raft.log.membership();
      if (n >= m.index() && !m.isVoter(raft.id)
          && !config.bug(InjectedBug.REMOVED_LEADER_KEEPS_LEADING)) {
        leaveLeadership();
      }
      // Followers learn the new commit index with the next batch or at the next tick, whichever
      // vote completed the majority: a follower's answer or our own durable copy (advance).
      return true;
    }
    return false;
  }

  private long matchOf(int peer) {
    Progress pr = peers.get(peer);
    return pr == null || pr.rejoinIndex > 0 ? 0 : pr.match;
  }

  // ---------------------------------------------------------------- time

  void tick() {
    if (leaving && (transferee == NONE || timeoutNowSent)) {
      raft.becomeFollower(raft.term, NONE);
      return;
    }
    raft.electionElapsed++;
    if (raft.electionElapsed >= config.electionTimeoutTicks()) {
      raft.electionElapsed = 0;
      boolean active = quorumActive();
      if ((config.checkQuorum() && !active) || leaving) {
        // Thesis §6.2: a leader that has not heard from a majority for an election timeout steps
        // down, so clients are not left waiting on a leader that cannot commit. A leader that
        // removed itself steps down when its handover did not finish in time (§4.2.2).
        raft.becomeFollower(raft.term, NONE);
        return;
      }
      transferee = NONE; // thesis §3.10: abort a transfer that did not finish in time
      timeoutNowSent = false;
    }
    // Heartbeats only to idle followers: a follower that was sent anything in the last interval
    // has just heard from us. Counted per follower, so none goes longer than one interval.
    for (var e : peers.entrySet()) {
      if (++e.getValue().idleTicks >= config.heartbeatIntervalTicks()) {
        sendHeartbeat(e.getKey(), raft.reads.currentRound());
      }
    }
    sendCommitIndexes(); // to those a heartbeat did not tell
    changes.autoPromote();
  }

  private boolean quorumActive() {
    Quorum quorum = raft.quorum();
    int active = quorum.contains(raft.id) ? 1 : 0; // ourselves, if we vote
    for (var e : peers.entrySet()) {
      if (e.getValue().recentActive && quorum.contains(e.getKey())) {
        active++;
      }
    }
    pruneDeparted(true);
    for (Progress pr : peers.values()) {
      pr.recentActive = false;
    }
    return active >= quorum.majority();
  }

  // ---------------------------------------------------------------- leadership transfer

  /** Thesis §3.10: bring {@code target} up to date, then tell it to campaign at once. */
  boolean transferLeadership(int target) {
    Progress pr = peers.get(target);
    if (pr == null || pr.rejoinIndex > 0 || !raft.log.membership().isVoter(target)) {
      return false; // only a voter may campaign, and a rejoining follower must not
    }
    if (transferee == target) {
      return true;
    }
    transferee = target;
    raft.electionElapsed = 0; // the transfer must finish within one election timeout
    if (pr.match == raft.log.lastIndex()) {
      sendTimeoutNow(target);
    } else {
      sendAppends(target, false);
    }
    return true;
  }

  private void sendTimeoutNow(int target) {
    raft.send(new TimeoutNow(raft.id, target, raft.term));
    timeoutNowSent = true;
  }

  /**
   * A node outside the configuration in force asked for a vote while we lead: it was removed but
   * never received the entry that removed it (it was cut off until we pruned it), so it still
   * believes it is a voter. Replicate to it again, as to any departing member, until it holds
   * that entry and so learns it was removed (thesis §4.2.2); {@link #pruneDeparted} drops it
   * again. Only for a node whose term is not above ours (a vote request from a later term would
   * have made us step down, or is ignored under the lease), so our AppendEntries make it follow us
   * instead of its answer deposing us.
   */
  void remindRemoved(int peer) {
    if (peers.containsKey(peer) || raft.log.membership().contains(peer)) {
      return;
    }
    addPeer(peer, raft.log.lastIndex() + 1);
    sendAppends(peer, true);
  }

  /**
   * Thesis §4.2.2: a leader no longer among the voters (its removal or demotion is committed,
   * counted in the new configuration) hands leadership to the most up-to-date voter, as in a
   * transfer (§3.10), and steps down at the tick after it sent the TimeoutNow (the new leader's
   * vote requests go only to voters, so it would not hear them), at the next tick if no voter can
   * take over, or after an election timeout if the voter does not catch up. Proposals are refused
   * meanwhile.
   */
  private void leaveLeadership() {
    if (leaving) {
      return;
    }
    leaving = true;
    int best = NONE;
    long bestMatch = -1;
    for (var e : peers.entrySet()) {
      Progress pr = e.getValue();
      if (raft.log.membership().isVoter(e.getKey()) && pr.rejoinIndex == 0
          && pr.match > bestMatch) {
        best = e.getKey();
        bestMatch = pr.match;
      }
    }
    transferee = NONE;
    if (best != NONE) {
      transferLeadership(best);
    }
    // With no voter to hand over to, the next tick steps down (not here: we may be in the middle
    // of handling an answer that still uses this leader's state).
  }

  /** Appends a configuration entry proposed by {@link ConfChanges} (already checked). */
  long appendConfig(Membership next) {
    long index = raft.log.lastIndex() + 1;
    raft.log.append(Entry.config(index, raft.term, next.atIndex(index)));
    // Thesis §4.1: one change at a time, so a leader's log never holds two uncommitted
    // configurations (ConfChanges refuses a change while the one in force is uncommitted).
    check(raft.log.uncommittedConfigs() <= 1 || config.bug(InjectedBug.CHANGE_BEFORE_TERM_COMMIT),
        "§4.1: a second uncommitted configuration entry at %d (commit %d)", index,
        raft.log.committed());
    // A member the entry adds starts probing at the entry itself, so it is sent the entry at once
    // instead of waiting for a heartbeat to find it behind (§4.2.1: a new server starts catching
    // up as soon as it is added).
    syncPeers(index);
    appendDue = true;
    maybeCommit(); // a single voter commits as soon as its own log is durable
    return index;
  }

  java.util.Map<Integer, Long> matchIndexes() {
    java.util.Map<Integer, Long> out = new TreeMap<>();
    peers.forEach((k, v) -> out.put(k, v.match));
    return out;
  }

  String describe() {
    StringBuilder sb = new StringBuilder();
    peers.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
    return sb.toString();
  }
}
