package io.raftkv.raft;

import static io.raftkv.raft.RaftSafetyException.check;

import io.raftkv.raft.message.Message;
import java.util.List;

/**
 * One Raft node as a pure, deterministic state machine, in the style of etcd-io/raft's RawNode.
 *
 * <p>It never blocks, sleeps, reads a clock, draws global randomness or touches a file or socket:
 * time arrives as {@link #tick()}, randomness from {@link RaftConfig#random()}, messages through
 * {@link #step(Message)}, and everything the node wants done leaves as a {@link Ready} batch. The
 * caller performs the batch in the order its Javadoc gives and then calls {@link #advance(Ready)}.
 * The same inputs in the same order always produce the same outputs, which is what lets the
 * simulator replay any failure exactly.
 *
 * <p>Not thread-safe: one thread (the node runtime's loop) drives it.
 *
 * <p>Every safety rule the algorithm depends on is checked as it is used, always (not only with
 * {@code -ea}); a broken one throws {@link RaftSafetyException} and the caller must stop the node.
 */
public final class RaftNode {
  private final Raft raft;
  private SoftState prevSoftState;
  private HardState prevHardState;
  private Ready outstanding;

  /**
   * Creates a node from what its storage recovered ({@link RestoredState#EMPTY} for a new one).
   * It starts as a follower with no known leader.
   */
  public RaftNode(RaftConfig config, RestoredState restored) {
    this(config, restored, java.util.Map.of());
  }

  /**
   * Creates a node as above; {@code addresses} are those of the bootstrap voters ({@link
   * RaftConfig#voters()}), written into the log with the bootstrap configuration by the first
   * leader. The bootstrap configuration is used only until the log or a snapshot holds one.
   */
  public RaftNode(RaftConfig config, RestoredState restored, java.util.Map<Integer, String> addresses) {
    this.raft = new Raft(config, restored, Membership.bootstrap(config.voters(), addresses));
    this.prevSoftState = raft.softState();
    this.prevHardState = restored.hardState();
  }

  // ---------------------------------------------------------------- inputs

  /** Advances logical time by one tick: election timeouts, heartbeats, CheckQuorum. */
  public void tick() {
    raft.tick();
  }

  /** Starts an election now, as if the election timeout had elapsed (PreVote first if enabled). */
  public void campaign() {
    raft.campaign(Raft.Campaign.TIMEOUT);
  }

  /**
   * Hands the node a message from a peer. Messages not addressed to it are ignored. Messages from
   * nodes outside its configuration are acted on (thesis §4.1: a leader added in an entry this node
   * has not yet received must be able to reach it); PreVote and the leader lease keep removed
   * nodes from disrupting.
   *
   * @throws IllegalArgumentException if the message is malformed (no correct peer could send it);
   *     the node's state is unchanged and the caller should log and drop the message
   */
  public void step(Message message) {
    raft.step(message);
  }

  /**
   * Proposes a command for the log. Only a leader accepts it; the command is committed when an entry
   * with the returned index and term is applied (a different term at that index means it was lost
   * with a leader change and may be retried).
   */
  public ProposeResult propose(byte[] data) {
    if (raft.role != Role.LEADER) {
      return ProposeResult.refused(ProposeResult.Status.NOT_LEADER, raft.leader);
    }
    return raft.replicator.propose(data.clone());
  }

  /**
   * Proposes a single-server membership change (thesis §4.1). Only a leader accepts it, and only
   * when it has committed an entry of its own term, no other change is uncommitted, the change's
   * expected configuration index matches and, for a promotion, the learner has caught up; the
   * result says why not otherwise. Accepted, the new configuration is in force on this node at
   * once, and on every other node as soon as it appends the entry; it is committed when an entry
   * with the returned index and term is applied.
   */
  public ProposeResult proposeConfChange(ConfChange change) {
    if (raft.role != Role.LEADER) {
      return ProposeResult.refused(ProposeResult.Status.NOT_LEADER, raft.leader);
    }
    return raft.replicator.changes.propose(change);
  }

