package io.raftkv.raft;

/**
 * What a leader knows of one follower's log (Figure 2's nextIndex and matchIndex) and how it is
 * replicating to it.
 *
 * <ul>
 *   <li>{@link Mode#PROBE}: the follower's log position is unknown; one AppendEntries at a time,
 *       resent after a heartbeat answer, until one succeeds.
 *   <li>{@link Mode#REPLICATE}: the position is known; AppendEntries are pipelined up to the
 *       inflight window, assuming success.
 *   <li>{@link Mode#SNAPSHOT}: the follower needs entries compacted away; a snapshot is on its way
 *       and nothing else is sent until it is acknowledged or reported failed.
 * </ul>
 */
final class Progress {
  enum Mode { PROBE, REPLICATE, SNAPSHOT }

  long match;
  long next;
  Mode mode = Mode.PROBE;
  /** In PROBE: a message was sent and no answer has come back yet. */
  boolean probeSent;
  /** In SNAPSHOT: the index of the snapshot sent. */
  long pendingSnapshot;
  /** Whether the follower answered since the last CheckQuorum round (thesis §6.2). */
  boolean recentActive;
  /** Ticks since anything was last sent to this follower (heartbeats only when idle). */
  int idleTicks;
  /**
   * The highest commit index a message sent to this follower lets it reach (a hint: a lost
   * message is made up for by later AppendEntries and heartbeats, which all carry the index).
   */
  long sentCommit;
  /**
   * Nonzero while the follower is rejoining after losing state: the index it must learn committed
   * before its answers count toward any quorum again (see {@code Replicator.noticeRejoining}).
   */
  long rejoinIndex;
  final Inflights inflights;

  Progress(long next, int maxInflight, long maxInflightBytes) {
    this.next = next;
    this.inflights = new Inflights(maxInflight, maxInflightBytes);
  }

  void becomeProbe() {
    // After a snapshot, resume right after it; otherwise right after what is known to match.
    long from = mode == Mode.SNAPSHOT ? Math.max(match + 1, pendingSnapshot + 1) : match + 1;
    reset(Mode.PROBE);
    next = from;
  }

  void becomeReplicate() {
    reset(Mode.REPLICATE);
    next = match + 1;
  }

  void becomeSnapshot(long snapshotIndex) {
    reset(Mode.SNAPSHOT);
    pendingSnapshot = snapshotIndex;
  }

  private void reset(Mode m) {
    mode = m;
    probeSent = false;
    pendingSnapshot = 0;
    inflights.reset();
  }

  /** Records a success proving the follower holds our log up to {@code index}. */
  boolean maybeUpdate(long index) {
    boolean updated = false;
    if (match < index) {
      match = index;
      updated = true;
      probeSent = false;
    }
    next = Math.max(next, index + 1);
    return updated;
  }

  /**
   * Handles a rejection of the AppendEntries whose prevLogIndex was {@code rejected}, moving next
   * back to {@code hintNext} (computed from the follower's conflict hint, §5.3). Returns false when
   * the rejection is stale: it answers a message older than our current view.
   */
  boolean maybeDecrTo(long rejected, long hintNext) {
    if (mode == Mode.REPLICATE) {
      if (rejected <= match) {
        return false;
      }
    } else if (next - 1 != rejected) {
      return false;
    }
    next = Math.max(Math.min(rejected, hintNext), match + 1);
    probeSent = false;
    return true;
  }

  /** Whether no more AppendEntries may be sent now (flow control). */
  boolean isPaused() {
    return switch (mode) {
      case PROBE -> probeSent;
      case REPLICATE -> inflights.full();
      case SNAPSHOT -> true;
    };
  }

  @Override
  public String toString() {
    return mode + " match=" + match + " next=" + next
        + (mode == Mode.SNAPSHOT ? " snapshot=" + pendingSnapshot : "")
        + (mode == Mode.REPLICATE ? " inflight=" + inflights.count() : "")
        + (probeSent ? " paused" : "")
        + (rejoinIndex > 0 ? " rejoining@" + rejoinIndex : "");
  }
}
