package io.raftkv.nemesis;

import io.raftkv.api.MemberRoles;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.StatusResponse;
import io.raftkv.nemesis.launch.Ports;
import io.raftkv.nemesis.launch.StatusProbe;
import io.raftkv.nemesis.launch.ServerLauncher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Real server processes on loopback ({@link ServerLauncher}), one per node, each with its own
 * configuration file whose {@code peerRoutes} send every other node's traffic through a {@link
 * LinkProxy} for that directed link. Client addresses are direct. Keeps each node's log in {@code
 * node-N.log} under the run directory.
 *
 * <p>Members change: nodes 1..n form the first configuration, and spare ids n+1..n+S may join
 * later ({@link #startJoiner}); their ports, proxies and routes exist from the start, so a cut
 * link cuts a joined node too. The cluster keeps the ids the harness holds for members ({@link
 * #members()}): every fault, heal and check picks among them, and a removed id never runs again.
 */
final class NemesisCluster implements AutoCloseable {
  static final List<String> JVM = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1",
      "-XX:+UseSerialGC", "-Xshare:auto");

  /** Short timeouts so a run sees many elections: 20 ms ticks, elections after 500-1000 ms. */
  static final String OPTIONS = "{\"tickMillis\": 20, \"electionTicks\": 25, "
      + "\"heartbeatTicks\": 5, \"requestTimeoutMillis\": 3000, \"snapshotEntries\": 2000}";

  final Path dir;
  final int nodes;
  final int spares;
  private final Map<Long, LinkProxy> proxies = new TreeMap<>();
  private final ServerLauncher servers;
  /** The ids held for members (voters and learners), in id order. */
  private final Set<Integer> members = new java.util.concurrent.ConcurrentSkipListSet<>();
  /** Ids that joined, with whether the leader promotes them by itself. */
  private final Map<Integer, Boolean> joined = new java.util.concurrent.ConcurrentHashMap<>();
  private final Set<Integer> removed = new java.util.concurrent.ConcurrentSkipListSet<>();
  private int nextSpare;

  /** Nodes 1..{@code nodes} and {@code spares} ids after them that may join later. */
  NemesisCluster(Path dir, int nodes, int spares, String classPath) throws IOException {
    this.dir = dir;
    this.nodes = nodes;
    this.spares = spares;
    this.nextSpare = nodes + 1;
    for (int i = 1; i <= nodes; i++) {
      members.add(i);
    }
    int all = nodes + spares;
    Ports ports = Ports.free(all);
    for (int i = 1; i <= all; i++) {
      for (int j = 1; j <= all; j++) {
        if (i != j) {
          proxies.put(key(i, j), new LinkProxy(i, j, ports.peer(j)));
        }
      }
    }
    this.servers = ServerLauncher.builder(dir, nodes).spareIds(spares).clusterId("nemesis")
        .ports(ports).joinArgs(this::joinArgs)
        .serverOptions(OPTIONS).jvmOptions(JVM).classPath(classPath)
        .main(NemesisServerMain.class.getName()).logBanner("nemesis").stopOnExit(true)
        .peerRoute((self, peer, direct) -> "127.0.0.1:" + proxies.get(key(self, peer)).port())
        .build();
    servers.writeConfig();
  }

  private static long key(int from, int to) {
    return ((long) from << 32) | to;
  }

  String clientAddress(int id) {
    return servers.clientAddress(id);
  }

  String peerAddress(int id) {
    return servers.peerAddress(id);
  }

  /** The members' client addresses. */
  List<String> clientAddresses() {
    return members().stream().map(servers::clientAddress).toList();
  }

  /** The ids held for members now, in id order. */
  List<Integer> members() {
    return List.copyOf(members);
  }

  /** Spare ids not used yet. */
  synchronized int sparesLeft() {
    return nodes + spares + 1 - nextSpare;
  }

  /**
   * Takes the next spare id and records it as a member that joins ({@code --join} the other
   * members, auto-promoted or not); 0 if none is left. Start it with {@link #start}.
   */
  synchronized int takeSpare(boolean autoPromote) {
    if (nextSpare > nodes + spares) {
      return 0;
    }
    int id = nextSpare++;
    joined.put(id, autoPromote);
    members.add(id);
    return id;
  }

  /** Records that {@code id} was removed: it leaves {@link #members()} and never starts again. */
  void removed(int id) {
    members.remove(id);
    removed.add(id);
  }

  /** Whether {@code id} was removed from the cluster. */
  boolean wasRemoved(int id) {
    return removed.contains(id);
  }

  /** The {@code --join} arguments of a joined id (its peers: the other members), else none. */
  private List<String> joinArgs(int id) {
    Boolean auto = joined.get(id);
    if (auto == null) {
      return List.of();
    }
    String others = String.join(",", members().stream().filter(m -> m != id)
        .map(servers::clientAddress).toList());
    List<String> args = new java.util.ArrayList<>(List.of("--join", others, "--peer-address",
        servers.peerAddress(id), "--client-address", servers.clientAddress(id)));
    args.add(auto ? "--auto-promote" : "--no-auto-promote");
    return args;
  }

  /**
   * Starts node {@code id} unless it runs: the first time as a new cluster's member, later as a
   * member of an existing cluster ({@code --initial-cluster-state existing}, which a data
   * directory holding data ignores, and which makes a node whose directory was wiped rejoin
   * before it votes); a joined id ({@link #takeSpare}) with {@code --join}, which a data
   * directory holding its membership ignores.
   *
   * @throws IllegalStateException if {@code id} was removed
   */
  void start(int id) throws IOException {
    if (removed.contains(id)) {
      throw new IllegalStateException("node " + id + " was removed: it must not run again");
    }
    servers.start(id);
  }

  boolean running(int id) {
    return servers.isRunning(id);
  }

  Set<Integer> runningNodes() {
    return servers.runningNodes();
  }

  /** SIGKILL (also ends a stopped process), and wait until it is gone. */
  void kill(int id) {
    servers.kill(id);
  }

  /** Deletes a stopped node's data directory (the node must have been killed). */
  void wipe(int id) throws IOException {
    servers.wipe(id);
  }

  /** Size of node {@code id}'s log now, for {@link #logSince}. */
  long logSize(int id) {
    return servers.logSize(id);
  }

  /** Node {@code id}'s log from byte {@code offset} on (empty if unreadable). */
  String logSince(int id, long offset) {
    return servers.logSince(id, offset);
  }

  boolean pause(int id) {
    return servers.pause(id);
  }

  void resume(int id) {
    servers.resume(id);
  }

  void resumeAll() {
    servers.resumeAll();
  }

  /** Cuts the directed link from → to. */
  void cut(int from, int to) {
    proxies.get(key(from, to)).cut();
  }

  /** Cuts both directions between every node of {@code a} and every node of {@code b}. */
  void cutBetween(Collection<Integer> a, Collection<Integer> b) {
    for (int i : a) {
      for (int j : b) {
        if (i != j) {
          cut(i, j);
          cut(j, i);
        }
      }
    }
  }

  void healLinks() {
    proxies.values().forEach(LinkProxy::heal);
  }

  List<String> cutLinks() {
    return proxies.values().stream().filter(p -> !p.passing()).map(p -> p.from + "->" + p.to)
        .toList();
  }

  List<String> crashes() {
    return servers.crashes();
  }

  /** Node {@code id}'s Status, or empty if it does not answer within {@code millis}. */
  Optional<StatusResponse> status(int id, long millis) {
    return running(id) ? servers.probe().status(id, millis) : Optional.empty();
  }

  /** Node {@code id}'s own entry in its Status. */
  Optional<MemberStatus> self(int id, long millis) {
    return status(id, millis).flatMap(s -> StatusProbe.member(s, id));
  }

  /**
   * The node that says it leads in the highest term among those answering now (each asked for
   * its own state), or 0 if none does.
   */
  int currentLeader() {
    int leader = 0;
    long term = -1;
    for (int id : runningNodes()) {
      if (servers.isPaused(id)) {
        continue;
      }
      Optional<MemberStatus> m = self(id, 1500);
      if (m.isPresent() && MemberRoles.isLeader(m.get()) && m.get().getTerm() > term) {
        leader = id;
        term = m.get().getTerm();
      }
    }
    return leader;
  }

  /** Tail of every node's log, for a failure report. */
  String logTails(int lines) {
    return servers.logTails(lines);
  }

  @Override
  public void close() {
    servers.close();
    proxies.values().forEach(LinkProxy::close);
  }
}
