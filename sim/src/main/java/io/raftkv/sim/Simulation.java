package io.raftkv.sim;

import io.raftkv.kv.ApplyResult;
import io.raftkv.kv.Command;
import io.raftkv.raft.Entry;
import io.raftkv.raft.NodeStatus;
import io.raftkv.raft.ProposeResult;
import io.raftkv.node.NodeObserver;
import io.raftkv.raft.RaftConfig;
import io.raftkv.raft.RaftSafetyException;
import io.raftkv.raft.Ready;
import io.raftkv.raft.Role;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.HeartbeatResponse;
import io.raftkv.raft.message.Message;
import io.raftkv.storage.StorageFailedException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * A whole cluster in one thread with simulated time: a discrete-event loop over node ticks, message
 * deliveries, disk completions, client requests and faults, every choice drawn from one seeded
 * generator. The same {@link SimConfig} always gives the identical run (same event fingerprint).
 *
 * <p>A run has three phases:
 *
 * <ol>
 *   <li>chaos: clients propose and read while the network drops, duplicates, delays and reorders
 *       messages, and the nemesis partitions links and crashes nodes (per the profile); safety is
 *       checked after every event;
 *   <li>healing: all nodes restart, links heal, the network becomes reliable; a leader known to
 *       all must emerge, and every command it accepts must be applied on all nodes, within bounds;
 *   <li>idle: with no client traffic, the cluster must send nothing but heartbeats.
 * </ol>
 */
public final class Simulation {
  /** Liveness bound after healing: a leader known to all, in simulated milliseconds. */
  static final int LEADER_BOUND_MILLIS = 5_000;
  /** Liveness bound for the commands proposed after healing to be applied everywhere. */
  static final int COMMIT_BOUND_MILLIS = 2_000;
  static final int IDLE_MILLIS = 2_000;

  private record Event(long time, long seq, Runnable action) {}

  /**
   * The storage code logs what recovery repairs (torn tails, torn hard-state slots); in a swarm
   * that happens thousands of times a second and says nothing the checks do not. Held in a field
   * so the setting is not garbage-collected with the logger.
   */
  private static final java.util.logging.Logger STORAGE_LOG =
      java.util.logging.Logger.getLogger("io.raftkv.storage");

  static {
    STORAGE_LOG.setLevel(java.util.logging.Level.OFF);
  }