  /** The configuration in force on this node: the latest in its log (thesis §4.1). */
  public Membership membership() {
    return raft.membership();
  }

  /**
   * The configuration in force at {@code index}, for a snapshot taken there: {@code index} must
   * lie between the first retained entry's predecessor and the last index.
   */
  public Membership membershipAt(long index) {
    return raft.log.membershipAt(index);
  }

  /**
   * Asks for a linearizable read (thesis §6.4). The answer arrives as a {@link ReadState} with the
   * same {@code context} in a later Ready: on a leader once a majority has confirmed its
   * leadership; on a follower once the leader answered; at once if no leader is known.
   */
  public void readIndex(long context) {
    raft.reads.request(context);
  }

  /**
   * Asks the leader to hand leadership to {@code target} (thesis §3.10). Proposals are refused
   * meanwhile; the attempt is abandoned after an election timeout.
   *
   * @return false if this node is not the leader or {@code target} is not another voter of the
   *     configuration in force
   */
  public boolean transferLeadership(int target) {
    if (raft.role != Role.LEADER || target == raft.id) {
      return false;
    }
    return raft.replicator.transferLeadership(target);
  }

  /** The caller failed to deliver a message to {@code peer}: stop pipelining to it. */
  public void reportUnreachable(int peer) {
    if (raft.role == Role.LEADER) {
      raft.replicator.reportUnreachable(peer);
    }
  }

  /** The caller finished streaming a snapshot to {@code peer}, successfully or not. */
  public void reportSnapshot(int peer, boolean ok) {
    if (raft.role == Role.LEADER) {
      raft.replicator.reportSnapshot(peer, ok);
    }
  }

  /**
   * Records a snapshot the caller took of its state machine (covering at most the applied index)
   * and discards log entries up to {@code compactIndex}. Keeping some entries below the snapshot
   * lets slightly lagging followers catch up without a whole snapshot.
   */
  public void snapshotTaken(Snapshot snapshot, long compactIndex) {
    raft.log.compact(snapshot, compactIndex);
  }

  /**
   * Gives the core another handle to its latest snapshot: the same index and term, the bytes kept
   * elsewhere. A caller that stored a snapshot received from the leader (a {@link Ready}'s {@code
   * snapshot}) hands back a handle to its stored copy, so the received bytes can be freed; the
   * core sends the new handle to followers from then on. Ignored if a newer snapshot has been
   * recorded meanwhile.
   *
   * @throws RaftSafetyException if the core holds no snapshot at that index, or holds one of
   *     another term there
   */
  public void snapshotStored(Snapshot stored) {
    raft.log.replaceLatestSnapshot(stored);
  }

  // ---------------------------------------------------------------- output

  /** Whether {@link #ready()} would return a non-empty batch. */
  public boolean hasReady() {
    if (outstanding != null) {
      return false;
    }
    return !raft.outbox.isEmpty()
        || !raft.earlyOutbox.isEmpty()
        || !raft.readStates.isEmpty()
        || raft.replicator.flushDue()
        || raft.reads.roundDue()
        || !raft.softState().equals(prevSoftState)
        || !raft.hardState().equals(prevHardState)
        || raft.log.stabled() < raft.log.lastIndex()
        || raft.log.pendingSnapshot() != null
        || raft.log.hasNextCommitted()
        || raft.rejoinedUnreported;
  }

