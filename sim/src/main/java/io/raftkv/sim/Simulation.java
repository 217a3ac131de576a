package io.raftkv.sim;

import io.raftkv.kv.Command;
import io.raftkv.raft.NodeStatus;
import io.raftkv.raft.ProposeResult;
import io.raftkv.raft.RaftSafetyException;
import io.raftkv.raft.Role;
import io.raftkv.raft.message.Message;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

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
 *
 * <p>This class holds the clock, the event queue and the set of nodes, and runs the phases; {@link
 * NodeDriver} runs each node's events and Ready cycle, {@link LivenessPhase} checks the healed
 * cluster, and the fault models ({@link Network}, {@link Nemesis}, {@link MembershipChurn}) and
 * {@link SimClients} act through the package-private methods here.
 */
public final class Simulation {
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
  private final NodeDriver driver;
  private final LivenessPhase liveness;
  /** The session of the liveness phase's own writes. */
  private final long livenessSession;
  private long livenessOpId;
  private FaultProfile faults;
  private long now;
  private long seq;
  private long steps;
  /** How many counts a run reports (see {@link #counts}). */
  static final int COUNTS = 11;
  /** Indexes of {@link #counts}. */
  static final int CRASHES = 0;
  static final int FSYNC_FAILURES = 1;
  static final int CORRUPTED_REFUSED = 2;
  static final int SNAPSHOTS_INSTALLED = 3;
  static final int CLIENT_OPS = 4;
  static final int DISKS_WIPED = 5;
  static final int TAILS_LOST = 6;
  static final int REJOINS = 7;
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
    this.driver = new NodeDriver(this, cfg, checker, membershipChecker, net, nemesis, churn);
    this.liveness = new LivenessPhase(this, cfg, checker, clients, driver);
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

  /** Counts an event of the run ({@link #CRASHES} and the like). */
  void count(int which) {
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

  /** The highest id ever created. */
  int maxId() {
    return nodes.size() - 1;
  }

  MembershipChecker membershipChecker() {
    return membershipChecker;
  }

  /** The bootstrap configuration's voters. */
  List<Integer> voters() {
    return voters;
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
    driver.injectBugs(bugs);
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
    counts[DISKS_WIPED]++;
    record("DISK node " + id + "'s data directory is lost (" + why + "); it restarts as a member"
        + " of the existing cluster" + (rejoiningIgnored ? " but VOTES AT ONCE (hand-made bug)" : ""));
  }

  /** Counts a fault that cut an acknowledged record from a node's log. */
  void countTailLost() {
    counts[TAILS_LOST]++;
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
      liveness.check();
      clients.checkLinearizable();
    } catch (InvariantViolation | RaftSafetyException | LivenessFailure e) {
      throw new SimulationFailure(cfg, e.getMessage(), log.recent(60), e);
    }
    counts[CLIENT_OPS] = clients.completed();
    return new SimResult(cfg, steps, now, log.fingerprint(), driver.messagesSent(),
        checker.maxApplied(), checker.leadersElected(), counts.clone(),
        System.nanoTime() - wallStart);
  }

  /** Processes every event due up to {@code time}, then sets the clock to it. */
  void runUntil(long time) {
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

  /** The liveness phase's next own write: {@code live} set to {@code value}. */
  Command.Put livenessWrite(byte value) {
    return new Command.Put(livenessSession, ++livenessOpId, now,
        "live".getBytes(StandardCharsets.US_ASCII), new byte[] {value});
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

  // ---------------------------------------------------------------- node events (see NodeDriver)

  void startNode(int id) {
    driver.startNode(id);
  }

  void pauseNode(int id) {
    driver.pauseNode(id);
  }

  void resumeNode(int id) {
    driver.resumeNode(id);
  }

  void crashNode(int id) {
    driver.crashNode(id);
  }

  void deliver(Message m) {
    driver.deliver(m);
  }

  void reportSnapshot(int leader, int follower, boolean ok) {
    driver.reportSnapshot(leader, follower, ok);
  }

  /** Takes the node's next Ready, if any, and starts making it durable. */
  void pump(int id) {
    driver.pump(id);
  }
}
