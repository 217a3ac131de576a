package io.raftkv.server.transport;

import com.google.protobuf.ByteString;
import io.raftkv.api.peer.v1.RaftMessage;
import io.raftkv.node.MalformedPeerInputException;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.Membership;
import io.raftkv.raft.SnapshotMeta;
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
import java.util.List;

/**
 * Converts Raft messages to and from their wire form ({@code raftkv.v1.RaftMessage}). Snapshots
 * travel separately, in chunks ({@link SnapshotSender}). Decoding refuses what cannot be a Raft
 * message with a {@link MalformedPeerInputException} naming the problem, checked here field by
 * field (never by catching what a constructor throws, which would pass a coding error off as a
 * bad message); the core's own validation then checks the Raft-level rules.
 */
public final class MessageCodec {
  private MessageCodec() {}

  public static RaftMessage encode(Message m) {
    return encode(m, null);
  }

  /**
   * Encodes {@code m} with the sender's trace token in {@code trace_token}; a null token leaves
   * the field empty (not traced).
   */
  public static RaftMessage encode(Message m, byte[] traceToken) {
    RaftMessage.Builder b = RaftMessage.newBuilder().setFrom(m.from()).setTo(m.to())
        .setTerm(m.term());
    if (m instanceof RequestVote v) {
      b.setRequestVote(io.raftkv.api.peer.v1.RequestVote.newBuilder()
          .setLastLogIndex(v.lastLogIndex()).setLastLogTerm(v.lastLogTerm())
          .setPreVote(v.preVote()).setLeadershipTransfer(v.leadershipTransfer()));
    } else if (m instanceof RequestVoteResponse r) {
      b.setRequestVoteResponse(io.raftkv.api.peer.v1.RequestVoteResponse.newBuilder()
          .setPreVote(r.preVote()).setGranted(r.granted()));
    } else if (m instanceof AppendEntries a) {
      io.raftkv.api.peer.v1.AppendEntries.Builder ab = io.raftkv.api.peer.v1.AppendEntries.newBuilder()
          .setPrevLogIndex(a.prevLogIndex()).setPrevLogTerm(a.prevLogTerm())
          .setLeaderCommit(a.leaderCommit()).setRejoinIndex(a.rejoinIndex());
      for (Entry e : a.entries()) {
        ab.addEntries(encodeEntry(e));
      }
      b.setAppendEntries(ab);
    } else if (m instanceof AppendEntriesResponse r) {
      b.setAppendEntriesResponse(io.raftkv.api.peer.v1.AppendEntriesResponse.newBuilder()
          .setSuccess(r.success()).setMatchIndex(r.matchIndex())
          .setRejectedIndex(r.rejectedIndex()).setConflictTerm(r.conflictTerm())
          .setConflictIndex(r.conflictIndex()).setRejoining(r.rejoining()));
    } else if (m instanceof Heartbeat h) {
      b.setHeartbeat(io.raftkv.api.peer.v1.Heartbeat.newBuilder().setCommit(h.commit())
          .setReadRound(h.readRound()).setRejoinIndex(h.rejoinIndex()));
    } else if (m instanceof HeartbeatResponse h) {
      b.setHeartbeatResponse(io.raftkv.api.peer.v1.HeartbeatResponse.newBuilder()
          .setReadRound(h.readRound()).setRejoining(h.rejoining()));
    } else if (m instanceof TimeoutNow) {
      b.setTimeoutNow(io.raftkv.api.peer.v1.TimeoutNow.getDefaultInstance());
    } else if (m instanceof ReadIndexRequest r) {
      b.setReadIndexRequest(io.raftkv.api.peer.v1.ReadIndexRequest.newBuilder()
          .setContext(r.context()));
    } else if (m instanceof ReadIndexResponse r) {
      b.setReadIndexResponse(io.raftkv.api.peer.v1.ReadIndexResponse.newBuilder()
          .setContext(r.context()).setIndex(r.index()).setOk(r.ok()));
    } else if (m instanceof InstallSnapshot) {
      throw new IllegalArgumentException("InstallSnapshot travels as chunks, not as a message");
    } else {
      throw new IllegalArgumentException("unknown message type " + m.getClass().getName());
    }
    if (traceToken != null) {
      b.setTraceToken(ByteString.copyFrom(traceToken));
    }
    return b.build();
  }

