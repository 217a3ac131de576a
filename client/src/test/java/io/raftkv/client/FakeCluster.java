package io.raftkv.client;

import com.google.protobuf.ByteString;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.raftkv.api.v1.DeleteRequest;
import io.raftkv.api.v1.DeleteResponse;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.GetResponse;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.api.v1.RequestHeader;
import io.raftkv.api.v1.ResponseHeader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A stand-in for a RaftKV cluster: one replicated map shared by several fake servers, applying each
 * (client_id, op_id) write once and answering a retry with its first answer, as the real servers
 * promise. Each {@link FakeServer} can be faulted on its own.
 */
final class FakeCluster implements AutoCloseable {
  /** Identifies a write for exactly-once application. */
  record OpKey(long clientId, long opId) {}

  private final Map<ByteString, ByteString> data = new HashMap<>();
  private final Map<OpKey, Object> firstAnswers = new HashMap<>();
  private final Map<OpKey, Integer> applied = new HashMap<>();
  private final List<FakeServer> servers = new ArrayList<>();
  private long index;

  /** Starts {@code size} servers with unique in-process addresses of the form {@code name:port}. */
  FakeCluster(int size) {
    String prefix = "fake-" + UUID.randomUUID();
    for (int i = 0; i < size; i++) {
      servers.add(new FakeServer(this, i, prefix + "-" + i + ":" + (7001 + i)).start());
    }
  }

  FakeServer server(int i) {
    return servers.get(i);
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
    return address -> InProcessChannelBuilder.forName(address).build();
  }

  /** Requests received by every server together. */
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

  synchronized PutResponse put(PutRequest request, int serverId) {
    OpKey op = op(request.getHeader());
    Object first = firstAnswers.get(op);
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
    Object first = firstAnswers.get(op);
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

  private void record(OpKey op, Object answer) {
    firstAnswers.put(op, answer);
    applied.merge(op, 1, Integer::sum);
  }

  private ResponseHeader header(int serverId) {
    return ResponseHeader.newBuilder().setServerId(serverId).setLeaderId(0).setIndex(++index).setTerm(1).build();
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
