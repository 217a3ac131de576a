package io.raftkv.client;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.raftkv.api.v1.DeleteRequest;
import io.raftkv.api.v1.DeleteResponse;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.GetResponse;
import io.raftkv.api.v1.KVGrpc;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.api.v1.ReadConsistency;
import io.raftkv.api.v1.RequestHeader;
import io.raftkv.api.v1.StatusRequest;
import io.raftkv.api.v1.StatusResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One fake server of a {@link FakeCluster}, with fault injection: refuse everything with a status
 * (UNAVAILABLE for a down server), hang (never answer), apply and then never answer, refuse the
 * next n requests with RESOURCE_EXHAUSTED, and hold back requests on chosen keys until released
 * (a slow operation). It records what it received; Status calls are counted apart and are
 * subject to the refusal and the modes, not to RESOURCE_EXHAUSTED bursts or holds.
 */
final class FakeServer extends KVGrpc.KVImplBase {

  /** How the server treats requests that pass the refusals. */
  enum Mode {
    /** Applies and answers. */
    UP,
    /** Never answers; the client's per-attempt timeout fires. */
    HANG,
    /** Applies the operation to the cluster, then never answers. */
    APPLY_THEN_HANG
  }

  /** One request as received. */
  record Received(String kind, long clientId, long opId, String key, ReadConsistency consistency) {}

  private final FakeCluster cluster;
  private final int id;
  private final String address;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger statusCalls = new AtomicInteger();
  private final AtomicInteger exhaustedBurst = new AtomicInteger();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<Runnable> held = new ArrayList<>(); // guarded by this
  private final List<String> holdKeys = new ArrayList<>(); // guarded by this
  private boolean holdAll; // guarded by this
  private volatile Mode mode = Mode.UP;
  private volatile Status refusal;
  private Server server;

  FakeServer(FakeCluster cluster, int id, String address) {
    this.cluster = cluster;
    this.id = id;
    this.address = address;
  }

  FakeServer start() {
    try {
      server = InProcessServerBuilder.forName(address).addService(this).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Takes the server away entirely: connections to its address fail. */
  void stop() {
    release();
    if (server != null) {
      server.shutdownNow();
    }
  }

  String address() {
    return address;
  }

  /** Operations received (Status calls not included). */
  int requests() {
    return requests.get();
  }

  int statusCalls() {
    return statusCalls.get();
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  /** Refuses every request with this status (null to stop refusing). */
  void refuse(Status status) {
    this.refusal = status;
  }

  /** Refuses the next {@code n} requests with RESOURCE_EXHAUSTED. */
  void exhaust(int n) {
    exhaustedBurst.set(n);
  }

  /** Holds back requests on this key until {@link #release()}. */
  synchronized void hold(String key) {
    holdKeys.add(key);
  }

  /** Holds back every request until {@link #release()}. */
  synchronized void holdAll() {
    holdAll = true;
  }

  synchronized int heldCount() {
    return held.size();
  }

  /** Stops holding and answers every held request, in arrival order. */
  void release() {
    List<Runnable> toRun;
    synchronized (this) {
      holdKeys.clear();
      holdAll = false;
      toRun = new ArrayList<>(held);
      held.clear();
    }
    toRun.forEach(Runnable::run);
  }

  @Override
  public void put(PutRequest request, StreamObserver<PutResponse> answer) {
    handle("Put", request.getHeader(), request.getKey(), null, answer, () -> cluster.put(request, id));
  }

  @Override
  public void get(GetRequest request, StreamObserver<GetResponse> answer) {
    handle("Get", request.getHeader(), request.getKey(), request.getConsistency(), answer,
        () -> cluster.get(request, id));
  }

  @Override
  public void delete(DeleteRequest request, StreamObserver<DeleteResponse> answer) {
    handle("Delete", request.getHeader(), request.getKey(), null, answer, () -> cluster.delete(request, id));
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> answer) {
    statusCalls.incrementAndGet();
    Status refused = refusal;
    if (refused != null) {
      answer.onError(refused.asRuntimeException());
      return;
    }
    if (mode == Mode.HANG || mode == Mode.APPLY_THEN_HANG) {
      return;
    }
    answer.onNext(cluster.status(id));
    answer.onCompleted();
  }

  private <A> void handle(String kind, RequestHeader header, ByteString key, ReadConsistency consistency,
      StreamObserver<A> answer, Supplier<A> apply) {
    requests.incrementAndGet();
    received.add(new Received(kind, header.getClientId(), header.getOpId(), key.toStringUtf8(), consistency));
    Status refused = refusal;
    if (refused != null) {
      answer.onError(refused.asRuntimeException());
      return;
    }
    if (mode == Mode.HANG) {
      return;
    }
    if (exhaustedBurst.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      answer.onError(Status.RESOURCE_EXHAUSTED.withDescription("fake queue full").asRuntimeException());
      return;
    }
    if (key.isEmpty()) {
      answer.onError(Status.INVALID_ARGUMENT.withDescription("key is empty; keys must be 1 to 4096 bytes")
          .asRuntimeException());
      return;
    }
    Mode modeNow = mode;
    Runnable respond = () -> {
      A result;
      try {
        result = apply.get();
      } catch (StatusRuntimeException sessionRefusal) {
        answer.onError(sessionRefusal);
        return;
      }
      if (modeNow == Mode.APPLY_THEN_HANG) {
        return;
      }
      answer.onNext(result);
      answer.onCompleted();
    };
    synchronized (this) {
      if (holdAll || holdKeys.contains(key.toStringUtf8())) {
        held.add(respond);
        return;
      }
    }
    respond.run();
  }
}