  /** @throws MalformedPeerInputException if {@code w} cannot be a Raft message */
  public static Message decode(RaftMessage w) {
    int from = w.getFrom();
    int to = w.getTo();
    long term = w.getTerm();
    if (from <= 0 || to <= 0) {
      throw new MalformedPeerInputException("message with node id 0: from=" + from + " to=" + to);
    }
    switch (w.getBodyCase()) {
      case REQUEST_VOTE -> {
        var v = w.getRequestVote();
        return new RequestVote(from, to, term, v.getLastLogIndex(), v.getLastLogTerm(),
            v.getPreVote(), v.getLeadershipTransfer());
      }
      case REQUEST_VOTE_RESPONSE -> {
        var r = w.getRequestVoteResponse();
        return new RequestVoteResponse(from, to, term, r.getPreVote(), r.getGranted());
      }
      case APPEND_ENTRIES -> {
        var a = w.getAppendEntries();
        List<Entry> entries = new ArrayList<>(a.getEntriesCount());
        for (io.raftkv.api.peer.v1.Entry e : a.getEntriesList()) {
          entries.add(decodeEntry(e));
        }
        return new AppendEntries(from, to, term, a.getPrevLogIndex(), a.getPrevLogTerm(), entries,
            a.getLeaderCommit(), a.getRejoinIndex());
      }
      case APPEND_ENTRIES_RESPONSE -> {
        var r = w.getAppendEntriesResponse();
        return new AppendEntriesResponse(from, to, term, r.getSuccess(), r.getMatchIndex(),
            r.getRejectedIndex(), r.getConflictTerm(), r.getConflictIndex(), r.getRejoining());
      }
      case HEARTBEAT -> {
        return new Heartbeat(from, to, term, w.getHeartbeat().getCommit(),
            w.getHeartbeat().getReadRound(), w.getHeartbeat().getRejoinIndex());
      }
      case HEARTBEAT_RESPONSE -> {
        return new HeartbeatResponse(from, to, term, w.getHeartbeatResponse().getReadRound(),
            w.getHeartbeatResponse().getRejoining());
      }
      case TIMEOUT_NOW -> {
        return new TimeoutNow(from, to, term);
      }
      case READ_INDEX_REQUEST -> {
        return new ReadIndexRequest(from, to, term, w.getReadIndexRequest().getContext());
      }
      case READ_INDEX_RESPONSE -> {
        var r = w.getReadIndexResponse();
        return new ReadIndexResponse(from, to, term, r.getContext(), r.getIndex(), r.getOk());
      }
      default -> throw new MalformedPeerInputException("message from " + from + " has no body");
    }
  }

  public static io.raftkv.api.peer.v1.Entry encodeEntry(Entry e) {
    return io.raftkv.api.peer.v1.Entry.newBuilder().setIndex(e.index()).setTerm(e.term())
        .setType(e.type().ordinal()).setData(ByteString.copyFrom(e.data())).build();
  }

  /** @throws MalformedPeerInputException if {@code e} cannot be a log entry */
  public static Entry decodeEntry(io.raftkv.api.peer.v1.Entry e) {
    EntryType[] types = EntryType.values();
    if (e.getType() < 0 || e.getType() >= types.length) {
      throw new MalformedPeerInputException("entry " + e.getIndex() + " has unknown type "
          + e.getType());
    }
    if (e.getIndex() < 1 || e.getTerm() < 1) {
      throw new MalformedPeerInputException("entry with index " + e.getIndex() + " and term "
          + e.getTerm() + ": both must be positive");
    }
    return new Entry(e.getIndex(), e.getTerm(), types[e.getType()], e.getData().toByteArray());
  }

  public static io.raftkv.api.peer.v1.SnapshotMeta encodeMeta(SnapshotMeta m) {
    return io.raftkv.api.peer.v1.SnapshotMeta.newBuilder().setIndex(m.index()).setTerm(m.term())
        .setConfigIndex(m.membership().index())
        .setConfig(ByteString.copyFrom(m.membership().encode())).build();
  }

  /** @throws MalformedPeerInputException if {@code m} cannot be a snapshot's metadata */
  public static SnapshotMeta decodeMeta(io.raftkv.api.peer.v1.SnapshotMeta m) {
    if (m.getIndex() < 0 || m.getTerm() < 0 || (m.getIndex() == 0) != (m.getTerm() == 0)) {
      throw new MalformedPeerInputException("snapshot metadata with index " + m.getIndex()
          + " and term " + m.getTerm() + ": both must be positive, or both 0");
    }
    try {
      Membership membership = m.getConfig().isEmpty()
          ? Membership.ofVoters(m.getVotersList())
          : Membership.decode(m.getConfigIndex(), m.getConfig().toByteArray());
      return new SnapshotMeta(m.getIndex(), m.getTerm(), membership);
    } catch (IllegalArgumentException e) {
      throw new MalformedPeerInputException("snapshot metadata at " + m.getIndex() + ": "
          + e.getMessage());
    }
  }
}