  /**
   * Takes the next batch of work. Must be followed by {@link #advance(Ready)} before the next call;
   * other inputs may be given in between.
   */
  public Ready ready() {
    if (outstanding != null) {
      throw new IllegalStateException("ready() called again before advance() of the last Ready");
    }
    if (raft.role == Role.LEADER) {
      raft.replicator.flush();
      raft.reads.flush();
    }
    SoftState soft = raft.softState();
    HardState hard = raft.hardState();
    List<Entry> entries = raft.log.unstableEntries();
    Snapshot snapshot = raft.log.pendingSnapshot();
    boolean mustSync = !entries.isEmpty()
        || snapshot != null
        || hard.term() != prevHardState.term()
        || hard.vote() != prevHardState.vote();
    for (Message m : raft.earlyOutbox) {
      // A leader's term was made durable before it asked for votes, so its traffic never runs
      // ahead of the disk (thesis §10.2.1 relies on that; see Raft.send).
      check(m.term() <= prevHardState.term(), "message %s may leave before the Ready is durable"
          + " but carries term %d, beyond the durable term %d", m, m.term(), prevHardState.term());
    }
    Ready ready = new Ready(
        soft.equals(prevSoftState) ? null : soft,
        hard.equals(prevHardState) ? null : hard,
        entries,
        snapshot,
        List.copyOf(raft.earlyOutbox),
        List.copyOf(raft.outbox),
        raft.log.nextCommitted(raft.config.maxCommittedBytesPerReady()),
        List.copyOf(raft.readStates),
        mustSync,
        raft.rejoinedUnreported);
    raft.rejoinedUnreported = false;
    raft.outbox.clear();
    raft.earlyOutbox.clear();
    raft.readStates.clear();
    raft.log.snapshotHandedOut();
    prevSoftState = soft;
    prevHardState = hard;
    outstanding = ready;
    return ready;
  }

  /**
   * Acknowledges that the caller has done everything {@code ready} asked: its entries and state
   * are durable, its messages sent, its committed entries applied. Only now does a leader count
   * its own copy of the entries toward a majority (thesis §10.2.1): its AppendEntries may have
   * left before they were durable here.
   */
  public void advance(Ready ready) {
    if (ready != outstanding) {
      throw new IllegalStateException("advance() must be given the Ready last returned by ready()");
    }
    outstanding = null;
    if (!ready.entries().isEmpty()) {
      Entry last = ready.entries().get(ready.entries().size() - 1);
      raft.log.stableTo(last.index(), last.term());
      if (raft.role == Role.LEADER) {
        raft.replicator.maybeCommit(); // our own durable copy counts toward the majority
      }
    }
    if (!ready.committedEntries().isEmpty()) {
      raft.log.appliedTo(ready.committedEntries().get(ready.committedEntries().size() - 1).index());
    }
  }

  // ---------------------------------------------------------------- observation

  /** A consistent view of this node's state, for status pages, tests and checkers. */
  public NodeStatus status() {
    RaftLog log = raft.log;
    return new NodeStatus(raft.id, raft.term, raft.vote, raft.role, raft.leader,
        log.firstIndex(), log.lastIndex(), log.lastTerm(), log.committed(), log.applied(),
        log.stabled(), raft.reads.pending(), raft.replicator.transferee, raft.rejoining,
        raft.membership());
  }

  /**
   * How many times this node, as leader, has found a follower rejoining after it lost state; the
   * runtime logs {@link #lastRejoinNotice()} when the count moves.
   */
  public long rejoinsNoticed() {
    return raft.replicator.rejoinsNoticed;
  }

  /** A one-line description of the last rejoining follower found (see {@link #rejoinsNoticed}). */
  public String lastRejoinNotice() {
    return raft.replicator.lastRejoinNotice;
  }

  /** The term of the entry at {@code index}, or -1 when the log does not hold it. */
  public long termAt(long index) {
    return raft.log.term(index);
  }

  /** The entry at {@code index}; the index must lie within [firstIndex, lastIndex]. */
  public Entry entryAt(long index) {
    return raft.log.entry(index);
  }

  /** The leader's view of each follower's log (Figure 2's matchIndex); empty on a non-leader. */
  public java.util.Map<Integer, Long> matchIndexes() {
    return raft.role == Role.LEADER ? raft.replicator.matchIndexes() : java.util.Map.of();
  }

  /** A multi-line description of the leader's view of each follower (empty on a non-leader). */
  public String describeProgress() {
    return raft.role == Role.LEADER ? raft.replicator.describe() : "";
  }
}
