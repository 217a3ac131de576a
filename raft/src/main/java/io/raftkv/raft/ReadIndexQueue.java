package io.raftkv.raft;

import static io.raftkv.raft.RaftConfig.NONE;

import io.raftkv.raft.message.ReadIndexRequest;
import io.raftkv.raft.message.ReadIndexResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Linearizable reads without writing to the log: ReadIndex (thesis §6.4).
 *
 * <ol>
 *   <li>The leader must have committed an entry of its own term (its no-op), so its commit index
 *       is at least that of any earlier leader; reads arriving earlier wait for that.
 *   <li>It records its commit index as the read index.
 *   <li>It confirms it is still the leader by a heartbeat round that a majority answers, and that
 *       was started after the read arrived.
 *   <li>The read may then be served once the state machine has applied the read index.
 * </ol>
 *
 * <p>Batching: every read that arrives before the next Ready joins the same confirmation round, so
 * a burst of reads costs one heartbeat per follower.
 */
final class ReadIndexQueue {
  private record Pending(long context, int requester, long index, long round) {}

  private final Raft raft;
  /** Reads waiting for this term's first commit (step 1). */
  private final List<Pending> waitingForCommit = new ArrayList<>();
  /** Reads waiting for their confirmation round (step 3), in round order. */
  private final ArrayDeque<Pending> waitingForQuorum = new ArrayDeque<>();
  private final Map<Integer, Long> ackedRound = new HashMap<>();
  /** The latest round broadcast. */
  private long round;
  private boolean roundDue;

  ReadIndexQueue(Raft raft) {
    this.raft = raft;
  }

  long currentRound() {
    return round;
  }

  /** A read asked of this node by the caller. */
  void request(long context) {
    requestFrom(raft.id, context);
  }

  /** A read asked by {@code requester}: this node itself or a follower forwarding one. */
  void requestFrom(int requester, long context) {
    if (raft.role != Role.LEADER) {
      if (requester == raft.id && raft.leader != NONE && raft.leader != raft.id) {
        // Thesis §6.4, reads from followers: the leader finds the read index for us.
        raft.send(new ReadIndexRequest(raft.id, raft.leader, 0, context));
      } else {
        answer(new Pending(context, requester, 0, 0), false);
      }
      return;
    }
    if (!raft.replicator.committedInCurrentTerm()) {
      waitingForCommit.add(new Pending(context, requester, 0, 0));
      return;
    }
    enqueue(context, requester);
  }

  private void enqueue(long context, int requester) {
    long index = raft.log.committed();
    Quorum quorum = raft.quorum();
    if (quorum.size() == 1 && quorum.contains(raft.id)) {
      answer(new Pending(context, requester, index, 0), true); // we alone are the quorum
      return;
    }
    waitingForQuorum.add(new Pending(context, requester, index, round + 1));
    roundDue = true;
  }

  /** Whether a confirmation round must be broadcast. */
  boolean roundDue() {
    return roundDue;
  }

  /** Broadcasts the confirmation round that the reads since the last one wait for. */
  void flush() {
    if (!roundDue) {
      return;
    }
    roundDue = false;
    round++;
    raft.replicator.broadcastHeartbeat(round);
  }

  /** Called when the commit index advances: the no-op may now be committed. */
  void commitAdvanced() {
    if (waitingForCommit.isEmpty() || !raft.replicator.committedInCurrentTerm()) {
      return;
    }
    List<Pending> ready = List.copyOf(waitingForCommit);
    waitingForCommit.clear();
    for (Pending p : ready) {
      enqueue(p.context(), p.requester());
    }
  }

  /** {@code peer} answered a heartbeat of round {@code acked}. */
  void ack(int peer, long acked) {
    if (acked == 0 || waitingForQuorum.isEmpty()) {
      return;
    }
    ackedRound.merge(peer, acked, Math::max);
    long confirmed = raft.quorum().committedValue(
        v -> v == raft.id ? round : ackedRound.getOrDefault(v, 0L));
    while (!waitingForQuorum.isEmpty() && waitingForQuorum.peekFirst().round() <= confirmed) {
      answer(waitingForQuorum.pollFirst(), true);
    }
  }

  /** Leadership is lost or unknown: every waiting read fails so its caller can retry elsewhere. */
  void failAll() {
    for (Pending p : waitingForCommit) {
      answer(p, false);
    }
    for (Pending p : waitingForQuorum) {
      answer(p, false);
    }
    waitingForCommit.clear();
    waitingForQuorum.clear();
    ackedRound.clear();
    roundDue = false;
  }

  private void answer(Pending p, boolean ok) {
    if (p.requester() == raft.id) {
      raft.readStates.add(new ReadState(p.context(), ok ? p.index() : 0,
          ok ? ReadState.Outcome.READY : ReadState.Outcome.NOT_LEADER));
    } else {
      if (ok) {
        raft.replicator.sendCommitIndex(p.requester(), p.index());
      }
      raft.send(new ReadIndexResponse(raft.id, p.requester(), 0, p.context(),
          ok ? p.index() : 0, ok));
    }
  }

  int pending() {
    return waitingForCommit.size() + waitingForQuorum.size();
  }
}
