package io.raftkv.server;

import io.raftkv.raft.Entry;
import io.raftkv.raft.Role;
import io.raftkv.raft.SoftState;
import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendEntriesResponse;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.HeartbeatResponse;
import io.raftkv.raft.message.Message;
import io.raftkv.raft.message.RequestVote;
import io.raftkv.raft.message.RequestVoteResponse;
import io.raftkv.trace.Trace;
import io.raftkv.trace.TraceAction;
import io.raftkv.trace.TraceToken;
import io.raftkv.trace.Tracer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the host {@code raftN} records: the Raft side of one server, kept out of the pure core.
 * The node runtime calls it at a few points of its loop, the transport asks it for each outgoing
 * message's token, and the peer service hands it each incoming message's token.
 *
 * <ul>
 *   <li>Outgoing (node thread, after the Ready is durable, just before sending): AppendEntries
 *       with entries, RequestVote, RequestVoteRes (by the voter), AppendEntriesRes (by the
 *       follower) are recorded and get a token.
 *   <li>Incoming (transport threads, before the node steps the message): a token is merged, then
 *       AppendEntriesRecv or RequestVoteRecv recorded; answers (vote and append results) are only
 *       merged, so the leader's Commit and the candidate's LeaderElected come after them.
 *   <li>Heartbeat-only traffic is neither recorded nor tokened unless {@code heartbeats}: Heartbeat
 *       and HeartbeatResponse (recorded then as AppendEntries with no entries and prevLogIndex =
 *       prevLogTerm = 0, and AppendEntriesRes valid), empty AppendEntries (which carry only the
 *       commit index), and successful answers that acknowledge nothing new.
 *   <li>TimeoutNow, ReadIndex messages and snapshots have no action of the seed's and are not
 *       traced.
 * </ul>
 *
 * <p>Elections: each campaign has a trace of its own, {@code raftN-prevote-tT-xxxx} for a
 * pre-vote round (recorded as RequestVote/RequestVoteRecv/RequestVoteRes like a vote, with the
 * term the candidate would campaign in) and {@code raftN-vote-tT-xxxx} for the election itself,
 * whose LeaderElected it carries.
 *
 * <p>Operations keep their trace id through Raft: a proposal continues the server's trace
 * (RaftPutReq), the entry's AppendEntries carries it (the first traced entry's, when one message
 * carries several), and Commit and Apply of that entry are recorded on it, on followers too.
 *
 * <p>{@link #OFF} does nothing and allocates nothing; callers need no checks of their own.
 */
final class RaftTracing {
  private static final Logger LOG = LoggerFactory.getLogger(RaftTracing.class);

  static final RaftTracing OFF = new RaftTracing(Tracer.noop(), 0, false);

  private final Tracer tracer;
  private final boolean enabled;
  private final int id;
  private final boolean heartbeats;
  private final Trace background;
  /** The trace of each entry not yet applied, by index: proposals here, entries received. */
  private final ConcurrentSkipListMap<Long, Trace> entryTraces = new ConcurrentSkipListMap<>();
  /** The trace of the latest traced message from each peer, which its answer continues. */
  private final Map<Integer, Trace> lastFrom = new ConcurrentHashMap<>();
  // Node thread only:
  private boolean leader;
  private Trace election;
  private long electionTerm = -1;
  private boolean electionPreVote;
  private final Map<Integer, long[]> acknowledged = new HashMap<>(); // peer -> {term, matchIndex}
  private Trace appliedTrace;
  private long appliedIndex = -1;

  RaftTracing(Tracer tracer, int id, boolean heartbeats) {
    this.tracer = tracer;
    this.enabled = tracer.enabled();
    this.id = id;
    this.heartbeats = heartbeats;
    this.background = enabled ? tracer.createTrace() : null;
  }

  boolean enabled() {
    return enabled;
  }

  /** RaftStart, once, before the node runtime starts. */
  void started() {
    if (enabled) {
      background.recordAction(new TraceAction.RaftStart(id));
    }
  }

  // ---------------------------------------------------------------- node thread

  /** A Ready's soft state changed: LeaderElected when this node has just become leader. */
  void roleChanged(SoftState soft, long term) {
    if (!enabled) {
      return;
    }
    boolean leads = soft.role() == Role.LEADER;
    if (leads && !leader) {
      Trace t = election != null && electionTerm == term && !electionPreVote ? election
          : background;
      t.recordAction(new TraceAction.LeaderElected(id, term));
    }
    leader = leads;
  }

  /**
   * Just before the core appends a proposal: merges the server's token and records RaftPutReq
   * (only as leader; elsewhere nothing is appended). Returns the trace to remember for the entry,
   * or null.
   */
  Trace proposing(TraceHandoff handoff) {
    if (!enabled || handoff == null) {
      return null;
    }
    Trace t = tracer.receiveToken(handoff.token());
    if (leader && handoff.raftPutReq() != null) {
      t.recordAction(handoff.raftPutReq());
    }
    return t;
  }

  /** The proposal traced by {@code t} was appended at {@code index}. */
  void proposed(long index, Trace t) {
    if (t != null) {
      entryTraces.put(index, t);
    }
  }

  /** Just before applying a committed entry: Commit (on the leader), then Apply. */
  void applying(Entry e) {
    if (!enabled) {
      return;
    }
    Trace t = entryTraces.remove(e.index());
    entryTraces.headMap(e.index()).clear(); // entries replaced before they were applied
    if (t == null) {
      t = background;
    }
    String text = CommandText.of(e);
    if (leader) {
      t.recordAction(new TraceAction.Commit(e.term(), text));
    }
    t.recordAction(new TraceAction.Apply(text, e.term(), e.index()));
    appliedTrace = t;
    appliedIndex = e.index();
  }

  /** The token handing entry {@code index}'s result back to the server; null when off. */
  TraceToken resultToken(long index) {
    if (!enabled || index != appliedIndex) {
      return null;
    }
    return appliedTrace.generateToken();
  }

  /**
   * Records an outgoing message's action and returns its token (binary form), or null if the
   * message is not traced. Called on the node thread, after the Ready is durable.
   */
  byte[] outgoing(Message m) {
    if (!enabled) {
      return null;
    }
    Trace t;
    TraceAction action;
    if (m instanceof AppendEntries a) {
      if (a.entries().isEmpty() && !heartbeats) {
        return null;
      }
      t = traceOf(a);
      action = new TraceAction.AppendEntries(a.term(), a.entries().size(), a.prevLogIndex(),
          a.prevLogTerm());
    } else if (m instanceof AppendEntriesResponse r) {
      if (!heartbeats && r.success() && !acknowledgesNew(r)) {
        return null;
      }
      t = lastFrom.getOrDefault(r.to(), background);
      action = new TraceAction.AppendEntriesRes(r.success(), r.conflictIndex());
    } else if (m instanceof RequestVote v) {
      t = electionTrace(v);
      action = new TraceAction.RequestVote(v.term(), v.from());
    } else if (m instanceof RequestVoteResponse r) {
      t = lastFrom.getOrDefault(r.to(), background);
      action = new TraceAction.RequestVoteRes(r.granted(), r.from(), r.to(), r.term());
    } else if (m instanceof Heartbeat h && heartbeats) {
      t = background;
      action = new TraceAction.AppendEntries(h.term(), 0, 0, 0);
    } else if (m instanceof HeartbeatResponse h && heartbeats) {
      t = lastFrom.getOrDefault(h.to(), background);
      action = new TraceAction.AppendEntriesRes(true, 0);
    } else {
      return null;
    }
    t.recordAction(action);
    return t.generateToken().toBytes();
  }

  private Trace traceOf(AppendEntries a) {
    for (Entry e : a.entries()) {
      Trace t = entryTraces.get(e.index());
      if (t != null) {
        return t;
      }
    }
    return background;
  }

  /**
   * One trace per campaign, named so a reader can tell a pre-vote round (thesis §9.6: the
   * candidate has not moved to the term yet) from a real election: {@code raftN-prevote-tT-xxxx}
   * or {@code raftN-vote-tT-xxxx} (random suffix: ids stay unique across restarts).
   */
  private Trace electionTrace(RequestVote v) {
    if (election == null || electionTerm != v.term() || electionPreVote != v.preVote()) {
      election = tracer.traceOf(String.format("%s-%s-t%d-%04x", tracer.host(),
          v.preVote() ? "prevote" : "vote", v.term(),
          java.util.concurrent.ThreadLocalRandom.current().nextInt(0x10000)));
      electionTerm = v.term();
      electionPreVote = v.preVote();
    }
    return election;
  }

  /** Whether a success answer proves more than this node last told {@code r.to()}. */
  private boolean acknowledgesNew(AppendEntriesResponse r) {
    long[] last = acknowledged.get(r.to());
    if (last != null && last[0] == r.term() && last[1] >= r.matchIndex()) {
      return false;
    }
    acknowledged.put(r.to(), new long[] {r.term(), r.matchIndex()});
    return true;
  }

  // ---------------------------------------------------------------- transport threads

  /**
   * An incoming message carried {@code token}: merges it, then records AppendEntriesRecv or
   * RequestVoteRecv. A token that does not parse is logged and ignored (the message itself is
   * still delivered).
   */
  void incoming(Message m, byte[] token) {
    if (!enabled) {
      return;
    }
    TraceToken parsed;
    try {
      parsed = TraceToken.fromBytes(token);
    } catch (IllegalArgumentException e) {
      LOG.warn("node {} ignores the trace token of a message from {}: {}", id, m.from(),
          e.getMessage());
      return;
    }
    Trace t = tracer.receiveToken(parsed);
    if (m instanceof AppendEntries a) {
      t.recordAction(new TraceAction.AppendEntriesRecv(a.term(), a.entries().size(),
          a.prevLogIndex(), a.prevLogTerm()));
      for (Entry e : a.entries()) {
        entryTraces.put(e.index(), t);
      }
      lastFrom.put(m.from(), t);
    } else if (m instanceof Heartbeat h) {
      t.recordAction(new TraceAction.AppendEntriesRecv(h.term(), 0, 0, 0));
      lastFrom.put(m.from(), t);
    } else if (m instanceof RequestVote v) {
      t.recordAction(new TraceAction.RequestVoteRecv(v.from(), v.term()));
      lastFrom.put(m.from(), t);
    }
  }
}
