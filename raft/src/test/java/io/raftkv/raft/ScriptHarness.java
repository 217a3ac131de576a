package io.raftkv.raft;

import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendEntriesResponse;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.HeartbeatResponse;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.Message;
import io.raftkv.raft.message.ReadIndexRequest;
import io.raftkv.raft.message.ReadIndexResponse;
import io.raftkv.raft.message.RequestVote;
import io.raftkv.raft.message.RequestVoteResponse;
import io.raftkv.raft.message.TimeoutNow;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Drives a handful of {@link RaftNode}s step by step for the scenario scripts run by {@link
 * ScriptTest}. Everything is deterministic: the nodes' randomness is a fixed value per node (0
 * unless {@code set-random} says otherwise), messages travel through one FIFO queue, and nothing
 * happens unless a command says so.
 *
 * <p>Each node has a durable store (hard state, snapshot, entries) that {@code process-ready}
 * writes as the Ready contract says, and a toy state machine (the data of applied entries, joined
 * by commas) that {@code compact} snapshots. {@code crash} keeps only the durable store.
 */
final class ScriptHarness {

  /** Thrown for a malformed script line: a bug in the script, not in Raft. */
  static final class ScriptError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ScriptError(String message) {
      super(message);
    }
  }

  /** A RandomGenerator returning a fixed value, so election timeouts are exact. */
  static final class FixedRandom implements RandomGenerator {
    int value;

    @Override
    public long nextLong() {
      return value;
    }

    @Override
    public int nextInt() {
      return value;
    }

    @Override
    public int nextInt(int bound) {
      return Math.min(value, bound - 1);
    }
  }

  static final class Peer {
    final int id;
    final RaftConfig config;
    final FixedRandom random;
    RaftNode node;
    // durable store
    HardState hardState = HardState.EMPTY;
    Snapshot snapshot;
    final List<Entry> stored = new ArrayList<>();
    // state machine (volatile)
    String smBase = "";
    long smBaseIndex;
    final TreeMap<Long, Entry> applied = new TreeMap<>();
    /** A Ready taken by {@code take-ready} whose persistence {@code finish-ready} completes. */
    Ready pending;
    /** The durable "rejoining" mark ({@link RestoredState#rejoining()}). */
    boolean rejoining;

    Peer(int id, RaftConfig config, FixedRandom random) {
      this.id = id;
      this.config = config;
      this.random = random;
    }

    String stateMachineAt(long index) {
      StringBuilder sb = new StringBuilder(smBase);
      for (Entry e : applied.headMap(index, true).values()) {
        if (e.type() == EntryType.NORMAL) {
          if (sb.length() > 0) {
            sb.append(',');
          }
          sb.append(new String(e.data(), StandardCharsets.UTF_8));
        }
      }
      return sb.toString();
    }

    long lastApplied() {
      return applied.isEmpty() ? smBaseIndex : applied.lastKey();
    }
  }

  final TreeMap<Integer, Peer> peers = new TreeMap<>();
  private final List<Message> queue = new ArrayList<>();
  /** Messages taken out of the queue by {@code hold}, put back at its end by {@code release}. */
  private final List<Message> held = new ArrayList<>();
  /** Partition groups; empty when the network is whole. */
  private final Map<Integer, Integer> groups = new HashMap<>();
  /** The membership commands (propose-conf-change, add-node, show-config, membership). */
  private final MembershipCommands membership = new MembershipCommands(this);

  // ------------------------------------------------------------------ dispatch

  String run(String line) {
    String[] parts = line.trim().split("\\s+");
    String cmd = parts[0];
    Args a = new Args(parts);
    StringBuilder out = new StringBuilder();
    try {
      switch (cmd) {
        case "add-nodes" -> addNodes(a, out);
        case "set-log" -> setLog(a, out);
        case "set-random" -> peer(a.intAt(1)).random.value = a.intAt(2);
        case "campaign" -> node(a.intAt(1)).campaign();
        case "tick" -> tick(a, out);
        case "tick-election" -> tickElection(a);
        case "tick-heartbeat" -> tickHeartbeat(a);
        case "propose" -> propose(a, out);
        case "read-index" -> node(a.intAt(1)).readIndex(Long.parseLong(a.pos(2)));
        case "transfer-leadership" ->
            out.append(node(a.intAt(1)).transferLeadership(a.intAt(2))).append('\n');
        case "process-ready" -> processReadyCmd(a, out);
        case "take-ready" -> takeReady(a.intAt(1), out);
        case "finish-ready" -> finishReadyCmd(a.intAt(1), out);
        case "deliver" -> deliver(a, out, false);
        case "drop" -> deliver(a, out, true);
        case "duplicate" -> duplicate(a, out);
        case "hold" -> hold(a, out);
        case "release" -> {
          for (Message m : held) {
            out.append(fmt(m)).append("  RELEASED\n");
          }
          queue.addAll(held);
          held.clear();
        }
        case "stabilize" -> stabilize(a, out);
        case "run" -> runTicks(a, out);
        case "partition" -> partition(line);
        case "isolate" -> isolate(a.intAt(1));
        case "heal" -> groups.clear();
        case "crash" -> crash(a.intAt(1));
        case "restart" -> restart(a.intAt(1));
        case "wipe" -> wipe(a.intAt(1));
        case "cut-tail" -> cutTail(a.intAt(1), a.intAt(2));
        case "status" -> status(a, out);
        case "raft-state" -> raftState(out);
        case "log" -> log(a.intAt(1), out);
        case "storage" -> storage(a.intAt(1), out);
        case "progress" -> out.append(node(a.intAt(1)).describeProgress());
        case "compact" -> compact(a);
        case "report-unreachable" -> node(a.intAt(1)).reportUnreachable(a.intAt(2));
        case "report-snapshot" ->
            node(a.intAt(1)).reportSnapshot(a.intAt(2),
                a.positional() < 4 || !"fail".equals(a.pos(3)));
        case "messages" -> {
          for (Message m : queue) {
            out.append(fmt(m)).append('\n');
          }
        }
        default -> {
          if (!membership.run(cmd, a, out)) {
            throw new ScriptError("unknown command: " + cmd);
          }
        }
      }
    } catch (ScriptError e) {
      throw e;
    } catch (RuntimeException e) {
      out.append("error: ").append(e.getClass().getSimpleName()).append(": ")
          .append(e.getMessage()).append('\n');
    }
    String s = out.toString();
    return s.isEmpty() ? "ok\n" : s;
  }

  // ------------------------------------------------------------------ setup

  private void addNodes(Args a, StringBuilder out) {
    int n = a.intAt(1);
    int first = peers.isEmpty() ? 1 : peers.lastKey() + 1;
    List<Integer> voters = new ArrayList<>();
    for (int i = 1; i < first + n; i++) {
      voters.add(i);
    }
    if (first != 1) {
      throw new ScriptError("add-nodes may be used once per script");
    }
    for (int id = first; id < first + n; id++) {
      FixedRandom random = new FixedRandom();
      RaftConfig config = new RaftConfig(id, voters,
          a.intOr("election", 10), a.intOr("heartbeat", 1),
          a.boolOr("prevote", false), a.boolOr("checkquorum", false),
          a.intOr("max-entries", 256), a.longOr("max-bytes", 1 << 20),
          a.intOr("inflight", 256), a.longOr("inflight-bytes", 1L << 30),
          a.longOr("max-uncommitted", 0), a.longOr("max-apply-bytes", 1 << 20),
          a.longOr("learner-catch-up", 1000), random, bugs(a.str("bugs", "")));
      Peer p = new Peer(id, config, random);
      p.node = new RaftNode(config, RestoredState.EMPTY);
      peers.put(id, p);
      if (a.has("log")) {
        // every node starts from the same durable log, as set-log would give it
        setLog(new Args(new String[] {"set-log", String.valueOf(id), "terms=" + a.str("log", "")}),
            out);
      }
    }
  }

  /** {@code bugs=A,B}: rules switched off on purpose ({@link InjectedBug}), to show what they prevent. */
  private static java.util.Set<InjectedBug> bugs(String names) {
    java.util.Set<InjectedBug> out = java.util.EnumSet.noneOf(InjectedBug.class);
    for (String n : names.split(",")) {
      if (!n.isEmpty()) {
        out.add(InjectedBug.valueOf(n));
      }
    }
    return out;
  }

  /** Replaces a node by one restarted from the given log (Figure 7 style setups). */
  private void setLog(Args a, StringBuilder out) {
    Peer p = peer(a.intAt(1));
    List<Entry> entries = new ArrayList<>();
    String terms = a.str("terms", "");
    long last = 0;
    if (!terms.isEmpty()) {
      long i = 1;
      for (String t : terms.split(",")) {
        last = Long.parseLong(t);
        entries.add(Entry.normal(i++, last, "x".getBytes(StandardCharsets.UTF_8)));
      }
    }
    p.hardState = new HardState(a.longOr("term", last), a.intOr("vote", 0), a.longOr("commit", 0));
    p.snapshot = null;
    p.stored.clear();
    p.stored.addAll(entries);
    resetStateMachine(p);
    p.node = new RaftNode(p.config, new RestoredState(p.hardState, null, entries, 0));
  }

  // ------------------------------------------------------------------ inputs

  private void tick(Args a, StringBuilder out) {
    int count = a.positional() > 2 ? a.intAt(2) : 1;
    for (int id : ids(a.pos(1))) {
      for (int i = 0; i < count; i++) {
        node(id).tick();
      }
    }
  }

  private void tickElection(Args a) {
    for (int id : ids(a.pos(1))) {
      Peer p = peer(id);
      int base = p.config.electionTimeoutTicks();
      int ticks = node(id).status().role() == Role.LEADER ? base : base + p.random.nextInt(base);
      for (int i = 0; i < ticks; i++) {
        node(id).tick();
      }
    }
  }

  private void tickHeartbeat(Args a) {
    for (int id : ids(a.pos(1))) {
      for (int i = 0; i < peer(id).config.heartbeatIntervalTicks(); i++) {
        node(id).tick();
      }
    }
  }

  private void propose(Args a, StringBuilder out) {
    RaftNode n = node(a.intAt(1));
    for (int i = 2; i < a.positional(); i++) {
      ProposeResult r = n.propose(a.pos(i).getBytes(StandardCharsets.UTF_8));
      if (r.isAccepted()) {
        out.append("accepted index=").append(r.index()).append(" term=").append(r.term());
      } else {
        out.append("refused ").append(r.status()).append(" leader=").append(r.leaderHint());
      }
      out.append('\n');
    }
  }

  private void compact(Args a) {
    Peer p = peer(a.intAt(1));
    long index = a.intAt(2);
    long keep = a.longOr("keep", 0);
    RaftNode n = node(p.id);
    if (index > p.lastApplied()) {
      throw new ScriptError("compact " + index + " beyond applied " + p.lastApplied());
    }
    Snapshot s = new Snapshot(new SnapshotMeta(index, n.termAt(index), n.membershipAt(index)),
        p.stateMachineAt(index).getBytes(StandardCharsets.UTF_8));
    n.snapshotTaken(s, index - keep);
    // the durable store keeps the snapshot and the entries after it
    p.snapshot = s;
    p.stored.removeIf(e -> e.index() <= index);
    p.smBase = p.stateMachineAt(index);
    p.smBaseIndex = index;
    p.applied.headMap(index, true).clear();
  }

  // ------------------------------------------------------------------ Ready

  private void processReadyCmd(Args a, StringBuilder out) {
    for (int id : ids(a.pos(1))) {
      if (peer(id).node != null && node(id).hasReady()) {
        processReady(peer(id), out);
      }
    }
  }

  private void processReady(Peer p, StringBuilder out) {
    finishReady(p, beginReady(p, out), out);
  }

  /** Takes a node's Ready and sends its early messages, leaving persistence for later. */
  private void takeReady(int id, StringBuilder out) {
    Peer p = peer(id);
    if (p.pending != null) {
      throw new ScriptError("node " + id + " already has a Ready in progress; finish-ready first");
    }
    if (!node(id).hasReady()) {
      out.append("no ready\n");
      return;
    }
    p.pending = beginReady(p, out);
  }

  private void finishReadyCmd(int id, StringBuilder out) {
    Peer p = peer(id);
    if (p.pending == null) {
      throw new ScriptError("node " + id + " has no Ready in progress; take-ready first");
    }
    Ready rd = p.pending;
    p.pending = null;
    out.append("> ").append(id).append(" finish ready\n");
    finishReady(p, rd, out);
  }

  /** Step 1 of the Ready contract: take it, print it, send what may leave before persistence. */
  private Ready beginReady(Peer p, StringBuilder out) {
    Ready rd = p.node.ready();
    out.append("> ").append(p.id).append(" ready").append(rd.mustSync() ? " (sync)" : "")
        .append('\n');
    if (rd.softState() != null) {
      out.append("  soft: ").append(rd.softState().role()).append(" leader=")
          .append(rd.softState().leader()).append('\n');
    }
    if (rd.hardState() != null) {
      HardState h = rd.hardState();
      out.append("  hard: term=").append(h.term()).append(" vote=").append(h.vote())
          .append(" commit=").append(h.commit()).append('\n');
    }
    // 1. send what promises nothing about this Ready's persistence (thesis §10.2.1)
    for (Message m : rd.earlyMessages()) {
      out.append("  send-early: ").append(fmt(m)).append('\n');
      queue.add(m);
    }
    return rd;
  }

  /** Steps 2 to 5 of the Ready contract: persist, send, apply, advance. */
  /** A snapshot's bytes as text (the harness's state machine is text, held in memory). */
  private static String text(Snapshot s) {
    return new String(((InMemorySnapshotData) s.data()).readAllBytes(), StandardCharsets.UTF_8);
  }

  private void finishReady(Peer p, Ready rd, StringBuilder out) {
    RaftNode n = p.node;
    // 2. durable: snapshot, entries (suffix replacement), hard state
    if (rd.snapshot() != null) {
      Snapshot s = rd.snapshot();
      out.append("  snapshot: index=").append(s.meta().index()).append(" term=")
          .append(s.meta().term()).append(" data=")
          .append(text(s)).append('\n');
      p.snapshot = s;
      p.stored.clear();
    }
    if (!rd.entries().isEmpty()) {
      out.append("  persist: ").append(rd.entries()).append('\n');
      long from = rd.entries().get(0).index();
      p.stored.removeIf(e -> e.index() >= from);
      if (!p.stored.isEmpty() && p.stored.get(p.stored.size() - 1).index() != from - 1) {
        throw new IllegalStateException("entries " + rd.entries() + " leave a gap in the store");
      }
      p.stored.addAll(rd.entries());
    }
    if (rd.hardState() != null) {
      p.hardState = rd.hardState();
    }
    if (rd.rejoined()) {
      out.append("  rejoined\n");
      p.rejoining = false;
    }
    // 3. send
    for (Message m : rd.messages()) {
      out.append("  send: ").append(fmt(m)).append('\n');
      queue.add(m);
    }
    // 4. apply
    if (rd.snapshot() != null) {
      p.smBase = text(rd.snapshot());
      p.smBaseIndex = rd.snapshot().meta().index();
      p.applied.clear();
    }
    if (!rd.committedEntries().isEmpty()) {
      out.append("  apply: ").append(rd.committedEntries()).append('\n');
      for (Entry e : rd.committedEntries()) {
        p.applied.put(e.index(), e);
      }
    }
    for (ReadState r : rd.readStates()) {
      out.append("  read: ctx=").append(r.context()).append(" index=").append(r.index())
          .append(' ').append(r.outcome()).append('\n');
    }
    // 5. advance
    n.advance(rd);
  }

  private void deliver(Args a, StringBuilder out, boolean drop) {
    Integer from = a.has("from") ? a.intOr("from", 0) : null;
    Integer to = a.has("to") ? a.intOr("to", 0) : null;
    String type = a.str("type", null);
    int limit = a.intOr("count", Integer.MAX_VALUE);
    List<Message> picked = new ArrayList<>();
    for (Iterator<Message> it = queue.iterator(); it.hasNext() && picked.size() < limit; ) {
      Message m = it.next();
      if ((from == null || m.from() == from) && (to == null || m.to() == to)
          && (type == null || m.getClass().getSimpleName().equals(type))) {
        picked.add(m);
        it.remove();
      }
    }
    for (Message m : picked) {
      out.append(fmt(m));
      if (drop) {
        out.append("  DROPPED\n");
      } else if (!reachable(m.from(), m.to())) {
        out.append("  DROPPED (partition)\n");
      } else if (peer(m.to()).node == null) {
        out.append("  DROPPED (").append(m.to()).append(" is down)\n");
      } else {
        out.append('\n');
        peer(m.to()).node.step(m);
      }
    }
  }

  /** Moves matching queued messages (at most count) aside, to be released later (delay). */
  private void hold(Args a, StringBuilder out) {
    Integer from = a.has("from") ? a.intOr("from", 0) : null;
    Integer to = a.has("to") ? a.intOr("to", 0) : null;
    String type = a.str("type", null);
    int limit = a.intOr("count", Integer.MAX_VALUE);
    for (Iterator<Message> it = queue.iterator(); it.hasNext() && limit > 0; ) {
      Message m = it.next();
      if ((from == null || m.from() == from) && (to == null || m.to() == to)
          && (type == null || m.getClass().getSimpleName().equals(type))) {
        it.remove();
        held.add(m);
        limit--;
        out.append(fmt(m)).append("  HELD\n");
      }
    }
  }

  /** Appends a copy of each matching queued message to the end of the queue (late duplicates). */
  private void duplicate(Args a, StringBuilder out) {
    Integer from = a.has("from") ? a.intOr("from", 0) : null;
    Integer to = a.has("to") ? a.intOr("to", 0) : null;
    String type = a.str("type", null);
    List<Message> copies = new ArrayList<>();
    for (Message m : queue) {
      if ((from == null || m.from() == from) && (to == null || m.to() == to)
          && (type == null || m.getClass().getSimpleName().equals(type))) {
        copies.add(m);
        out.append(fmt(m)).append("  DUPLICATED\n");
      }
    }
    queue.addAll(copies);
  }

  private void stabilize(Args a, StringBuilder out) {
    for (int round = 0; round < 1000; round++) {
      boolean any = false;
      for (Peer p : peers.values()) {
        while (p.node != null && p.node.hasReady()) {
          processReady(p, out);
          any = true;
        }
      }
      if (!queue.isEmpty()) {
        out.append("> deliver\n");
        StringBuilder d = new StringBuilder();
        deliver(new Args(new String[] {"deliver"}), d, false);
        d.toString().lines().forEach(l -> out.append("  ").append(l).append('\n'));
        any = true;
      }
      if (!any) {
        return;
      }
    }
    throw new IllegalStateException("stabilize did not converge in 1000 rounds");
  }

  /**
   * {@code run N}: N rounds of "every live node ticks once, then stabilize", printing only role,
   * term and leader changes (the messages are not shown).
   */
  private void runTicks(Args a, StringBuilder out) {
    int n = a.intAt(1);
    Map<Integer, String> before = new HashMap<>();
    for (Peer p : peers.values()) {
      before.put(p.id, summary(p));
    }
    for (int t = 1; t <= n; t++) {
      for (Peer p : peers.values()) {
        if (p.node != null) {
          p.node.tick();
        }
      }
      stabilize(a, new StringBuilder());
      for (Peer p : peers.values()) {
        String now = summary(p);
        if (!now.equals(before.get(p.id))) {
          out.append("tick ").append(t).append(": ").append(p.id).append(' ').append(now)
              .append('\n');
          before.put(p.id, now);
        }
      }
    }
  }

  private static String summary(Peer p) {
    if (p.node == null) {
      return "DOWN";
    }
    NodeStatus s = p.node.status();
    return s.role() + " term=" + s.term() + " leader=" + s.leader();
  }

  // ------------------------------------------------------------------ faults

  private void partition(String line) {
    groups.clear();
    String[] sides = line.trim().substring("partition".length()).split("\\|");
    for (int g = 0; g < sides.length; g++) {
      for (String id : sides[g].trim().split("\\s+")) {
        groups.put(Integer.parseInt(id), g + 1);
      }
    }
  }

  private void isolate(int id) {
    groups.clear();
    for (int p : peers.keySet()) {
      groups.put(p, p == id ? 1 : 2);
    }
  }

  private boolean reachable(int a, int b) {
    return groups.getOrDefault(a, 0).equals(groups.getOrDefault(b, 0));
  }

  private void crash(int id) {
    Peer p = peer(id);
    p.node = null;
    p.pending = null; // a Ready being persisted is lost with the process
    queue.removeIf(m -> m.from() == id);
    held.removeIf(m -> m.from() == id);
    resetStateMachine(p);
  }

  private void resetStateMachine(Peer p) {
    p.applied.clear();
    p.smBase = p.snapshot == null ? "" : text(p.snapshot);
    p.smBaseIndex = p.snapshot == null ? 0 : p.snapshot.meta().index();
  }

  private void restart(int id) {
    Peer p = peer(id);
    if (p.node != null) {
      throw new ScriptError("node " + id + " is running; crash it first");
    }
    p.node = new RaftNode(p.config, new RestoredState(p.hardState, p.snapshot, p.stored,
        p.snapshot == null ? 0 : p.snapshot.meta().index(), p.rejoining));
  }

  /** Crashes the node and loses its whole durable store, as a wiped data directory joining again. */
  private void wipe(int id) {
    Peer p = peer(id);
    crash(id);
    p.hardState = HardState.EMPTY;
    p.snapshot = null;
    p.stored.clear();
    p.rejoining = true;
    resetStateMachine(p);
  }

  /** Crashes the node and loses its last {@code count} durable entries (a cut damaged tail). */
  private void cutTail(int id, int count) {
    Peer p = peer(id);
    crash(id);
    for (int i = 0; i < count && !p.stored.isEmpty(); i++) {
      p.stored.remove(p.stored.size() - 1);
    }
    long last = p.stored.isEmpty() ? (p.snapshot == null ? 0 : p.snapshot.meta().index())
        : p.stored.get(p.stored.size() - 1).index();
    HardState hs = p.hardState;
    p.hardState = new HardState(hs.term(), hs.vote(), Math.min(hs.commit(), last));
    p.rejoining = true;
  }

  // ------------------------------------------------------------------ observation

  private void status(Args a, StringBuilder out) {
    for (int id : ids(a.positional() > 1 ? a.pos(1) : "all")) {
      out.append(statusLine(id)).append('\n');
    }
  }

  private String statusLine(int id) {
    Peer p = peer(id);
    if (p.node == null) {
      return id + ": DOWN";
    }
    NodeStatus s = p.node.status();
    StringBuilder sb = new StringBuilder();
    sb.append(id).append(": ").append(s.role()).append(" term=").append(s.term())
        .append(" vote=").append(s.vote()).append(" leader=").append(s.leader())
        .append(" log=").append(s.firstIndex()).append("..").append(s.lastIndex())
        .append(" last=").append(s.lastIndex()).append('/').append(s.lastTerm())
        .append(" commit=").append(s.commitIndex()).append(" applied=").append(s.appliedIndex());
    if (s.stableIndex() != s.lastIndex()) {
      sb.append(" stable=").append(s.stableIndex());
    }
    if (s.readsPending() > 0) {
      sb.append(" reads=").append(s.readsPending());
    }
    if (s.transferee() != 0) {
      sb.append(" transferee=").append(s.transferee());
    }
    if (s.rejoining()) {
      sb.append(" rejoining");
    }
    membership.appendStatus(s, sb);
    return sb.toString();
  }

  private void raftState(StringBuilder out) {
    for (Peer p : peers.values()) {
      if (p.node == null) {
        out.append(p.id).append(": DOWN\n");
      } else {
        NodeStatus s = p.node.status();
        out.append(p.id).append(": ").append(s.role()).append(" term=").append(s.term())
            .append(" leader=").append(s.leader()).append('\n');
      }
    }
  }

  private void log(int id, StringBuilder out) {
    RaftNode n = node(id);
    NodeStatus s = n.status();
    if (s.firstIndex() > 1) {
      out.append("snapshot: ").append(s.firstIndex() - 1).append('/')
          .append(n.termAt(s.firstIndex() - 1)).append('\n');
    }
    List<Entry> es = new ArrayList<>();
    for (long i = s.firstIndex(); i <= s.lastIndex(); i++) {
      es.add(n.entryAt(i));
    }
    out.append("entries: ").append(es).append('\n');
    out.append("state machine: [").append(peer(id).stateMachineAt(Long.MAX_VALUE)).append("]\n");
  }

  private void storage(int id, StringBuilder out) {
    Peer p = peer(id);
    HardState h = p.hardState;
    out.append("hard: term=").append(h.term()).append(" vote=").append(h.vote())
        .append(" commit=").append(h.commit()).append('\n');
    if (p.snapshot != null) {
      out.append("snapshot: index=").append(p.snapshot.meta().index()).append(" term=")
          .append(p.snapshot.meta().term()).append(" data=")
          .append(text(p.snapshot)).append('\n');
    }
    out.append("entries: ").append(p.stored).append('\n');
  }

  static String fmt(Message m) {
    String p = m.from() + "->" + m.to() + " ";
    if (m instanceof AppendEntries a) {
      return p + "AppendEntries term=" + a.term() + " prev=" + a.prevLogIndex() + "/"
          + a.prevLogTerm() + " commit=" + a.leaderCommit() + " entries=" + a.entries()
          + (a.rejoinIndex() > 0 ? " rejoin=" + a.rejoinIndex() : "");
    } else if (m instanceof AppendEntriesResponse r) {
      String rejoining = r.rejoining() ? " rejoining" : "";
      if (r.success()) {
        return p + "AppendEntriesResponse term=" + r.term() + " match=" + r.matchIndex()
            + rejoining;
      }
      return p + "AppendEntriesResponse term=" + r.term() + " REJECT prev=" + r.rejectedIndex()
          + " conflict-term=" + r.conflictTerm() + " conflict-index=" + r.conflictIndex()
          + rejoining;
    } else if (m instanceof RequestVote v) {
      return p + (v.preVote() ? "PreVote" : "RequestVote") + " term=" + v.term() + " last="
          + v.lastLogIndex() + "/" + v.lastLogTerm() + (v.leadershipTransfer() ? " transfer" : "");
    } else if (m instanceof RequestVoteResponse r) {
      return p + (r.preVote() ? "PreVoteResponse" : "RequestVoteResponse") + " term=" + r.term()
          + (r.granted() ? " granted" : " REJECTED");
    } else if (m instanceof Heartbeat h) {
      return p + "Heartbeat term=" + h.term() + " commit=" + h.commit() + " round=" + h.readRound()
          + (h.rejoinIndex() > 0 ? " rejoin=" + h.rejoinIndex() : "");
    } else if (m instanceof HeartbeatResponse h) {
      return p + "HeartbeatResponse term=" + h.term() + " round=" + h.readRound()
          + (h.rejoining() ? " rejoining" : "");
    } else if (m instanceof InstallSnapshot s) {
      return p + "InstallSnapshot term=" + s.term() + " snapshot=" + s.snapshot().meta().index()
          + "/" + s.snapshot().meta().term() + " data="
          + text(s.snapshot());
    } else if (m instanceof TimeoutNow t) {
      return p + "TimeoutNow term=" + t.term();
    } else if (m instanceof ReadIndexRequest r) {
      return p + "ReadIndexRequest ctx=" + r.context();
    } else if (m instanceof ReadIndexResponse r) {
      return p + "ReadIndexResponse ctx=" + r.context() + " index=" + r.index()
          + (r.ok() ? " ok" : " NOT_LEADER");
    }
    return p + m;
  }

  // ------------------------------------------------------------------ helpers

  Peer peer(int id) {
    Peer p = peers.get(id);
    if (p == null) {
      throw new ScriptError("no node " + id);
    }
    return p;
  }

  RaftNode node(int id) {
    Peer p = peer(id);
    if (p.node == null) {
      throw new ScriptError("node " + id + " is down");
    }
    return p.node;
  }

  List<Integer> ids(String spec) {
    if ("all".equals(spec)) {
      return new ArrayList<>(peers.keySet());
    }
    List<Integer> out = new ArrayList<>();
    for (String s : spec.split(",")) {
      out.add(Integer.parseInt(s));
    }
    return out;
  }

  /** Positional words and key=value options of one command line. */
  static final class Args {
    private final List<String> positional = new ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();

    Args(String[] words) {
      for (String w : words) {
        int eq = w.indexOf('=');
        if (eq > 0) {
          options.put(w.substring(0, eq), w.substring(eq + 1));
        } else {
          positional.add(w);
        }
      }
    }

    int positional() {
      return positional.size();
    }

    String pos(int i) {
      if (i >= positional.size()) {
        throw new ScriptError("missing argument " + i);
      }
      return positional.get(i);
    }

    int intAt(int i) {
      return Integer.parseInt(pos(i));
    }

    boolean has(String k) {
      return options.containsKey(k);
    }

    String str(String k, String dflt) {
      return options.getOrDefault(k, dflt);
    }

    int intOr(String k, int dflt) {
      return options.containsKey(k) ? Integer.parseInt(options.get(k)) : dflt;
    }

    long longOr(String k, long dflt) {
      return options.containsKey(k) ? Long.parseLong(options.get(k)) : dflt;
    }

    boolean boolOr(String k, boolean dflt) {
      return options.containsKey(k) ? Boolean.parseBoolean(options.get(k)) : dflt;
    }
  }
}
