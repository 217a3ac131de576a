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
    require(m.term() <= RaftConfig.MAX_TERM, m, "term beyond the largest valid term "
        + RaftConfig.MAX_TERM + " (uint64 terms are refused above it so term + 1 cannot overflow)");
    if (m instanceof AppendEntries a) {
      validateAppend(a);
    } else if (m instanceof AppendEntriesResponse r) {
      require(index(r.matchIndex()) && index(r.rejectedIndex()) && index(r.conflictTerm())
          && index(r.conflictIndex()), m, "indexes and terms must be in [0, 2^62]");
    } else if (m instanceof RequestVote rv) {
      requireLogPosition(m, rv.lastLogIndex(), rv.lastLogTerm());
      require(rv.lastLogTerm() <= rv.term(), m, "last log term beyond the campaign term");
    } else if (m instanceof Heartbeat h) {
      require(index(h.commit()) && index(h.readRound()) && index(h.rejoinIndex()), m,
          "commit, read round and rejoin index must be in [0, 2^62]");
    } else if (m instanceof HeartbeatResponse h) {
      require(index(h.readRound()), m, "read round must be in [0, 2^62]");
    } else if (m instanceof InstallSnapshot s) {
      require(s.snapshot() != null, m, "no snapshot");
      SnapshotMeta meta = s.snapshot().meta();
      require(meta.index() > 0 && index(meta.index()) && meta.term() <= s.term(), m,
          "snapshot must cover index in (0, 2^62] with a term no later than the sender's");
    } else if (m instanceof ReadIndexResponse r) {
      require(index(r.index()), m, "read index must be in [0, 2^62]");
    }
    // RequestVoteResponse, TimeoutNow, ReadIndexRequest: nothing beyond ids and term.
  }

  private static void validateAppend(AppendEntries a) {
    requireLogPosition(a, a.prevLogIndex(), a.prevLogTerm());
    require(a.prevLogTerm() <= a.term(), a, "prevLogTerm beyond the leader's term");
    require(index(a.leaderCommit()) && index(a.rejoinIndex()), a,
        "leaderCommit and rejoinIndex must be in [0, 2^62]");
    require(a.entries().size() <= RaftConfig.MAX_INDEX - a.prevLogIndex(), a,
        "entries run past the largest valid index");
    List<Entry> entries = a.entries();
    long expected = a.prevLogIndex() + 1;
    long lastTerm = a.prevLogTerm();
    for (Entry e : entries) {
      require(e.index() == expected, a, "entries must be contiguous from prevLogIndex + 1");
      require(e.term() >= lastTerm && e.term() <= a.term(), a,
          "entry terms must not decrease and not exceed the leader's term");
      if (e.type() == EntryType.CONFIG) {
        requireConfig(a, e);
      }
      expected++;
      lastTerm = e.term();
    }
  }

  private static void requireConfig(AppendEntries a, Entry e) {
    try {
      Membership.decode(e.index(), e.data());
    } catch (IllegalArgumentException bad) {
      require(false, a, bad.getMessage());
    }
  }

  private static boolean index(long value) {
    return value >= 0 && value <= RaftConfig.MAX_INDEX;
  }

  private static void requireLogPosition(Message m, long index, long term) {
    require(index(index) && term >= 0, m, "log index must be in [0, 2^62] and term >= 0");
    require((index == 0) == (term == 0), m, "only the empty log position 0 has term 0");
  }

  private static void require(boolean ok, Message m, String problem) {
    if (!ok) {
      throw new IllegalArgumentException("malformed " + m.getClass().getSimpleName() + " from "
          + m.from() + ": " + problem + ": " + m);
    }
  }
}
