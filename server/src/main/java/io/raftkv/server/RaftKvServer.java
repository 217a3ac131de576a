package io.raftkv.server;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.raftkv.kv.KvConfig;
import io.raftkv.kv.KvStateMachine;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.Member;
import io.raftkv.raft.Membership;
import io.raftkv.raft.RaftConfig;
import io.raftkv.raft.RaftNode;
import io.raftkv.raft.RestoredState;
import io.raftkv.raft.message.Message;
import io.raftkv.server.transport.PeerTransport;
import io.raftkv.storage.RaftStorage;
import io.raftkv.storage.StorageOptions;
import io.raftkv.node.NodeHost;
import io.raftkv.node.SnapshotPolicy;
import io.raftkv.storage.disk.FileChannelDisk;
import io.raftkv.trace.Trace;
import io.raftkv.trace.TraceAction;
import io.raftkv.trace.Tracer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RaftKV server process: its data directory, the node runtime, the peer transport, and two
 * gRPC servers (peers on the peer address, clients on the client address).
 */
public final class RaftKvServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RaftKvServer.class);
  /** How long streaming one snapshot to a peer may take before it counts as failed. */
  private static final long SNAPSHOT_TIMEOUT_MILLIS = 120_000;

  private final NodeRuntime runtime;
  private final PeerTransport transport;
  private final Admission admission;
  private final Server peerServer;
  private final Server clientServer;
  private final HealthReporter health;
  private final Tracer serverTracer;
  private final Tracer raftTracer;

  private RaftKvServer(NodeRuntime runtime, PeerTransport transport, Admission admission,
      Server peerServer, Server clientServer, HealthReporter health, Tracer serverTracer,
      Tracer raftTracer) {
    this.runtime = runtime;
    this.transport = transport;
    this.admission = admission;
    this.peerServer = peerServer;
    this.clientServer = clientServer;
    this.health = health;
    this.serverTracer = serverTracer;
    this.raftTracer = raftTracer;
  }

  /**
   * Opens node {@code id}'s data directory, recovers, and starts serving.
   *
   * @param onFatal called once if the node must stop (a failed fsync, damaged storage found
   *     while running, a broken Raft safety rule, a JVM {@link Error} such as OutOfMemoryError in
   *     the node thread or a request's handling); the process should exit
   * @throws ConfigException if {@code id} is not a member
   * @throws PortInUseException if an address cannot be bound (checked before the data directory
   *     is opened, so nothing is created or changed there)
   * @throws io.raftkv.storage.StorageException if the data directory is refused (in use by
   *     another process, another node's, damaged)
   * @throws IOException if an address cannot be bound after all (taken since the check)
   */
  public static RaftKvServer start(ClusterConfig config, int id, Path dataDir,
      Consumer<Throwable> onFatal) throws IOException {
    return start(config, id, dataDir, TraceOptions.OFF, onFatal);
  }

  /**
   * As {@link #start(ClusterConfig, int, Path, Consumer)}, recording a trace as {@code trace}
   * says (hosts {@code serverN} and {@code raftN}, see {@link TraceOptions}).
   *
   * @throws java.io.UncheckedIOException if the trace files cannot be opened
   * @throws IllegalStateException if another process traces as this node into the same directory
   */
  public static RaftKvServer start(ClusterConfig config, int id, Path dataDir, TraceOptions trace,
      Consumer<Throwable> onFatal) throws IOException {
    return start(config, id, dataDir, trace, InitialClusterState.NEW, onFatal);
  }

  /**
   * As {@link #start(ClusterConfig, int, Path, TraceOptions, Consumer)}, with {@code initial}
   * saying what an empty {@code dataDir} means: a new cluster's member, or a member of a running
   * cluster that lost its data and must rejoin before it votes. Null means "refuse an empty
   * directory": the choice must then be made explicitly (a member whose data was lost, started
   * as a new cluster's member, would vote on an empty log and could help elect a leader without
   * entries the cluster committed).
   *
   * @throws ConfigException if {@code initial} is null and {@code dataDir} holds no node data
   */
  public static RaftKvServer start(ClusterConfig config, int id, Path dataDir, TraceOptions trace,
      InitialClusterState initial, Consumer<Throwable> onFatal) throws IOException {
    ClusterConfig.Member me = config.member(id).orElseThrow(() -> new ConfigException("--id "
        + id + " is not a member of cluster '" + config.clusterId() + "' (members: "
        + config.ids() + "); a node that joined a running cluster is started with --join, as"
        + " it was the first time"));
    if (initial == null && !RaftStorage.holdsNodeData(new FileChannelDisk(), dataDir)) {
      throw new ConfigException("data directory " + dataDir + " holds no node data: say"
          + " --initial-cluster-state new (the first start of a member of a new cluster) or"
          + " existing (a member of a running cluster whose data was lost: it catches up from the"
          + " leader before it votes)");
    }
    Map<Integer, MemberAddresses> bootstrap = new TreeMap<>();
    config.members().forEach(m -> bootstrap.put(m.id(),
        new MemberAddresses(m.peerAddress(), m.clientAddress())));
    return traced(new Identity(config.clusterId(), config.options(), id, bootstrap.get(id),
        bootstrap, null, config.peerRoutes()), dataDir, trace, initial, onFatal);
  }

  /**
   * Starts node {@code id} as a member of the running cluster {@code config} names ({@code
   * clusterId} and options; its member list is ignored): see {@link JoinOptions} and {@link
   * Joiner}. A data directory that already holds this node's data is used as it is; the members
   * are asked only while its configuration in force does not hold this node.
   *
   * @throws ConfigException if the join fails (no member answered, another cluster, an id in use)
   *     or the data shows this id was removed
   */
  public static RaftKvServer join(ClusterConfig config, int id, JoinOptions join, Path dataDir,
      TraceOptions trace, Consumer<Throwable> onFatal) throws IOException {
    return traced(new Identity(config.clusterId(), config.options(), id, join.self(), Map.of(),
        join, config.peerRoutes()), dataDir, trace, InitialClusterState.EXISTING, onFatal);
  }

  /**
   * Who this server is: its cluster, options, id and addresses, the bootstrap members (a new
   * cluster's, from the cluster file; none when joining), how it joins, if it does, and its
   * local peer routes ({@link ClusterConfig#peerRoutes()}).
   */
  private record Identity(String clusterId, ClusterConfig.Options options, int id,
      MemberAddresses self, Map<Integer, MemberAddresses> bootstrap, JoinOptions join,
      Map<Integer, HostPort> routes) {}

  private static RaftKvServer traced(Identity who, Path dataDir, TraceOptions trace,
      InitialClusterState initial, Consumer<Throwable> onFatal) throws IOException {
    int id = who.id();
    Tracer serverTracer = trace.enabled() ? Tracer.toDirectory("server" + id, trace.dir())
        : Tracer.noop();
    Tracer raftTracer;
    try {
      raftTracer = trace.enabled() ? Tracer.toDirectory("raft" + id, trace.dir()) : Tracer.noop();
    } catch (RuntimeException e) {
      serverTracer.close();
      throw e;
    }
    try {
      return start(who, dataDir, initial, onFatal, serverTracer,
          new RaftTracing(raftTracer, id, trace.heartbeats()), raftTracer);
    } catch (IOException | RuntimeException e) {
      raftTracer.close();
      serverTracer.close();
      throw e;
    }
  }

  private static RaftKvServer start(Identity who, Path dataDir, InitialClusterState initial,
      Consumer<Throwable> onFatal, Tracer serverTracer, RaftTracing raftTracing,
      Tracer raftTracer) throws IOException {
    int id = who.id();
    Trace lifetime = serverTracer.enabled() ? serverTracer.createTrace() : null;
    if (lifetime != null) {
      lifetime.recordAction(new TraceAction.ServerStart(id));
    }
    ClusterConfig.Options o = who.options();
    // Before the data directory is touched: a server that cannot listen must leave none behind.
    PortCheck.requireBindable(who.self().peer(), "peers");
    PortCheck.requireBindable(who.self().client(), "clients");
    long openStart = System.nanoTime();
    RaftStorage storage = RaftStorage.open(new FileChannelDisk(), dataDir, who.clusterId(), id,
        StorageOptions.defaults().withJoinExisting(initial == InitialClusterState.EXISTING));
    RestoredState restored = storage.restoredState();
    long restoreStart = System.nanoTime();
    KvStateMachine kv = new KvStateMachine(new KvConfig(o.sessionTimeoutMillis(),
        KvConfig.DEFAULT_MAX_SESSIONS, o.maxSessionAnswerBytes()));
    RaftNode node;
    Map<Integer, MemberAddresses> seeds;
    try {
      if (restored.snapshot() != null) {
        kv.restore(restored.snapshot()); // streams the snapshot file; nothing else holds it
      }
      node = newNode(who, restored, dataDir);
      seeds = who.join() != null && !node.membership().contains(id)
          ? new Joiner(who.clusterId(), id, who.join()).run() : who.bootstrap();
    } catch (RuntimeException e) {
      storage.close();
      throw e;
    }
    long restoreEnd = System.nanoTime();
    LOG.info("node {} of cluster '{}' recovered: term {}, log {}..{}, commit {}, snapshot {}"
        + " ({} bytes, {} keys), {}; storage opened in {} ms, state machine restored in {} ms",
        id, who.clusterId(), restored.hardState().term(), node.status().firstIndex(),
        node.status().lastIndex(), node.status().commitIndex(),
        restored.snapshot() == null ? "none" : restored.snapshot().meta().index(),
        restored.snapshot() == null ? 0 : restored.snapshot().data().sizeBytes(), kv.size(),
        node.membership(), TimeUnit.NANOSECONDS.toMillis(restoreStart - openStart),
        TimeUnit.NANOSECONDS.toMillis(restoreEnd - restoreStart));
    return serve(who, node, storage, kv, seeds, wasMember(restored, id, who), onFatal,
        serverTracer, raftTracing, raftTracer, lifetime);
  }

  /**
   * The Raft node over what {@code restored} holds.
   *
   * @throws ConfigException if this id was removed from the cluster (ids are never reused), or a
   *     rejoining member has no majority without it to let it back in
   */
  private static RaftNode newNode(Identity who, RestoredState restored, Path dataDir) {
    int id = who.id();
    List<Integer> voters = List.copyOf(who.bootstrap().keySet());
    RaftConfig rc = RaftConfig.defaults(id, voters, new SplittableRandom())
        .withTimeouts(who.options().electionTicks(), who.options().heartbeatTicks());
    Map<Integer, String> addresses = new TreeMap<>();
    who.bootstrap().forEach((i, a) -> addresses.put(i, a.encode()));
    RaftNode node = new RaftNode(rc, restored, addresses);
    Membership inForce = node.membership();
    if (!inForce.contains(id) && wasMember(restored, id, who)) {
      throw new ConfigException("node " + id + " was removed from cluster '" + who.clusterId()
          + "' (configuration index " + inForce.index() + "); ids are never reused: wipe "
          + dataDir + " and join again as a new member (raftkv server --join ... --id NEW_ID)");
    }
    if (inForce.index() > 0 && who.join() == null && !sameMembers(inForce, who.bootstrap())) {
      LOG.warn("node {}: the cluster file's members {} differ from the configuration in force {};"
          + " the file seeds only a new cluster, so its member list is ignored", id,
          who.bootstrap().keySet(), inForce);
    }
    if (restored.rejoining() && inForce.contains(id) && inForce.voterCount() <= 2) {
      // A rejoining member is let in once a majority *without* it has committed an entry after
      // its restart (Raft.maybeRejoin); with one or two voters no such majority exists.
      throw new ConfigException("node " + id + " is rejoining (it lost data, or was started with"
          + " --initial-cluster-state existing on an empty directory), but the cluster has "
          + inForce.voterCount() + " voter(s): no majority without it can let it back in."
          + " Restore its data directory from a backup.");
    }
    if (restored.rejoining() && who.join() != null && !inForce.contains(id)) {
      LOG.info("node {} joins as a new member: it catches up from the leader and votes only once"
          + " promoted", id);
    } else if (restored.rejoining()) {
      LOG.warn("node {} is rejoining: it may have promised votes or entries it no longer holds, so"
          + " it will not vote or count toward any quorum until a leader has caught it up", id);
    }
    return node;
  }

  /**
   * Whether {@code restored} shows node {@code id} was a member of some configuration: the
   * bootstrap one, its snapshot's or one in its log. (A node that took a snapshot past the entry
   * that removed it, and holds no earlier configuration, cannot tell; it then waits as a
   * non-member, never campaigning.)
   */
  private static boolean wasMember(RestoredState restored, int id, Identity who) {
    if (who.bootstrap().containsKey(id) && who.join() == null) {
      return true;
    }
    if (restored.snapshot() != null && restored.snapshot().meta().membership().contains(id)) {
      return true;
    }
    for (Entry e : restored.entries()) {
      if (e.type() == EntryType.CONFIG && Membership.decode(e.index(), e.data()).contains(id)) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameMembers(Membership m, Map<Integer, MemberAddresses> file) {
    if (m.members().size() != file.size()) {
      return false;
    }
    for (Member member : m.members()) {
      MemberAddresses a = file.get(member.id());
      if (a == null || !a.equals(MemberAddresses.of(member))) {
        return false;
      }
    }
    return true;
  }

  private static RaftKvServer serve(Identity who, RaftNode node, RaftStorage storage,
      KvStateMachine kv, Map<Integer, MemberAddresses> seeds, boolean wasMember,
      Consumer<Throwable> onFatal, Tracer serverTracer, RaftTracing raftTracing,
      Tracer raftTracer, Trace lifetime) throws IOException {
    int id = who.id();
    ClusterConfig.Options o = who.options();
    AtomicReference<PeerTransport> transportRef = new AtomicReference<>();
    PeerTransport.TraceTokens tokens = raftTracing.enabled() ? raftTracing::outgoing : null;
    Consumer<List<Message>> sender = msgs -> {
      PeerTransport t = transportRef.get();
      if (t != null) {
        t.send(msgs, tokens);
      }
    };
    raftTracing.started();
    NodeHost host = new NodeHost(id, node, storage, kv,
        SnapshotPolicy.ofEntries(o.snapshotEntries()), NodeRuntime.observer(id, raftTracing));
    NodeRuntime runtime = new NodeRuntime(o, host, sender, onFatal, raftTracing, wasMember);
    PeerDirectory directory = new PeerDirectory(id, who.self(), seeds, who.routes());
    PeerTransport transport = new PeerTransport(who.clusterId(), id, Map.of(),
        new PeerTransport.Reports() {
          @Override
          public void unreachable(int peer) {
            runtime.reportUnreachable(peer);
          }

          @Override
          public void snapshotDone(int peer, boolean ok) {
            runtime.reportSnapshot(peer, ok);
          }
        }, SNAPSHOT_TIMEOUT_MILLIS);
    directory.attach(transport);
    runtime.onPeersChanged(v -> directory.refresh(runtime::view));
    transportRef.set(transport);
    // One admission for both entry points: a server's limits cover all the requests it holds.
    Admission admission = new Admission(id, o);
    LocalRequests local = new LocalRequests(runtime);
    Forwarder forwarder = new Forwarder(who.clusterId(), o.requestTimeoutMillis(), id,
        transport::channel);
    ClusterStatus status = new ClusterStatus(who.clusterId(), runtime, directory,
        transport::channel, forwarder::forwardedRequests);
    LocalMembership membership = new LocalMembership(runtime, o.requestTimeoutMillis(),
        Math.max(10_000, 20L * o.electionTicks() * o.tickMillis()));
    // directExecutor: every handler here only decodes and hands work to the node runtime's inbox
    // (or to a future), never blocks, so it runs on the Netty event loop that read the request
    // instead of costing a hand-off to gRPC's default thread pool per call and per message batch.
    // (With tracing on, recording an event writes a line to the trace file on that thread: a
    // debugging mode, not a fast path.)
    FatalErrors fatal = new FatalErrors(onFatal);
    Server peerServer = NettyServerBuilder.forAddress(socket(who.self().peer())).directExecutor()
        .addService(ServerInterceptors.intercept(traced(new PeerService(who.clusterId(), runtime,
            new ForwardedRequests(admission, local, membership), status, raftTracing, fatal),
            serverTracer), fatal))
        .maxInboundMessageSize(64 << 20).build();
    HealthReporter health = new HealthReporter(runtime);
    Server clientServer = NettyServerBuilder.forAddress(socket(who.self().client()))
        .directExecutor()
        .addService(ServerInterceptors.intercept(traced(new KvService(
            new ClientRequests(admission, local, forwarder), status, fatal),
            serverTracer), fatal))
        .addService(ServerInterceptors.intercept(traced(new ClusterService(
            new ClusterRequests(runtime, membership, forwarder), fatal), serverTracer), fatal))
        // grpc.health.v1.Health (probes), and server reflection so grpcurl needs no .proto files;
        // both reflection versions: grpcurl before 1.9 asks only v1alpha.
        .addService(health.service())
        .addService(ProtoReflectionServiceV1.newInstance())
        .addService(reflectionV1Alpha())
        .maxInboundMessageSize(4 << 20).build();
    try {
      peerServer.start();
      clientServer.start();
    } catch (IOException e) {
      peerServer.shutdownNow();
      admission.close();
      transport.close();
      runtime.close();
      throw new IOException("cannot listen on " + who.self().peer() + " (peers) and "
          + who.self().client() + " (clients): " + e.getMessage(), e);
    }
    if (lifetime != null) {
      lifetime.recordAction(new TraceAction.ServerListening(id));
    }
    LOG.info("node {} listening: peers on {}, clients on {} ({} ms after the JVM started)", id,
        who.self().peer(), who.self().client(),
        ManagementFactory.getRuntimeMXBean().getUptime());
    return new RaftKvServer(runtime, transport, admission, peerServer, clientServer, health,
        serverTracer, raftTracer);
  }

  @SuppressWarnings("deprecation") // v1alpha: deprecated upstream, still what older grpcurl asks
  private static BindableService reflectionV1Alpha() {
    return ProtoReflectionService.newInstance();
  }

  /** The service, reading requests' trace headers if this server traces. */
  private static ServerServiceDefinition traced(BindableService service, Tracer tracer) {
    return tracer.enabled()
        ? ServerInterceptors.intercept(service, new TraceServerInterceptor(tracer))
        : service.bindService();
  }

  private static InetSocketAddress socket(HostPort hp) {
    return new InetSocketAddress(hp.host(), hp.port());
  }

  /** This server's node runtime (the module's tests drive and observe the node through it). */
  NodeRuntime runtime() {
    return runtime;
  }

  /** Blocks until the servers stop. */
  public void awaitTermination() throws InterruptedException {
    clientServer.awaitTermination();
  }

  @Override
  public void close() {
    health.stop();
    clientServer.shutdownNow();
    peerServer.shutdownNow();
    try {
      clientServer.awaitTermination(2, TimeUnit.SECONDS);
      peerServer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admission.close();
    transport.close();
    runtime.close();
    raftTracer.close();
    serverTracer.close();
  }
}
