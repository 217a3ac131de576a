package io.raftkv.client;

import com.google.protobuf.ByteString;
import io.grpc.ClientInterceptor;
import io.raftkv.api.v1.DeleteRequest;
import io.raftkv.api.v1.DeleteResponse;
import io.raftkv.api.v1.GetRequest;
import io.raftkv.api.v1.GetResponse;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.PutResponse;
import io.raftkv.api.v1.ReadConsistency;
import io.raftkv.api.v1.StatusRequest;
import io.raftkv.api.v1.StatusResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The asynchronous RaftKV client: every call returns at once with a future of its answer.
 *
 * <pre>{@code
 * try (RaftKvClient kv = RaftKvClient.builder().servers("localhost:7001", "localhost:7002").build()) {
 *   kv.put(key, value).join();
 *   Optional<byte[]> v = kv.get(key).join().value();
 * }
 * }</pre>
 *
 * <p><b>Ordering.</b> Operations on the same key run one after another in call order; operations
 * on different keys run concurrently and may finish in any order. So a get sees every earlier put
 * of this client to its key (or a later write by someone else).
 *
 * <p><b>Failover.</b> Any server accepts any request. When the current server times out (per
 * attempt, {@link RetryPolicy#perAttemptTimeout()}) or is unavailable, the client moves to the
 * next server and resends the same operation with the same op id; the servers apply it once and
 * answer a retry with the first answer. Without a deadline a future fails only with a definite
 * refusal ({@link RaftKvException.Kind#INVALID_ARGUMENT}, {@link
 * RaftKvException.Kind#FAILED_PRECONDITION}, {@link RaftKvException.Kind#UNSUPPORTED}) or when the
 * client closes; with {@link OpOptions#withDeadline} it also fails when the deadline passes, and
 * {@link RaftKvException#mayHaveBeenApplied()} says whether a write may have taken effect.
 *
 * <p><b>Routing.</b> By default ({@link Routing#LEADER}) the client finds the leader (a Status
 * call, and the leader id in every answer) and sends writes and linearizable reads to it, saving
 * the follower's forwarding hop; the first operations do not wait for that and go to the first
 * listed server. A leader address that fails sends the client back to the listed servers. See
 * {@link Builder#routing} and {@link Builder#leaderProbeInterval}.
 *
 * <p><b>Sessions.</b> The servers keep one answer per wire session, so each outstanding write
 * uses a session of its own (a random {@code client_id}); see {@link Builder#maxConcurrentWrites}.
 *
 * <p><b>Membership.</b> {@link #memberList}, {@link #memberAdd}, {@link #memberPromote}, {@link
 * #memberDemote}, {@link #memberRemove} and {@link #leaderTransfer} call the Cluster API (any
 * server forwards them to the leader). The client follows membership changes itself: see {@link
 * #servers()}, and a server that answers that it was removed is dropped.
 *
 * <p>Thread-safe. Futures complete on client threads: long work in their callbacks delays the
 * next operation on the same key. Close the client to release its connections.
 */
public final class RaftKvClient implements AutoCloseable {
  /** The default of {@link Builder#leaderProbeInterval}. */
  public static final Duration DEFAULT_LEADER_PROBE_INTERVAL = Duration.ofSeconds(1);

  /** The default of {@link Builder#maxConcurrentWrites}. */
  public static final int DEFAULT_MAX_CONCURRENT_WRITES = 16;

  /** The default of {@link Builder#memberRefreshInterval}. */
  public static final Duration DEFAULT_MEMBER_REFRESH_INTERVAL = Duration.ofSeconds(10);

  private final ClientCore core;
  private final MembershipCalls membership;

  private RaftKvClient(ClientCore core) {
    this.core = core;
    this.membership = new MembershipCalls(core);
  }

  /** A builder; at least one server address is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Reads a key linearizably. */
  public CompletableFuture<GetResult> get(byte[] key) {
    return get(key, OpOptions.defaults());
  }

  /**
   * Reads a key with the given options (deadline, consistency).
   *
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<GetResult> get(byte[] key, OpOptions options) {
    ByteString k = bytes(key, "key");
    ReadConsistency consistency = options.consistency() == OpOptions.Consistency.SERIALIZABLE
        ? ReadConsistency.SERIALIZABLE : ReadConsistency.LINEARIZABLE;
    CompletableFuture<GetResult> future = new CompletableFuture<>();
    core.<GetResponse>submit("Get", false, consistency == ReadConsistency.LINEARIZABLE, k,
        deadline(options),
        header -> (stub, answer) -> stub.get(
            GetRequest.newBuilder().setHeader(header).setKey(k).setConsistency(consistency).build(), answer),
        (opId, response, failure) -> {
          if (failure != null) {
            future.completeExceptionally(failure);
          } else {
            future.complete(new GetResult(opId, k.toByteArray(),
                response.getFound() ? Optional.of(response.getValue().toByteArray()) : Optional.empty()));
          }
        });
    return future;
  }

  /** Sets a key to a value. */
  public CompletableFuture<PutResult> put(byte[] key, byte[] value) {
    return put(key, value, OpOptions.defaults());
  }

  /**
   * Sets a key to a value with the given options (deadline).
   *
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<PutResult> put(byte[] key, byte[] value, OpOptions options) {
    ByteString k = bytes(key, "key");
    ByteString v = bytes(value, "value");
    CompletableFuture<PutResult> future = new CompletableFuture<>();
    core.<PutResponse>submit("Put", true, true, k, deadline(options),
        header -> (stub, answer) -> stub.put(
            PutRequest.newBuilder().setHeader(header).setKey(k).setValue(v).build(), answer),
        (opId, response, failure) -> {
          if (failure != null) {
            future.completeExceptionally(failure);
          } else {
            future.complete(new PutResult(opId, k.toByteArray(), response.getHadPrevious()
                ? Optional.of(response.getPrevious().toByteArray()) : Optional.empty(),
                response.getPreviousUnknown()));
          }
        });
    return future;
  }

  /** Removes a key. */
  public CompletableFuture<DeleteResult> delete(byte[] key) {
    return delete(key, OpOptions.defaults());
  }

  /**
   * Removes a key with the given options (deadline).
   *
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<DeleteResult> delete(byte[] key, OpOptions options) {
    ByteString k = bytes(key, "key");
    CompletableFuture<DeleteResult> future = new CompletableFuture<>();
    core.<DeleteResponse>submit("Delete", true, true, k, deadline(options),
        header -> (stub, answer) -> stub.delete(
            DeleteRequest.newBuilder().setHeader(header).setKey(k).build(), answer),
        (opId, response, failure) -> {
          if (failure != null) {
            future.completeExceptionally(failure);
          } else {
            future.complete(new DeleteResult(opId, k.toByteArray(), response.getExisted()));
          }
        });
    return future;
  }

  /** The cluster as the current server sees it. */
  public CompletableFuture<StatusResponse> status() {
    return status(OpOptions.defaults());
  }

  /**
   * The cluster as the current server sees it, with the given options (deadline); retried on
   * other servers like any operation.
   *
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<StatusResponse> status(OpOptions options) {
    CompletableFuture<StatusResponse> future = new CompletableFuture<>();
    core.<StatusResponse>submitUnkeyed("Status", deadline(options),
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
   * The cluster's configuration as the leader sees it: voters and learners, the configuration
   * index (for compare-and-set changes) and each member's replication progress.
   *
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<MemberList> memberList(OpOptions options) {
    return membership.list(deadline(options));
  }

  /** {@link #memberList(OpOptions)} with the default options (no deadline). */
  public CompletableFuture<MemberList> memberList() {
    return memberList(OpOptions.defaults());
  }

  /**
   * Adds member {@code id} as a learner: it receives the log, never votes, and becomes a voter
   * by {@link #memberPromote} or, with {@code autoPromote}, by the leader once it has caught up.
   * Completes once the change is committed. Start the new server with {@code raftkv server
   * --join} (it can also ask to be added itself).
   *
   * <p>Failures: a {@link MembershipException} with reason {@code INVALID_CHANGE} (the id or an
   * address is already a member's), {@code CONFIG_INDEX_MISMATCH} (with {@code
   * expectedConfigIndex}: the configuration changed since it was read); {@code
   * CHANGE_IN_PROGRESS} is retried until the deadline. A change that timed out may have been
   * made ({@link RaftKvException#mayHaveBeenApplied()}): read the member list.
   *
   * @param peerAddress where the other members reach the new one, {@code host:port}
   * @param clientAddress where clients reach it, {@code host:port}
   * @param expectedConfigIndex if present, the change is made only if this is the configuration
   *     index in force ({@link MemberList#configIndex()}): compare-and-set
   * @throws IllegalArgumentException if the id is not positive or an address is not host:port
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<MemberChange> memberAdd(int id, String peerAddress,
      String clientAddress, boolean autoPromote, OptionalLong expectedConfigIndex,
      OpOptions options) {
    MembershipCalls.checkId(id);
    for (String a : List.of(Objects.requireNonNull(peerAddress, "peerAddress"),
        Objects.requireNonNull(clientAddress, "clientAddress"))) {
      if (!Addresses.isHostPort(a)) {
        throw new IllegalArgumentException("member address '" + a + "' is not host:port");
      }
    }
    return membership.add(new ClusterMember(id, peerAddress, clientAddress, true, autoPromote),
        Objects.requireNonNull(expectedConfigIndex, "expectedConfigIndex"), deadline(options));
  }

  /** {@link #memberAdd(int, String, String, boolean, OptionalLong, OpOptions)}, unconditional, no deadline. */
  public CompletableFuture<MemberChange> memberAdd(int id, String peerAddress,
      String clientAddress, boolean autoPromote) {
    return memberAdd(id, peerAddress, clientAddress, autoPromote, OptionalLong.empty(),
        OpOptions.defaults());
  }

  /**
   * Makes learner {@code id} a voter; completes once committed. Refused with {@code
   * LEARNER_NOT_READY} while it has not caught up with the leader, {@code INVALID_CHANGE} if it
   * is not a learner; see {@link #memberAdd} for the rest.
   */
  public CompletableFuture<MemberChange> memberPromote(int id, OptionalLong expectedConfigIndex,
      OpOptions options) {
    return membership.promote(id, expectedConfigIndex, deadline(options));
  }

  /** {@link #memberPromote(int, OptionalLong, OpOptions)}, unconditional, no deadline. */
  public CompletableFuture<MemberChange> memberPromote(int id) {
    return memberPromote(id, OptionalLong.empty(), OpOptions.defaults());
  }

  /**
   * Makes voter {@code id} a learner; completes once committed. Refused with {@code
   * INVALID_CHANGE} for a learner or the last voter; see {@link #memberAdd} for the rest.
   */
  public CompletableFuture<MemberChange> memberDemote(int id, OptionalLong expectedConfigIndex,
      OpOptions options) {
    return membership.demote(id, expectedConfigIndex, deadline(options));
  }

  /** {@link #memberDemote(int, OptionalLong, OpOptions)}, unconditional, no deadline. */
  public CompletableFuture<MemberChange> memberDemote(int id) {
    return memberDemote(id, OptionalLong.empty(), OpOptions.defaults());
  }

  /**
   * Removes member {@code id} (the leader too: it hands leadership over once the change
   * commits); completes once committed. The client stops using the removed server's address.
   * Refused with {@code INVALID_CHANGE} for an id that is not a member or the last voter; see
   * {@link #memberAdd} for the rest.
   */
  public CompletableFuture<MemberChange> memberRemove(int id, OptionalLong expectedConfigIndex,
      OpOptions options) {
    return membership.remove(id, expectedConfigIndex, deadline(options));
  }

  /** {@link #memberRemove(int, OptionalLong, OpOptions)}, unconditional, no deadline. */
  public CompletableFuture<MemberChange> memberRemove(int id) {
    return memberRemove(id, OptionalLong.empty(), OpOptions.defaults());
  }

  /**
   * Hands leadership to voter {@code targetId} (Raft thesis section 3.10); completes with the
   * leader's id once it leads. A transfer already under way is retried until the deadline;
   * {@code INVALID_CHANGE} if the target is not a voter.
   */
  public CompletableFuture<Integer> leaderTransfer(int targetId, OpOptions options) {
    return membership.transfer(targetId, deadline(options));
  }

  /** {@link #leaderTransfer(int, OpOptions)} with no deadline. */
  public CompletableFuture<Integer> leaderTransfer(int targetId) {
    return leaderTransfer(targetId, OpOptions.defaults());
  }

  /**
   * The servers the client fails over between: the configured ones, plus members the cluster
   * named since (Status, membership answers), minus members it removed. See {@link
   * Builder#memberRefreshInterval}.
   */
  public List<String> servers() {
    return core.servers();
  }

  /**
   * The address writes currently go to: the leader's once routing found it, else the listed
   * server in use.
   */
  public String currentServer() {
    return core.currentServer();
  }

  /** Status calls made so far to find the leader (not counting {@link #status()}). */
  int leaderProbes() {
    return core.leaderProbes();
  }

  /**
   * Fails every unfinished operation with {@link RaftKvException.Kind#CLOSED} and closes the
   * connections. Idempotent; later calls throw {@link IllegalStateException}.
   */
  @Override
  public void close() {
    core.close();
  }

  private static Duration deadline(OpOptions options) {
    return Objects.requireNonNull(options, "options").deadline().orElse(null);
  }

  private static ByteString bytes(byte[] data, String what) {
    return ByteString.copyFrom(Objects.requireNonNull(data, what));
  }

  /** Configures a {@link RaftKvClient}. */
  public static final class Builder {
    private List<String> servers = List.of();
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private ServerConnectionListener listener = ServerConnectionListener.NONE;
    private ChannelFactory channels = ChannelFactory.PLAINTEXT;
    private Executor callbackExecutor; // null: answers handled on the network threads
    private int maxConcurrentWrites = DEFAULT_MAX_CONCURRENT_WRITES;
    private Routing routing = Routing.LEADER;
    private Duration leaderProbeInterval = DEFAULT_LEADER_PROBE_INTERVAL;
    private Duration memberRefreshInterval = DEFAULT_MEMBER_REFRESH_INTERVAL;
    private List<ClientInterceptor> interceptors = List.of();

    private Builder() {}

    /**
     * gRPC interceptors added to every channel the client opens, so they see every attempt
     * (retries and Status calls included) with the address it went to ({@code
     * Channel.authority()}): for diagnostics, metrics or extra metadata. Replaces earlier ones.
     */
    public Builder intercept(ClientInterceptor... interceptors) {
      this.interceptors = List.of(interceptors);
      return this;
    }

    /**
     * Where writes and linearizable reads go: {@link Routing#LEADER} (the default) or {@link
     * Routing#LISTED}. Results are the same either way; the leader saves a hop.
     */
    public Builder routing(Routing routing) {
      this.routing = Objects.requireNonNull(routing, "routing");
      return this;
    }

    /**
     * With {@link Routing#LEADER}: the least time between two Status calls made to find the
     * leader (asked for at start, after failovers, and when an answer names a leader whose
     * address is unknown), and the first hold-off of a leader address that failed. Default
     * 1 s.
     */
    public Builder leaderProbeInterval(Duration interval) {
      Objects.requireNonNull(interval, "leaderProbeInterval");
      if (interval.toMillis() < 1) {
        throw new IllegalArgumentException("leaderProbeInterval must be at least 1 ms, got "
            + interval);
      }
      this.leaderProbeInterval = interval;
      return this;
    }

    /**
     * With {@link Routing#LEADER}: how often the client asks a Status while it is in use, to
     * learn membership changes (members added join the servers it fails over between, removed
     * ones leave), besides the Status calls leader routing makes anyway. So a client keeps
     * working when every server it was given has been replaced, provided it ran meanwhile.
     * {@link Duration#ZERO} turns the periodic call off. Default 10 s.
     */
    public Builder memberRefreshInterval(Duration interval) {
      Objects.requireNonNull(interval, "memberRefreshInterval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("memberRefreshInterval must not be negative, got "
            + interval);
      }
      this.memberRefreshInterval = interval;
      return this;
    }

    /** The servers as {@code host:port}; the client starts with the first. Required. */
    public Builder servers(List<String> servers) {
      this.servers = List.copyOf(Objects.requireNonNull(servers, "servers"));
      return this;
    }

    /** The servers as {@code host:port}; the client starts with the first. Required. */
    public Builder servers(String... servers) {
      return servers(List.of(servers));
    }

    /** How long one attempt waits for an answer before the client tries the next server. */
    public Builder perAttemptTimeout(Duration timeout) {
      this.retryPolicy = retryPolicy.withPerAttemptTimeout(timeout);
      return this;
    }

    /** The whole retry policy; {@link RetryPolicy#DEFAULT} unless set. */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "retryPolicy");
      return this;
    }

    /** Told whenever the client starts using a server (the seed's NewServerConnection). */
    public Builder serverConnectionListener(ServerConnectionListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * How many writes (puts, deletes) may be outstanding at once; more wait their turn. Each
     * outstanding write uses a session of its own on the servers, which keep one answer per
     * session, so this bounds the sessions this client holds there. Default {@value
     * #DEFAULT_MAX_CONCURRENT_WRITES}; reads are not limited.
     */
    public Builder maxConcurrentWrites(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConcurrentWrites must be at least 1, got " + max);
      }
      this.maxConcurrentWrites = max;
      return this;
    }

    /**
     * Where answers are handled and so where the returned futures complete. By default on the
     * client's network threads, the fastest path: callbacks attached to the futures then run
     * there, so they must not block, and above all must not wait for another operation of this
     * client (a {@code join()} there can deadlock). Give an executor if callbacks block.
     */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = Objects.requireNonNull(executor, "callbackExecutor");
      return this;
    }

    /** Replaces how channels are opened; tests use in-process channels. */
    Builder channelFactory(ChannelFactory channels) {
      this.channels = Objects.requireNonNull(channels, "channels");
      return this;
    }

    /**
     * Creates the client. No connection is made until the first operation.
     *
     * @throws IllegalArgumentException if the server list is empty, has a duplicate, or has an
     *     entry that is not {@code host:port}
     */
    public RaftKvClient build() {
      ChannelFactory base = channels;
      if (!interceptors.isEmpty()) {
        ChannelFactory plain = channels;
        List<ClientInterceptor> added = interceptors;
        base = address -> plain.builder(address).intercept(added);
      }
      ChannelFactory opened = callbackExecutor == null ? base : base.handledOn(callbackExecutor);
      return new RaftKvClient(new ClientCore(new ClientConfig(servers, retryPolicy, listener, opened,
          maxConcurrentWrites, routing, leaderProbeInterval, memberRefreshInterval)));
    }
  }
}