  private final SimConfig cfg;
  private final SplittableRandom rng;
  private final EventLog log;
  private final SafetyChecker checker = new SafetyChecker();
  private final MembershipChecker membershipChecker;
  private final PriorityQueue<Event> queue = new PriorityQueue<>(
      (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
  /** Every node ever created, by id (index 0 unused); retired ones stay, stopped. */
  private final List<SimNode> nodes = new ArrayList<>();
  /** The ids of the nodes taking part (not retired), ascending. */
  private final List<Integer> ids = new ArrayList<>();
  /** The bootstrap configuration's voters: the first {@code cfg.nodes()} ids. */
  private final List<Integer> voters = new ArrayList<>();
  /** Membership changes during the chaos phase, or null if the profile has none. */
  private final MembershipChurn churn;
  private final Network net;
  private final Nemesis nemesis;
  private final SimClients clients;
  /** The session of the liveness phase's own writes. */
  private final long livenessSession;
  private long livenessOpId;
  private FaultProfile faults;
  private long now;
  private long seq;
  private long steps;
  private long messagesSent;
  /** How many counts a run reports (see {@link #counts}). */
  static final int COUNTS = 11;
  /** Counts of membership churn: changes committed, by the leader leaving, refused. */
  static final int CHURN_COMMITTED = 8;
  static final int CHURN_LEADER_LEFT = 9;
  static final int CHURN_REFUSED = 10;
  /** What the run exercised, for reports: [crashes, fsync failures, corrupted refusals,
   * snapshots installed, client operations completed, disks wiped, acknowledged tails lost,
   * rejoins completed, membership changes committed, leaders that removed or demoted themselves,
   * membership changes refused]. */
  private final long[] counts = new long[COUNTS];
  /**
   * A hand-made bug for the tests that prove the checks bite: a node that lost state (wiped, or an
   * acknowledged record cut) starts as a voting member at once, as every node did before rejoining
   * existed (and as a wiped node started with {@code --initial-cluster-state new} would).
   */
  private boolean rejoiningIgnored;
  /** Rules switched off in every node's core, for the mutant tests ({@link #withInjectedBugs}). */
  private java.util.Set<io.raftkv.raft.InjectedBug> injectedBugs = java.util.Set.of();
  private final Map<String, Long> sentByType = new HashMap<>();
  /**
   * In the idle phase, the members of the final configuration: only their messages are counted
   * (a removed node that never learned of its removal may go on asking for votes, in vain).
   */
  private java.util.Set<Integer> idleSenders;

  public Simulation(SimConfig cfg, PrintStream eventSink) {
    this.cfg = cfg;
    this.rng = new SplittableRandom(cfg.seed());
    this.log = new EventLog(eventSink);
    this.faults = cfg.profile();
    this.membershipChecker = new MembershipChecker(cfg.electionTicks());
    nodes.add(null);
    for (int i = 1; i <= cfg.nodes(); i++) {
      nodes.add(new SimNode(i, rng, false));
      voters.add(i);
      ids.add(i);
    }
    this.net = new Network(this);
    this.nemesis = new Nemesis(this);
    this.churn = cfg.profile().membership() ? new MembershipChurn(this) : null;
    this.clients = new SimClients(this, checker);
    this.livenessSession = rng.nextLong();
  }

  // ---------------------------------------------------------------- accessors for the fault models

  SplittableRandom rng() {
    return rng;
  }

  FaultProfile faults() {
    return faults;
  }

  SimNode node(int id) {
    return nodes.get(id);
  }

  /** The ids of the nodes taking part (created and not retired), ascending. */
  List<Integer> ids() {
    return ids;
  }

  /** A random participating id. */
  int randomId() {
    return ids.get(rng.nextInt(ids.size()));
  }

  /** The participating id after {@code id}, cyclically. */
  int idAfter(int id) {
    for (int i : ids) {
      if (i > id) {
        return i;
      }
    }
    return ids.get(0);
  }

  /**
   * How many nodes the nemesis may have down, or without their state, at once: a minority of the
   * bootstrap voters; with membership churn, which keeps at least {@link MembershipChurn#MIN_VOTERS}
   * voters, a minority of those.
   */
  int faultBudget() {
    return ((churn == null ? cfg.nodes() : MembershipChurn.MIN_VOTERS) - 1) / 2;
  }

  /** Counts a membership churn event ({@link #CHURN_COMMITTED} and the like). */
  void countChurn(int which) {
    counts[which]++;
  }

  int electionTimeoutMillis() {
    return cfg.electionTicks() * cfg.tickMillis();
  }

  /** How many participating nodes are down. */
  int downCount() {
    int down = 0;
    for (int i : ids) {
      down += nodes.get(i).up ? 0 : 1;
    }
    return down;
  }

  /**
   * Whether the nemesis may take a node's state now: always without churn; with churn, only while
   * no running node holds a configuration above the cluster's commit index. While a change is
   * uncommitted, both the old and the new configuration must keep a majority of voters that hold
   * their data (thesis §4.1), so the fault budget is the smaller one's: a leader that demoted itself
   * in an uncommitted entry and crashed, with a voter of the new configuration losing its tail
   * (rejoining, it cannot vote until a leader commits with it), can leave the new configuration
   * without a majority while the old one's candidates lack the entry the old leader holds, so it
   * refuses them its vote. That is the limit of losing a majority, not a rule broken; seen with this
   * guard removed in ./raftkv sim --seed 497 --nodes 5 --profile crashes+churn --chaos-millis 1500
   * --batch 64 --inflight 8.
   */
  boolean mayLoseState() {
    if (churn == null) {
      return true;
    }
    for (int i : ids) {
      SimNode n = nodes.get(i);
      if (n.up && n.host.membership().index() > membershipChecker.clusterCommit()) {
        return false;
      }
    }
    return true;
  }

  /** The highest id ever created. */
  int maxId() {
    return nodes.size() - 1;
  }

  MembershipChecker membershipChecker() {
    return membershipChecker;
  }

  /**
   * Creates and starts a brand-new node with the next id, empty storage and no configuration: a
   * server started to join the existing cluster; it does nothing until a leader adds it.
   */
  int addNode() {
    int id = nodes.size();
    nodes.add(new SimNode(id, rng, true));
    ids.add(id);
    record("NEW node " + id + " starts empty, to join the existing cluster");
    startNode(id);
    return id;
  }

  /** Stops a removed node for good (its operator shut it down); it takes no further part. */
  void retireNode(int id) {
    SimNode n = nodes.get(id);
    if (n.up) {
      crashNode(id);
    }
    n.retired = true;
    ids.remove(Integer.valueOf(id));
    record("RETIRE node " + id + ": removed from the cluster, shut down for good");
  }

  /** Makes this run's nodes ignore that they lost state (see {@link #rejoiningIgnored}). */
  Simulation withRejoiningIgnored() {
    rejoiningIgnored = true;
    for (int i : ids) {
      nodes.get(i).rejoiningIgnored = true;
    }
    return this;
  }

  /**
   * Makes every node of this run start with these core rules switched off (hand-made bugs, for
   * the tests that prove the membership checks bite).
   */
  Simulation withInjectedBugs(java.util.Set<io.raftkv.raft.InjectedBug> bugs) {
    injectedBugs = java.util.Set.copyOf(bugs);
    return this;
  }

  /** Crashes (if running) and wipes node {@code id}'s disk; a later start joins as an empty member. */
  void wipeNode(int id, String why) {
    SimNode n = nodes.get(id);
    if (n.up) {
      crashNode(id);
    }
    n.wipe(rng);
    membershipChecker.onWiped(id);
    counts[5]++;
    record("DISK node " + id + "'s data directory is lost (" + why + "); it restarts as a member"
        + " of the existing cluster" + (rejoiningIgnored ? " but VOTES AT ONCE (hand-made bug)" : ""));
  }

  /** Counts a fault that cut an acknowledged record from a node's log. */
  void countTailLost() {
    counts[6]++;
  }

  long now() {
    return now;
  }

  Network network() {
    return net;
  }

  void record(String event) {
    log.record(now, event);
  }

  void at(long delayMillis, Runnable action) {
    queue.add(new Event(now + delayMillis, seq++, action));
  }

  /** The leader of the highest term among running nodes, or 0. */
  int currentLeader() {
    int best = 0;
    long bestTerm = -1;
    for (int i : ids) {
      SimNode n = nodes.get(i);
      if (n.up) {
        NodeStatus st = n.host.status();
        if (st.role() == Role.LEADER && st.term() > bestTerm) {
          best = i;
          bestTerm = st.term();
        }
      }
    }
    return best;
  }

  // ---------------------------------------------------------------- the run

  /** Runs all three phases; throws {@link SimulationFailure} if any check fails. */
  public SimResult run() {
    long wallStart = System.nanoTime();
    try {
      for (int i = 1; i <= cfg.nodes(); i++) {
        startNode(i);
      }
      clients.start();
      if (cfg.profile() == FaultProfile.FIGURE8 || cfg.profile().name().startsWith("figure8")) {
        at(5, this::backgroundWrite);
      }
      nemesis.start();
      if (churn != null) {
        churn.start();
      }
      runUntil(cfg.chaosMillis());
      heal();
      int leader = awaitStableLeader();
      proposeAndAwait(leader);
      checkIdle(members(leader), leader);
      clients.checkLinearizable();
    } catch (InvariantViolation | RaftSafetyException | LivenessFailure e) {
      throw new SimulationFailure(cfg, e.getMessage(), log.recent(60), e);
    }
    counts[4] = clients.completed();
    return new SimResult(cfg, steps, now, log.fingerprint(), messagesSent,
        checker.maxApplied(), checker.leadersElected(), counts.clone(),
        System.nanoTime() - wallStart);
  }

  private void runUntil(long time) {
    while (!queue.isEmpty() && queue.peek().time <= time) {
      step();
    }
    now = Math.max(now, time);
  }

  private void step() {
    Event e = queue.poll();
    now = e.time;
    steps++;
    e.action.run();
  }

  private void heal() {
    record("HEAL: all links restored, all nodes restarted, network reliable");
    nemesis.stop();
    if (churn != null) {
      churn.stop();
    }
    net.healAll();
    faults = cfg.profile().healed();
    for (int i : ids) {
      nodes.get(i).disk.clearSyncFailures();
      resumeNode(i);
    }
    for (int i : List.copyOf(ids)) {
      if (!nodes.get(i).up) {
        startNode(i);
      }
    }
  }

  /** Nodes that can serve: not permanently stopped by a corrupted log. */
  private boolean live(int id) {
    return !nodes.get(id).corrupted;
  }

  /**
   * The nodes the liveness phase waits for: the members of the leader's configuration (the final
   * one), or all participating nodes if no leader is known. A removed node that still runs must
   * merely stay harmless: it must not disturb the leader (checked by its staying stable).
   */
  private List<Integer> members(int leader) {
    if (leader == 0) {
      return ids;
    }
    io.raftkv.raft.Membership m = nodes.get(leader).host.membership();
    return ids.stream().filter(m::contains).toList();
  }

  /**
   * Waits for a leader that every node follows, that has committed an entry of its own term, and
   * that stays so for two election timeouts: a leader cut off before healing may look followed for
   * a moment while the others' election timers run out.
   */
  private int awaitStableLeader() {
    long deadline = now + LEADER_BOUND_MILLIS;
    long settleMillis = 2L * cfg.electionTicks() * cfg.tickMillis();
    int candidate = 0;
    long since = now;
    while (now < deadline) {
      int leader = currentLeader();
      if (leader == 0 || !allFollow(leader) || !committedInOwnTerm(leader)) {
        candidate = 0;
      } else if (leader != candidate) {
        candidate = leader;
        since = now;
      } else if (now - since >= settleMillis) {
        return leader;
      }
      runUntil(now + cfg.tickMillis());
    }
    throw new LivenessFailure("no leader known to all nodes within " + LEADER_BOUND_MILLIS
        + " ms after healing");
  }

  private boolean committedInOwnTerm(int leader) {
    NodeStatus st = nodes.get(leader).host.status();
    return nodes.get(leader).host.termAt(st.commitIndex()) == st.term();
  }

  private boolean allFollow(int leader) {
    long term = nodes.get(leader).host.status().term();
    for (int i : members(leader)) {
      if (!live(i)) {
        continue;
      }
      if (!nodes.get(i).up) {
        return false; // restarting after a storage failure
      }
      NodeStatus st = nodes.get(i).host.status();
      if (st.leader() != leader || st.term() != term) {
        return false;
      }
    }
    return true;
  }

  private void proposeAndAwait(int leader) {
    clients.stop();
    List<ProposeResult> accepted = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      ProposeResult r = nodes.get(leader).host.propose(new Command.Put(
          livenessSession, ++livenessOpId, now, "live".getBytes(StandardCharsets.US_ASCII),
          new byte[] {(byte) k})).result();
      if (!r.isAccepted()) {
        throw new LivenessFailure("stable leader " + leader + " refused a proposal: " + r);
      }
      accepted.add(r);
    }
    record("propose 5 commands to " + leader + ", last at " + accepted.get(4).index());
    pump(leader);
    long deadline = now + COMMIT_BOUND_MILLIS;
    while (now < deadline) {
      if (allApplied(accepted, members(leader))) {
        return;
      }
      runUntil(now + cfg.tickMillis());
    }
    throw new LivenessFailure("commands accepted by leader " + leader + " (up to index "
        + accepted.get(4).index() + ") not applied on every node within " + COMMIT_BOUND_MILLIS
        + " ms; leader's view of followers:\n" + nodes.get(leader).host.describeProgress());
  }

  private boolean allApplied(List<ProposeResult> accepted, List<Integer> members) {
    ProposeResult last = accepted.get(accepted.size() - 1);
    for (ProposeResult r : accepted) {
      long t = checker.committedTerm(r.index());
      if (t >= 0 && t != r.term()) {
        throw new LivenessFailure("command accepted at " + r.index() + "/" + r.term()
            + " by a stable leader was replaced by term " + t);
      }
    }
    for (int i : members) {
      if (live(i) && (!nodes.get(i).up || nodes.get(i).host.appliedIndex() < last.index())) {
        return false;
      }
    }
    return true;
  }

  /** An idle cluster sends only heartbeats and their answers. */
  private void checkIdle(List<Integer> members, int leader) {
    idleSenders = java.util.Set.copyOf(members);
    long term = nodes.get(leader).host.status().term();
    runUntil(now + 20L * cfg.tickMillis()); // let commit-index updates settle
    Map<String, Long> before = new HashMap<>(sentByType);
    long sentBefore = messagesSent;
    runUntil(now + IDLE_MILLIS);
    for (var e : sentByType.entrySet()) {
      long n = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      boolean heartbeat = e.getKey().equals(Heartbeat.class.getSimpleName())
          || e.getKey().equals(HeartbeatResponse.class.getSimpleName());
      if (n > 0 && !heartbeat) {
        throw new LivenessFailure("idle cluster sent " + n + " " + e.getKey()
            + " messages; only heartbeats are expected");
      }
    }
    long ticks = IDLE_MILLIS / cfg.tickMillis();
    NodeStatus st = nodes.get(leader).host.status();
    if (st.role() != Role.LEADER || st.term() != term) {
      throw new LivenessFailure("leader " + leader + " of term " + term + " lost its leadership"
          + " in an idle cluster (now " + st.role() + " of term " + st.term() + ")");
    }
    long bound = 2L * (members.size() - 1) * (ticks / cfg.heartbeatTicks() + 1);
    if (messagesSent - sentBefore > bound) {
      throw new LivenessFailure("idle cluster sent " + (messagesSent - sentBefore)
          + " heartbeat messages in " + IDLE_MILLIS + " ms; at most " + bound + " expected");
    }
  }

  // ---------------------------------------------------------------- nodes

  void startNode(int id) {
    SimNode n = nodes.get(id);
    String refused = n.start(cfg, voters, rng.split(), observer(n),
        rc -> injectedBugs.isEmpty() ? rc : rc.withInjectedBugs(injectedBugs));
    if (refused != null) {
      counts[2] += n.corrupted ? 1 : 0;
      record("node " + id + " did not start: " + refused);
      return;
    }
    membershipChecker.onStarted(id, n.shadow);
    record("start " + id + " " + n.host.status());
    int incarnation = n.incarnation;
    at(1 + rng.nextInt(cfg.tickMillis()), () -> tick(id, incarnation));
    pump(id);
  }

  void pauseNode(int id) {
    SimNode n = nodes.get(id);
    if (n.up && !n.paused) {
      record("PAUSE " + id);
      n.paused = true;
    }
  }

  void resumeNode(int id) {
    SimNode n = nodes.get(id);
    if (!n.up || !n.paused) {
      return;
    }
    record("RESUME " + id);
    n.paused = false;
    // Each connection's queue is read in order, but which connection the resumed process reads
    // first is up to its event loop: interleave them at random.
    List<java.util.ArrayDeque<Runnable>> queues = new ArrayList<>(n.deferred.values());
    n.deferred.clear();
    while (!queues.isEmpty()) {
      int i = rng.nextInt(queues.size());
      queues.get(i).poll().run();
      if (queues.get(i).isEmpty()) {
        queues.remove(i);
      }
    }
    pump(id);
  }

  void crashNode(int id) {
    counts[0]++;
    record("CRASH " + id);
    nodes.get(id).crash();
  }

  private void tick(int id, int incarnation) {
    SimNode n = nodes.get(id);
    if (!n.up || n.incarnation != incarnation) {
      return;
    }
    if (n.paused) {
      at(cfg.tickMillis(), () -> tick(id, incarnation)); // a stopped process misses its ticks
      return;
    }
    n.host.tick();
    membershipChecker.afterTick(id, n.host.status());
    at(cfg.tickMillis(), () -> tick(id, incarnation));
    pump(id);
  }

  void deliver(Message m) {
    SimNode n = nodes.get(m.to());
    if (!n.up) {
      return;
    }
    if (n.paused) {
      n.defer("peer-" + m.from(), () -> deliver(m)); // waits in that peer's socket
      return;
    }
    record("deliver " + m);
    n.host.step(m);
    pump(m.to());
  }

  void reportSnapshot(int leader, int follower, boolean ok) {
    SimNode n = nodes.get(leader);
    if (n.up && n.paused) {
      n.defer("snapshot-" + follower, () -> reportSnapshot(leader, follower, ok));
    } else if (n.up) {
      record("snapshot to " + follower + " reported to " + leader + ": " + (ok ? "done" : "failed"));
      n.host.reportSnapshot(follower, ok);
      pump(leader);
    }
  }

  /** Takes the node's next Ready, if any, and starts making it durable. */
  void pump(int id) {
    SimNode n = nodes.get(id);
    if (!n.up || n.paused) {
      return;
    }
    afterStep(n);
    if (!n.host.hasReady()) {
      return; // nothing to do, or the last Ready is still being made durable
    }
    Ready rd = n.host.beginReady();
    // Thesis §10.2.1: a leader's replication traffic leaves before its own write is durable, and
    // the core counts its own copy only at advance(); the host's rule, as in the server.
    send(rd.earlyMessages());
    int incarnation = n.incarnation;
    at(rd.mustSync() ? rng.nextInt(faults.maxDiskMillis() + 1) : 0,
        () -> readyDurable(id, incarnation, rd));
  }

  /** The disk finished: the host persists the Ready, sends, applies, answers, advances. */
  private void readyDurable(int id, int incarnation, Ready rd) {
    SimNode n = nodes.get(id);
    if (!n.up || n.incarnation != incarnation) {
      return; // crashed before the write completed: it never happened
    }
    if (n.paused) {
      n.defer("disk", () -> readyDurable(id, incarnation, rd)); // the process resumes after it
      return;
    }
    try {
      n.host.finishReady(rd, this::send);
    } catch (StorageFailedException e) {
      // The runtime stops the node at once; nothing of this Ready is sent or acknowledged.
      record("node " + id + " storage failed, node stops: " + e.getMessage());
      n.failedWrite = rd;
      counts[1]++;
      crashNode(id);
      if (!nemesis.active()) {
        at(50, () -> startNode(id)); // after healing, a supervisor restarts the process
      }
      return;
    } catch (IllegalStateException e) {
      if (e instanceof RaftSafetyException) {
        throw e;
      }
      throw new InvariantViolation("node " + id + " failed to finish a Ready: " + e.getMessage());
    }
    pump(id);
  }

  /** What the simulator checks and records of node {@code n}'s Ready cycle. */
  private NodeObserver observer(SimNode n) {
    return new NodeObserver() {
      @Override
      public void persisted(Ready rd) {
        n.shadow.persist(rd);
        checker.onPersisted(n.id, n.shadow, rd.entries());
        membershipChecker.onPersisted(n.id, n.shadow, rd, n.joiner
            ? io.raftkv.raft.Membership.EMPTY : io.raftkv.raft.Membership.ofVoters(voters));
      }

      @Override
      public void rejoined(int leader) {
        n.mayBeRejoining = false;
        counts[7]++;
        record("node " + n.id + " rejoined, let in by leader " + leader);
      }

      @Override
      public void snapshotInstalled(SnapshotMeta meta, long stateHash) {
        checker.onSnapshotInstalled(n.id, meta.index(), meta.term(), stateHash);
        counts[3]++;
        record("node " + n.id + " installed snapshot " + meta.index() + "/" + meta.term());
      }

      @Override
      public void applied(Entry e, ApplyResult result, LongSupplier stateHash) {
        checker.onApplied(n.id, e, stateHash.getAsLong());
      }

      @Override
      public void snapshotTaken(Snapshot snap, long compactIndex) {
        n.shadow.compact(snap, compactIndex);
        record("node " + n.id + " snapshot at " + snap.meta().index() + ", log compacted to "
            + compactIndex);
      }
    };
  }

  private void send(List<Message> messages) {
    for (Message m : messages) {
      if (idleSenders != null && !idleSenders.contains(m.from())) {
        net.send(m); // a removed node that never learned it: harmless, not the cluster's traffic
        continue;
      }
      messagesSent++;
      sentByType.merge(m.getClass().getSimpleName(), 1L, Long::sum);
      net.send(m);
    }
  }

  private void afterStep(SimNode n) {
    NodeStatus st = n.host.status();
    checker.onCommit(n.id, n.lastCommit, st.commitIndex(), st.term());
    membershipChecker.onCommit(st.commitIndex());
    boolean newLeader = st.role() == Role.LEADER && checker.onLeader(n.id, st, n.host::termAt);
    membershipChecker.afterStep(n.id, st, n.lastCommit, newLeader);
    n.lastCommit = st.commitIndex();
    if (newLeader) {
      record("LEADER " + n.id + " of term " + st.term() + " " + st.membership());
      nemesis.onNewLeader(n.id);
      if (churn != null) {
        churn.onNewLeader(n.id);
      }
    }
  }

  /**
   * In the Figure 8 profile, a steady stream of writes to whichever node leads, on top of the
   * clients: short-lived leaders then leave many uncommitted entries of their terms behind, which
   * is what an unsafe commit rule needs to show.
   */
  private void backgroundWrite() {
    if (!nemesis.active()) {
      return;
    }
    at(5 + rng.nextInt(25), this::backgroundWrite);
    int leader = currentLeader();
    if (leader != 0 && !nodes.get(leader).paused) {
      ProposeResult r = nodes.get(leader).host.propose(new Command.Put(
          livenessSession, ++livenessOpId, now, "bg".getBytes(StandardCharsets.US_ASCII),
          new byte[] {(byte) livenessOpId})).result();
      record("background write at " + leader + ": " + r.status());
      pump(leader);
    }
  }

  /** The highest commit index any running node knows: a read asked now must see at least it. */
  long knownCommit() {
    long known = 0;
    for (int i : ids) {
      if (nodes.get(i).up) {
        known = Math.max(known, nodes.get(i).host.status().commitIndex());
      }
    }
    return known;
  }

  /** A liveness bound was missed. */
  static final class LivenessFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LivenessFailure(String message) {
      super("liveness: " + message);
    }
  }
}
