package io.raftkv.raft;

import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendEntriesResponse;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.HeartbeatResponse;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.Message;
import io.raftkv.raft.message.ReadIndexRequest;
import io.raftkv.raft.message.ReadIndexResponse;
import io.raftkv.raft.message.RequestVote;
import java.util.List;

/**
 * Rejects messages that no correct peer can send (bytes damaged in transit, a buggy or hostile
 * peer), before they touch any state. A malformed message must cost the receiver nothing but the
 * message: it is refused with an {@link IllegalArgumentException} naming the problem, which the
 * runtime logs and drops, rather than tripping a safety check that would stop the node.
 */
final class MessageValidator {
  private MessageValidator() {}

  static void validate(Message m) {
    require(m.from() > 0 && m.to() > 0, m, "node ids must be positive");
    require(m.from() != m.to(), m, "a node does not send messages to itself");
    boolean termless = m instanceof ReadIndexRequest || m instanceof ReadIndexResponse;
    require(termless ? m.term() == 0 : m.term() > 0, m,
        termless ? "read-index messages carry term 0" : "term must be positive");
    if (m instanceof AppendEntries a) {
      validateAppend(a);
    } else if (m instanceof AppendEntriesResponse r) {
      require(r.matchIndex() >= 0 && r.rejectedIndex() >= 0 && r.conflictTerm() >= 0
          && r.conflictIndex() >= 0, m, "indexes and terms must not be negative");
    } else if (m instanceof RequestVote rv) {
      requireLogPosition(m, rv.lastLogIndex(), rv.lastLogTerm());
      require(rv.lastLogTerm() <= rv.term(), m, "last log term beyond the campaign term");
    } else if (m instanceof Heartbeat h) {
      require(h.commit() >= 0 && h.readRound() >= 0, m, "commit and read round must be >= 0");
    } else if (m instanceof HeartbeatResponse h) {
      require(h.readRound() >= 0, m, "read round must be >= 0");
    } else if (m instanceof InstallSnapshot s) {
      require(s.snapshot() != null, m, "no snapshot");
      SnapshotMeta meta = s.snapshot().meta();
      require(meta.index() > 0 && meta.term() <= s.term(), m,
          "snapshot must cover index > 0 with a term no later than the sender's");
    } else if (m instanceof ReadIndexResponse r) {
      require(r.index() >= 0, m, "read index must be >= 0");
    }
    // RequestVoteResponse, TimeoutNow, ReadIndexRequest: nothing beyond ids and term.
  }

  private static void validateAppend(AppendEntries a) {
    requireLogPosition(a, a.prevLogIndex(), a.prevLogTerm());
    require(a.prevLogTerm() <= a.term(), a, "prevLogTerm beyond the leader's term");
    require(a.leaderCommit() >= 0, a, "leaderCommit must be >= 0");
    List<Entry> entries = a.entries();
    long expected = a.prevLogIndex() + 1;
    long lastTerm = a.prevLogTerm();
    for (Entry e : entries) {
      require(e.index() == expected, a, "entries must be contiguous from prevLogIndex + 1");
      require(e.term() >= lastTerm && e.term() <= a.term(), a,
          "entry terms must not decrease and not exceed the leader's term");
      expected++;
      lastTerm = e.term();
    }
  }

  private static void requireLogPosition(Message m, long index, long term) {
    require(index >= 0 && term >= 0, m, "log index and term must not be negative");
    require((index == 0) == (term == 0), m, "only the empty log position 0 has term 0");
  }

  private static void require(boolean ok, Message m, String problem) {
    if (!ok) {
      throw new IllegalArgumentException("malformed " + m.getClass().getSimpleName() + " from "
          + m.from() + ": " + problem + ": " + m);
    }
  }
}
