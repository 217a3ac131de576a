package io.raftkv.client;

import com.google.protobuf.ByteString;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.GetResponse;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.api.v1.StatusRequest;
import io.raftkv.api.v1.StatusResponse;
import io.raftkv.trace.Tracer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's client library (kvslib) in Java: {@link #start} a session, issue {@link #get} and
 * {@link #put} without waiting, read their results from the returned {@link NotifyQueue}, and
 * {@link #stop}.
 *
 * <pre>{@code
 * Kvslib kvs = new Kvslib();
 * NotifyQueue results = kvs.start("client1", List.of("localhost:7001", "localhost:7002"), 16);
 * long put = kvs.put("k1", "v1");
 * long get = kvs.get("k1");
 * OpResult first = results.take();   // put's result
 * OpResult second = results.take();  // get's result: value "v1"
 * kvs.stop();
 * }</pre>
 *
 * <p><b>Ordering</b>, as the seed demands: op ids rise by one per call; operations on one key
 * complete, and reach the queue, in op id order, and a get returns the value of this client's
 * latest earlier put to its key (or a later write by another client); an operation on another key
 * may complete earlier. Keys and values are strings, sent as UTF-8.
 *
 * <p><b>Failover</b>: see {@link RaftKvClient}. The kvslib has no deadlines: it retries an
 * operation until a server answers, so it never reports a failure for an operation that may have
 * succeeded; a result carries an error only for a definite refusal (such as INVALID_ARGUMENT, with
 * the server's message) or when {@link #stop} abandoned the operation.
 *
 * <p><b>Tracing</b>: with a {@link Tracer} ({@link #Kvslib(RetryPolicy, ServerConnectionListener,
 * Tracer)}, e.g. {@code Tracer.toDirectory("client1", dir)}) the kvslib records the seed's client
 * actions under the tracer's host: {@code KvslibStart} first in {@link #start}; {@code
 * NewServerConnection} when it starts using a server (in {@code start} if the first server answers
 * a Status call, and after every failover; {@code serverId} is the server's node id as that Status
 * answer named it, otherwise the server's position in the list + 1); {@code GetStart}/{@code
 * PutStart} just after each call, each operation on a trace of its own; {@code GetSend}/{@code
 * PutSend} just before each attempt, retries included, with the token sent in the request's gRPC
 * metadata along with the client name and OpId (see {@code kv.proto}); the servers' answer token
 * is merged before the result is put on the queue; {@code KvslibStop} last in {@link #stop}. With
 * {@link Tracer#noop()} (the default) nothing is recorded and nothing is added to requests. The
 * caller owns the tracer: close it after {@link #stop}.
 *
 * <p>Thread-safe; one session at a time. A stopped kvslib can be started again, as a new session.
 */
public final class Kvslib {
  private static final Logger log = LoggerFactory.getLogger(Kvslib.class);

  private final RetryPolicy retryPolicy;
  private final ServerConnectionListener listener;
  private final ChannelFactory channels;
  private final Tracer tracer;
  private final Routing routing;
  private String name; // guarded by this
  private KvslibTracing tracing; // guarded by this: the running session's, or null if not tracing
  private ClientCore core; // guarded by this: the running session, or null
  private NotifyQueue queue; // guarded by this

  /** A kvslib with the default retry policy and no connection listener. */
  public Kvslib() {
    this(RetryPolicy.DEFAULT, ServerConnectionListener.NONE);
  }

  /**
   * A kvslib with the given retry policy and connection listener.
   *
   * @param listener told when the kvslib starts using a server (the seed's NewServerConnection)
   */
  public Kvslib(RetryPolicy retryPolicy, ServerConnectionListener listener) {
    this(retryPolicy, listener, Tracer.noop());
  }

  /**
   * A kvslib that records its actions with {@code tracer} (see "Tracing" above); {@link
   * Tracer#noop()} records nothing.
   *
   * @param listener told when the kvslib starts using a server, after the tracer recorded it
   */
  public Kvslib(RetryPolicy retryPolicy, ServerConnectionListener listener, Tracer tracer) {
    this(retryPolicy, listener, ChannelFactory.PLAINTEXT, tracer, Routing.LISTED);
  }

  /**
   * As above, choosing where gets and puts go. The kvslib's default is {@link Routing#LISTED}
   * (the first server until it fails, as the seed does; its demos show followers forwarding);
   * {@link Routing#LEADER} sends them to the leader, as {@link RaftKvClient} does.
   */
  public Kvslib(RetryPolicy retryPolicy, ServerConnectionListener listener, Tracer tracer,
      Routing routing) {
    this(retryPolicy, listener, ChannelFactory.PLAINTEXT, tracer, routing);
  }

  Kvslib(RetryPolicy retryPolicy, ServerConnectionListener listener, ChannelFactory channels) {
    this(retryPolicy, listener, channels, Tracer.noop(), Routing.LISTED);
  }

  Kvslib(RetryPolicy retryPolicy, ServerConnectionListener listener, ChannelFactory channels,
      Tracer tracer) {
    this(retryPolicy, listener, channels, tracer, Routing.LISTED);
  }

  Kvslib(RetryPolicy retryPolicy, ServerConnectionListener listener, ChannelFactory channels,
      Tracer tracer, Routing routing) {
    this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.channels = Objects.requireNonNull(channels, "channels");
    this.tracer = Objects.requireNonNull(tracer, "tracer");
    this.routing = Objects.requireNonNull(routing, "routing");
  }

  /**
   * Starts a session. The session's wire id is random, not derived from {@code clientId}, so a
   * restarted client never collides with its earlier session on the servers.
   *
   * @param clientId the client's name, for logs and traces (like the seed's "client1")
   * @param servers the servers as {@code host:port}; the kvslib starts with the first
   * @param chCapacity the most operations outstanding at once (issued and result not yet taken)
   * @return the queue the results arrive on
   * @throws IllegalArgumentException if the server list or capacity is invalid
   * @throws IllegalStateException if a session is already running
   */
  public synchronized NotifyQueue start(String clientId, List<String> servers, int chCapacity) {
    Objects.requireNonNull(clientId, "clientId");
    if (core != null) {
      throw new IllegalStateException("kvslib " + name + " is already started; stop it first");
    }
    NotifyQueue newQueue = new NotifyQueue(chCapacity);
    KvslibTracing newTracing = tracer.enabled() ? new KvslibTracing(tracer, clientId) : null;
    ClientCore newCore = new ClientCore(new ClientConfig(servers, retryPolicy,
        newTracing == null ? listener : newTracing.listener(listener), channels, chCapacity,
        routing, RaftKvClient.DEFAULT_LEADER_PROBE_INTERVAL,
        RaftKvClient.DEFAULT_MEMBER_REFRESH_INTERVAL));
    if (newTracing != null) {
      newTracing.started();
      // The seed records NewServerConnection in Start if the system is available: ask the first
      // server once; if it answers, start using it now (and learn the node ids of the servers).
      StatusResponse answer = newCore.probe(retryPolicy.perAttemptTimeout());
      if (answer != null) {
        newTracing.learnServerIds(newCore.currentServer(), answer);
        newCore.connect();
      }
    }
    name = clientId;
    core = newCore;
    queue = newQueue;
    tracing = newTracing;
    log.info("kvslib {} started as session {} with servers {}", clientId,
        Long.toUnsignedString(newCore.clientId()), servers);
    return newQueue;
  }

  /**
   * Reads a key; the result arrives on the queue. Waits while {@code chCapacity} operations are
   * outstanding.
   *
   * @return the operation's id
   * @throws IllegalStateException if the kvslib is not started or was stopped
   */
  public long get(String key) throws InterruptedException {
    ByteString k = ByteString.copyFromUtf8(Objects.requireNonNull(key, "key"));
    return issue(OpResult.Type.GET, (session, results, traces) -> session.<GetResponse>submit("Get", false, true, k, null,
        header -> (stub, answer) -> stub.get(GetRequest.newBuilder().setHeader(header).setKey(k).build(), answer),
        (opId, response, failure) -> results.deliver(new OpResult(opId, OpResult.Type.GET, key,
            failure == null && response.getFound() ? response.getValue().toStringUtf8() : null, failure)),
        traces == null ? null : opId -> traces.get(opId, key)));
  }

  /**
   * Sets a key to a value; the result arrives on the queue. Waits while {@code chCapacity}
   * operations are outstanding.
   *
   * @return the operation's id
   * @throws IllegalStateException if the kvslib is not started or was stopped
   */
  public long put(String key, String value) throws InterruptedException {
    ByteString k = ByteString.copyFromUtf8(Objects.requireNonNull(key, "key"));
    ByteString v = ByteString.copyFromUtf8(Objects.requireNonNull(value, "value"));
    return issue(OpResult.Type.PUT, (session, results, traces) -> session.<PutResponse>submit("Put", true, true, k, null,
        header -> (stub, answer) -> stub.put(
            PutRequest.newBuilder().setHeader(header).setKey(k).setValue(v).build(), answer),
        (opId, response, failure) -> results.deliver(
            new OpResult(opId, OpResult.Type.PUT, key, failure == null ? value : null, failure)),
        traces == null ? null : opId -> traces.put(opId, key, value)));
  }

  /**
   * The cluster as the current server sees it. Not an operation: it takes no OpId, no room on the
   * queue, and its answer comes in the future, not on the queue. Retried on other servers like any
   * operation until a server answers or the kvslib stops.
   *
   * @throws IllegalStateException if the kvslib is not started or was stopped
   */
  public CompletableFuture<StatusResponse> status() {
    ClientCore session;
    synchronized (this) {
      if (core == null) {
        throw new IllegalStateException(queue == null
            ? "kvslib is not started; call start first"
            : "kvslib " + name + " was stopped; call start to begin a new session");
      }
      session = core;
    }
    CompletableFuture<StatusResponse> future = new CompletableFuture<>();
    session.<StatusResponse>submitUnkeyed("Status", null,
        (stub, answer) -> stub.status(StatusRequest.getDefaultInstance(), answer),
        (response, failure) -> {
          if (failure != null) {
            future.completeExceptionally(failure);
          } else {
            future.complete(response);
          }
        });
    return future;
  }

  /**
   * Ends the session: every unfinished operation gets a result with a {@link
   * RaftKvException.Kind#CLOSED} error on the queue (in op id order; a put among them may have been
   * applied), callers waiting for room are released with an {@link IllegalStateException}, and the
   * connections close. The queue stays readable. Does nothing if not started. When tracing,
   * KvslibStop is recorded last, after all that.
   */
  public void stop() {
    ClientCore stopping;
    NotifyQueue results;
    String stoppedName;
    KvslibTracing stoppingTracing;
    synchronized (this) {
      stopping = core;
      results = queue;
      stoppedName = name;
      stoppingTracing = tracing;
      core = null;
      tracing = null;
    }
    if (stopping == null) {
      return;
    }
    stopping.close();
    results.openForever();
    if (stoppingTracing != null) {
      stoppingTracing.stopped();
    }
    log.info("kvslib {} stopped", stoppedName);
  }

  /** Sends one operation on the running session. */
  @FunctionalInterface
  private interface Issue {
    long on(ClientCore session, NotifyQueue results, KvslibTracing traces);
  }

  private long issue(OpResult.Type type, Issue issue) throws InterruptedException {
    ClientCore session;
    NotifyQueue results;
    KvslibTracing traces;
    synchronized (this) {
      if (core == null) {
        throw new IllegalStateException(queue == null
            ? "kvslib is not started; call start first"
            : "kvslib " + name + " was stopped; call start to begin a new session");
      }
      session = core;
      results = queue;
      traces = tracing;
    }
    results.acquireRoom(); // outside the lock: stop() must be able to run while callers wait
    try {
      return issue.on(session, results, traces);
    } catch (IllegalStateException closed) {
      results.returnRoom();
      throw new IllegalStateException(
          "kvslib was stopped while this " + type + " waited; call start to begin a new session", closed);
    }
  }
}
