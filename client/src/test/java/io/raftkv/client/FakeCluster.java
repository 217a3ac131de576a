package io.raftkv.client;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.raftkv.api.v1.DeleteRequest;
import io.raftkv.api.v1.DeleteResponse;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.GetResponse;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.api.v1.RequestHeader;
import io.raftkv.api.v1.ResponseHeader;
import io.raftkv.api.v1.Role;
import io.raftkv.api.v1.StatusResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A stand-in for a RaftKV cluster: one replicated map shared by several fake servers, applying each
 * (client_id, op_id) write once and answering a retry with its first answer, as the real servers
 * promise. Sessions follow {@code KvStateMachine}'s rules: a session keeps only its latest write
 * and answer, a write numbered below it is refused as stale, and a session opens only with op 1
 * (else it is refused as expired), each refusal being FAILED_PRECONDITION. Each {@link FakeServer}
 * can be faulted on its own. One server may be named the leader ({@link #leader}); the others
 * still serve everything (as a follower forwarding would), which {@code received()} shows.
 */
final class FakeCluster implements AutoCloseable {
  /** Identifies a write for exactly-once application. */
  record OpKey(long clientId, long opId) {}

  /** A client session: its latest write and that write's answer. */
  private record Session(long lastOpId, Object lastAnswer) {}

  private final Map<ByteString, ByteString> data = new HashMap<>();
  private final Map<Long, Session> sessions = new HashMap<>();
  private int refusals;
  private final Map<OpKey, Integer> applied = new HashMap<>();
  private final List<FakeServer> servers = new ArrayList<>();
  private long index;
  private int leader = -1; // the leading server's position, -1: no leader known

  /** Starts {@code size} servers with unique in-process addresses of the form {@code name:port}. */
  FakeCluster(int size) {
    String prefix = "fake-" + UUID.randomUUID();
    for (int i = 0; i < size; i++) {
      servers.add(new FakeServer(this, i + 1, prefix + "-" + i + ":" + (7001 + i)).start());
    }
  }

  FakeServer server(int i) {
    return servers.get(i);
  }

  /**
   * Makes server {@code i} the leader (node id {@code i + 1}): Status names it and its address,
   * and every answer's header names it. Without a leader (the default) both say 0.
   */
  synchronized void leader(int i) {
    leader = i;
  }

  /** The leader's node id, 0 if none. */
  synchronized int leaderId() {
    return leader + 1;
  }

  /** Status as every fake server answers it: the members and the leader. */
  synchronized StatusResponse status(int serverId) {
    StatusResponse.Builder b = StatusResponse.newBuilder()
        .setHeader(ResponseHeader.newBuilder().setServerId(serverId).setLeaderId(leader + 1))
        .setClusterId("fake").setLeaderId(leader + 1).setTerm(1);
    for (int i = 0; i < servers.size(); i++) {
      b.addMembers(MemberStatus.newBuilder().setId(i + 1).setClientAddress(servers.get(i).address())
          .setRaftRole(i == leader ? Role.LEADER : Role.FOLLOWER));
    }
    return b.build();
  }

  /** Status calls received by every server together. */
  int totalStatusCalls() {
    int total = 0;
    for (FakeServer server : servers) {
      total += server.statusCalls();
    }
    return total;
  }

  List<String> addresses() {
    List<String> out = new ArrayList<>();
    for (FakeServer server : servers) {
      out.add(server.address());
    }
    return out;
  }

  /** Opens in-process channels to the fake servers by address. */
  ChannelFactory channels() {
    return InProcessChannelBuilder::forName;
  }

  /** Requests (not Status calls) received by every server together. */
  int totalRequests() {
    int total = 0;
    for (FakeServer server : servers) {
      total += server.requests();
    }
    return total;
  }

  synchronized void preload(String key, String value) {
    data.put(ByteString.copyFromUtf8(key), ByteString.copyFromUtf8(value));
  }

  synchronized String value(String key) {
    ByteString v = data.get(ByteString.copyFromUtf8(key));
    return v == null ? null : v.toStringUtf8();
  }

  /** How many times the write (clientId, opId) took effect: 1 for every write that succeeded. */
  synchronized int timesApplied(long clientId, long opId) {
    return applied.getOrDefault(new OpKey(clientId, opId), 0);
  }

  /** Forgets every session, as session expiry on the servers would. */
  synchronized void expireSessions() {
    sessions.clear();
  }

  /** How many writes were refused for their session (stale or unknown). */
  synchronized int sessionRefusals() {
    return refusals;
  }

  /** How many sessions the servers hold. */
  synchronized int sessionCount() {
    return sessions.size();
  }

  synchronized PutResponse put(PutRequest request, int serverId) {
    OpKey op = op(request.getHeader());
    Object first = checkSession(op);
    if (first != null) {
      return (PutResponse) first;
    }
    ByteString previous = data.put(request.getKey(), request.getValue());
    PutResponse answer = PutResponse.newBuilder().setHeader(header(serverId))
        .setHadPrevious(previous != null).setPrevious(previous == null ? ByteString.EMPTY : previous).build();
    record(op, answer);
    return answer;
  }

  synchronized DeleteResponse delete(DeleteRequest request, int serverId) {
    OpKey op = op(request.getHeader());
    Object first = checkSession(op);
    if (first != null) {
      return (DeleteResponse) first;
    }
    boolean existed = data.remove(request.getKey()) != null;
    DeleteResponse answer = DeleteResponse.newBuilder().setHeader(header(serverId)).setExisted(existed).build();
    record(op, answer);
    return answer;
  }

  synchronized GetResponse get(GetRequest request, int serverId) {
    ByteString value = data.get(request.getKey());
    return GetResponse.newBuilder().setHeader(header(serverId)).setFound(value != null)
        .setValue(value == null ? ByteString.EMPTY : value).build();
  }

  /** The recorded answer of a retry, null for a write to apply, or a refusal thrown. */
  private Object checkSession(OpKey op) {
    Session session = sessions.get(op.clientId());
    if (session == null && op.opId() != 1) {
      refusals++;
      throw Status.FAILED_PRECONDITION.withDescription("client has no session and op " + op.opId()
          + " may already have been applied; start a new session").asRuntimeException();
    }
    if (session != null && op.opId() == session.lastOpId()) {
      return session.lastAnswer();
    }
    if (session != null && op.opId() < session.lastOpId()) {
      refusals++;
      throw Status.FAILED_PRECONDITION.withDescription("op " + op.opId()
          + " is older than the session's latest op " + session.lastOpId()).asRuntimeException();
    }
    return null;
  }

  private void record(OpKey op, Object answer) {
    sessions.put(op.clientId(), new Session(op.opId(), answer));
    applied.merge(op, 1, Integer::sum);
  }

  private ResponseHeader header(int serverId) {
    return ResponseHeader.newBuilder().setServerId(serverId).setLeaderId(leader + 1).setIndex(++index).setTerm(1).build();
  }

  private static OpKey op(RequestHeader header) {
    return new OpKey(header.getClientId(), header.getOpId());
  }

  @Override
  public void close() {
    for (FakeServer server : servers) {
      server.stop();
    }
  }
}
