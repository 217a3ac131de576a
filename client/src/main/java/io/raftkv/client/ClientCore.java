package io.raftkv.client;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.raftkv.api.v1.KVGrpc;
import io.raftkv.api.v1.RequestHeader;
import io.raftkv.api.v1.StatusRequest;
import io.raftkv.api.v1.StatusResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both client APIs share: the session identity, op id numbering, per-key ordering, the
 * server ring and the retry timer. The public classes only translate between their API and the
 * wire messages.
 */
final class ClientCore {
  private static final Logger log = LoggerFactory.getLogger(ClientCore.class);

  /** The one outcome of a keyed operation, with the op id it was given. */
  @FunctionalInterface
  interface Outcome<R> {
    void done(long opId, R response, RaftKvException failure);
  }

  private final long clientId; // carried by reads, which the servers keep no session for
  private final WriteSessions writeSessions;
  private final ServerRing ring;
  private final LeaderFinder leaders;
  private final RetryPolicy policy;
  private final ScheduledThreadPoolExecutor timer;
  private final KeyLanes lanes = new KeyLanes();
  private final Set<OpRun<?>> inFlight = ConcurrentHashMap.newKeySet();
  private long lastOpId; // guarded by this
  private boolean closed; // guarded by this

  ClientCore(ClientConfig config) {
    this.clientId = SessionIds.next();
    this.writeSessions = new WriteSessions(config.maxConcurrentWrites());
    this.ring = new ServerRing(config.servers(), config.channels(), config.listener());
    this.policy = config.retryPolicy();
    this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "raftkv-client-timer");
      thread.setDaemon(true); // a client the caller forgot to close must not keep the JVM alive
      return thread;
    });
    this.timer.setRemoveOnCancelPolicy(true); // cancelled deadline timers must not pile up
    this.leaders = new LeaderFinder(config.routing() == Routing.LEADER, ring, timer,
        config.leaderProbeInterval(), policy.perAttemptTimeout(), config.memberRefreshInterval());
  }

  /** The id reads carry as {@code client_id}; writes carry the ids of their sessions. */
  long clientId() {
    return clientId;
  }

  /** The address writes currently go to (the leader's, when routing found it). */
  String currentServer() {
    return ring.currentAddress();
  }

  /** The servers the client currently fails over between. */
  List<String> servers() {
    return ring.servers();
  }

  /** A membership answer named these members' client addresses, in force at {@code configIndex}. */
  void membership(long configIndex, List<String> clientAddresses) {
    leaders.membership(configIndex, clientAddresses);
  }

  /** Status calls made to find the leader so far. */
  int leaderProbes() {
    return leaders.probes();
  }

  /**
   * Numbers an operation on {@code key}, queues it behind the key's earlier operations and returns
   * its op id; the outcome arrives later through {@code outcome}, before the key's next operation
   * is sent. The op id is the client's own numbering (the kvslib's OpId); on the wire a write
   * carries its session's (client_id, op_id) instead, see {@link WriteSessions}.
   *
   * @param verb the operation's name for messages (Get, Put, Delete)
   * @param write whether it changes state
   * @param toLeader whether it goes to the leader when routing knows it (writes, linearizable
   *     reads), not the listed server
   * @param deadline the caller's overall deadline, or null to retry until answered or closed
   * @param request builds the request from the operation's header
   * @throws IllegalStateException if the client is closed
   */
  <R> long submit(String verb, boolean write, boolean toLeader, ByteString key, Duration deadline,
      Function<RequestHeader, WireOp<R>> request, Outcome<R> outcome) {
    return submit(verb, write, toLeader, key, deadline, request, outcome, null);
  }

  /**
   * As above, tracing the operation with what {@code tracing} returns for its op id (called once
   * the op id is given, so it can record the operation's start); null: not traced.
   */
  <R> long submit(String verb, boolean write, boolean toLeader, ByteString key, Duration deadline,
      Function<RequestHeader, WireOp<R>> request, Outcome<R> outcome,
      LongFunction<OpTracer> tracing) {
    OpRun<R> run;
    boolean startNow;
    // Numbering and queueing under one lock: two threads using the same key must queue in op id
    // order, or a later op could run first.
    synchronized (this) {
      checkOpen();
      long opId = ++lastOpId;
      OpIdentity identity = write
          ? OpIdentity.write(writeSessions)
          : OpIdentity.fixed(RequestHeader.newBuilder().setClientId(clientId).setOpId(opId).build());
      List<OpRun<R>> self = new ArrayList<>(1);
      OpTracer tracer = tracing == null ? OpTracer.NONE : tracing.apply(opId);
      run = new OpRun<>(opId,
          verb + " op " + Long.toUnsignedString(opId) + " on key " + Printable.key(key), write,
          toLeader, identity, request, ring, leaders, policy, timer, deadline,
          (response, failure) -> finished(key, self.get(0), response, failure, outcome), tracer);
      self.add(run);
      inFlight.add(run);
      startNow = lanes.enqueue(key, run);
    }
    leaders.start();
    run.arm();
    if (startNow) {
      run.start();
    }
    return run.opId();
  }

  /** Runs an operation that has no key and no op id (a status call), with the same retries. */
  <R> void submitUnkeyed(String what, Duration deadline, WireOp<R> request,
      BiConsumer<R, RaftKvException> outcome) {
    submitUnkeyed(what, false, false, deadline, request, outcome);
  }

  /**
   * As above, for a call that may change state ({@code write}: a deadline failure says it may
   * have been applied) and that goes to the leader when routing knows it ({@code toLeader}).
   */
  <R> void submitUnkeyed(String what, boolean write, boolean toLeader, Duration deadline,
      WireOp<R> request, BiConsumer<R, RaftKvException> outcome) {
    OpRun<R> run;
    synchronized (this) {
      checkOpen();
      List<OpRun<R>> self = new ArrayList<>(1);
      run = new OpRun<>(0, what, write, toLeader, OpIdentity.fixed(RequestHeader.getDefaultInstance()),
          header -> request, ring, leaders, policy, timer, deadline, (response, failure) -> {
        inFlight.remove(self.get(0));
        outcome.accept(response, failure);
      }, OpTracer.NONE);
      self.add(run);
      inFlight.add(run);
    }
    leaders.start();
    run.arm();
    run.start();
  }

  /**
   * Asks the current server for its Status, once, waiting at most {@code timeout}; does not tell
   * the connection listener.
   *
   * @return the answer, or null if the server did not answer in time or failed
   */
  StatusResponse probe(Duration timeout) {
    try {
      return KVGrpc.newBlockingStub(ring.peek().channel())
          .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
          .status(StatusRequest.getDefaultInstance());
    } catch (StatusRuntimeException | IllegalArgumentException e) {
      log.debug("{} did not answer a Status: {}", ring.currentAddress(), e.toString());
      return null;
    }
  }

  /** Starts using the current server now, telling the connection listener, not at the first op. */
  void connect() {
    ring.current();
  }

  /**
   * Abandons every unfinished operation (each reports {@link RaftKvException.Kind#CLOSED}, in op id
   * order) and closes the channels. Later submissions throw {@link IllegalStateException}.
   */
  void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    timer.shutdownNow();
    writeSessions.close();
    lanes.clear(); // so an abandoned op does not start the next one on its key
    List<OpRun<?>> pending = new ArrayList<>(inFlight);
    pending.sort(Comparator.comparingLong(OpRun::opId));
    for (OpRun<?> op : pending) {
      op.abandon();
    }
    ring.close();
    log.debug("client session {} closed; {} operations abandoned", Long.toUnsignedString(clientId),
        pending.size());
  }

  private <R> void finished(ByteString key, OpRun<R> run, R response, RaftKvException failure,
      Outcome<R> outcome) {
    try {
      // The caller hears the outcome before the key's next op is released: that is what makes
      // results on one key arrive in op id order.
      outcome.done(run.opId(), response, failure);
    } catch (RuntimeException e) {
      log.warn("the result callback of op {} threw", run.opId(), e);
    } finally {
      inFlight.remove(run);
      OpRun<?> next = lanes.finish(key, run);
      if (next != null && !isClosed()) {
        next.start();
      }
    }
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the client is closed; create a new one to send more operations");
    }
  }
}
