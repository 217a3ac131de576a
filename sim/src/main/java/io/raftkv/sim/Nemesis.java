package io.raftkv.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Injects the faults of the profile at random moments of the chaos phase: partitions of several
 * shapes (majority/minority, the leader alone, one-way, a bridge node that sees both sides), heals,
 * crashes and restarts. It keeps at most a minority of nodes down, so a majority can always make
 * progress once links heal; safety is checked whatever it does.
 */
final class Nemesis {
  private final Simulation sim;
  private boolean active;

  Nemesis(Simulation sim) {
    this.sim = sim;
  }

  void start() {
    FaultProfile f = sim.faults();
    if (!f.partitions() && !f.crashes() && !f.pauses()) {
      return;
    }
    active = true;
    schedule();
  }

  void stop() {
    active = false;
  }

  boolean active() {
    return active;
  }

  private void schedule() {
    FaultProfile f = sim.faults();
    sim.at(f.nemesisMinMillis() + sim.rng().nextInt(f.nemesisMaxMillis() - f.nemesisMinMillis() + 1),
        this::act);
  }

  private void act() {
    if (!active) {
      return;
    }
    schedule();
    SplittableRandom rng = sim.rng();
    FaultProfile f = sim.faults();
    List<Runnable> choices = new ArrayList<>();
    if (f.partitions()) {
      choices.add(this::splitMajorityMinority);
      choices.add(this::isolateLeader);
      choices.add(this::oneWayCut);
      choices.add(this::bridge);
      choices.add(this::heal);
      choices.add(this::heal);
    }
    if (f.pauses()) {
      choices.add(this::pause);
    }
    if (f.diskFaults()) {
      choices.add(this::failSync);
      choices.add(this::corruptMiddleRecord);
      choices.add(this::wipeOne);
      choices.add(this::loseAcknowledgedTail);
      choices.add(this::loseStateThenCrashLeader);
    }
    if (f.crashes()) {
      choices.add(this::crashOne);
      choices.add(this::crashLeader);
      choices.add(this::restartOne);
      choices.add(this::restartOne);
    }
    choices.get(rng.nextInt(choices.size())).run();
  }

  /**
   * In the Figure 8 profile, a new leader is often cut off or crashed within moments, before it
   * can replicate what it appended: this leaves entries of many terms scattered over the nodes,
   * the situation in which counting replicas of an old term's entry would be unsafe (§5.4.2).
   */
  void onNewLeader(int leader) {
    FaultProfile f = sim.faults();
    if (!active || f.nemesisMaxMillis() > 300 || sim.rng().nextInt(3) != 0) {
      return;
    }
    int incarnation = sim.node(leader).incarnation;
    sim.at(sim.rng().nextInt(15), () -> {
      if (active && sim.node(leader).up && sim.node(leader).incarnation == incarnation) {
        if (sim.rng().nextBoolean()) {
          crash(leader);
        } else {
          isolate(leader);
        }
      }
    });
  }

  private List<Integer> shuffledIds() {
    List<Integer> ids = new ArrayList<>();
    for (int i : sim.ids()) {
      ids.add(i);
    }
    SplittableRandom rng = sim.rng();
    for (int i = ids.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      ids.set(i, ids.set(j, ids.get(i)));
    }
    return ids;
  }

  private void splitMajorityMinority() {
    List<Integer> ids = shuffledIds();
    int minority = 1 + sim.rng().nextInt(Math.max(1, (ids.size() - 1) / 2));
    Set<Integer> a = new HashSet<>(ids.subList(0, minority));
    Set<Integer> b = new HashSet<>(ids.subList(minority, ids.size()));
    sim.record("PARTITION " + a + " | " + b);
    netOf().split(a, b);
  }

  private void isolateLeader() {
    int leader = sim.currentLeader();
    if (leader != 0) {
      isolate(leader);
    }
  }

  private void isolate(int leader) {
    Set<Integer> rest = new HashSet<>();
    for (int i : sim.ids()) {
      if (i != leader) {
        rest.add(i);
      }
    }
    sim.record("PARTITION leader " + leader + " isolated");
    netOf().split(Set.of(leader), rest);
  }

  private void oneWayCut() {
    List<Integer> ids = shuffledIds();
    int from = ids.get(0);
    int to = ids.get(1);
    sim.record("CUT one way " + from + " -> " + to);
    netOf().cut(from, to);
  }

  /** Two sides that cannot talk, and one node that talks to both (the Jepsen "bridge"). */
  private void bridge() {
    if (sim.ids().size() < 3) {
      return;
    }
    List<Integer> ids = shuffledIds();
    int half = (ids.size() - 1) / 2;
    Set<Integer> a = new HashSet<>(ids.subList(1, 1 + half));
    Set<Integer> b = new HashSet<>(ids.subList(1 + half, ids.size()));
    sim.record("PARTITION bridge " + ids.get(0) + " between " + a + " and " + b);
    netOf().split(a, b);
  }

  private void heal() {
    if (netOf().anyCut()) {
      sim.record("HEAL links");
      netOf().healAll();
    }
  }

  private int downCount() {
    return sim.downCount();
  }

  private void crashOne() {
    List<Integer> ids = shuffledIds();
    crash(ids.get(0));
  }

  private void crashLeader() {
    int leader = sim.currentLeader();
    if (leader != 0) {
      crash(leader);
    }
  }

  private void crash(int id) {
    if (!sim.node(id).up || downCount() + 1 > sim.faultBudget()) {
      return;
    }
    sim.crashNode(id);
  }

  /**
   * A node loses its whole data directory: a dead disk replaced, or the operator's repair of a
   * node that refused to start on damage (the repair its error message names). It restarts empty,
   * as a member of the existing cluster, having forgotten every vote and acknowledgement: it must
   * not vote or count toward a quorum until a leader has caught it up (issue 12.A).
   */
  private void wipeOne() {
    for (int id : shuffledIds()) {
      SimNode n = sim.node(id);
      if (n.corrupted && !n.up) {
        sim.wipeNode(id, "the operator's repair of its damaged log");
        return;
      }
    }
    int id = shuffledIds().get(0);
    SimNode n = sim.node(id);
    if (n.mayBeRejoining || lostStateCount() + 1 > sim.faultBudget()) {
      return;
    }
    sim.wipeNode(id, "disk replaced");
  }

  /**
   * A bit flips in the last record of a node's log while it is down (or just before it crashes):
   * recovery cannot tell that from a torn write in general, so it cuts the record, which the node
   * may have acknowledged. The node must rejoin rather than vote as if it never held the entry.
   */
  private void loseAcknowledgedTail() {
    loseAcknowledgedTail(shuffledIds().get(0));
  }

  /**
   * The worst moment to lose state: the follower most up to date loses its directory (or its last
   * record) and the leader crashes with it. Entries the two of them committed may now exist on the
   * crashed leader alone, and the remaining nodes must not elect a leader without them; were the
   * node that lost state to vote as before, they would (entry committed on A and B; B wiped; C and
   * B elect C). Both come back after a while, the follower first.
   */
  private void loseStateThenCrashLeader() {
    int leader = sim.currentLeader();
    if (leader == 0) {
      return;
    }
    int follower = 0;
    long best = -1;
    for (int id : shuffledIds()) {
      SimNode n = sim.node(id);
      if (id != leader && n.up && !n.paused && n.host.status().lastIndex() > best) {
        follower = id;
        best = n.host.status().lastIndex();
      }
    }
    if (follower == 0 || lostStateCount() + 1 > sim.faultBudget()) {
      return;
    }
    if (sim.rng().nextBoolean()) {
      sim.wipeNode(follower, "disk replaced");
    } else if (!loseAcknowledgedTail(follower)) {
      return;
    }
    sim.crashNode(leader);
    int f = follower;
    sim.at(20 + sim.rng().nextInt(100), () -> restart(f));
    sim.at(300 + sim.rng().nextInt(900), () -> restart(leader));
  }

  private void restart(int id) {
    if (active && !sim.node(id).up && !sim.node(id).corrupted) {
      sim.startNode(id);
    }
  }

  /** Nodes that lost state and cannot vote until repaired or rejoined. */
  private int lostStateCount() {
    int n = 0;
    for (int i : sim.ids()) {
      n += sim.node(i).corrupted || sim.node(i).mayBeRejoining ? 1 : 0;
    }
    return n;
  }

  private boolean loseAcknowledgedTail(int id) {
    SimNode n = sim.node(id);
    if (n.corrupted || n.mayBeRejoining || lostStateCount() + 1 > sim.faultBudget()) {
      return false;
    }
    if (n.up) {
      sim.crashNode(id);
    }
    long snapIndex = n.shadow.snapshot() == null ? 0 : n.shadow.snapshot().meta().index();
    List<long[]> records = WalRecords.list(n.disk, SimNode.DIR, snapIndex);
    if (records.isEmpty()) {
      return false;
    }
    long[] r = records.get(records.size() - 1);
    List<String> segments = WalRecords.segments(n.disk, SimNode.DIR);
    if (r[0] != segments.size() - 1 || r[1] + r[2] != WalRecords.size(n.disk, SimNode.DIR, r)) {
      return false; // not at the very end of the log: that is corruptMiddleRecord's damage
    }
    // In the payload, not the length field: a damaged length looks like a torn write (see
    // WalRecovery) and is left to the storage's own tests.
    long offset = r[1] + WalRecords.FRAME_HEADER_BYTES
        + sim.rng().nextLong(r[2] - WalRecords.FRAME_HEADER_BYTES);
    try {
      n.disk.flipBit(SimNode.DIR.resolve(segments.get((int) r[0])), offset);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    n.tailLostFrom = r[3];
    n.mayBeRejoining = true;
    sim.countTailLost();
    sim.record("DISK flipped a bit of node " + id + "'s last log record (index " + r[3]
        + ", offset " + offset + "): recovery cuts it and the node must rejoin");
    return true;
  }

  private void restartOne() {
    for (int id : shuffledIds()) {
      if (!sim.node(id).up && !sim.node(id).corrupted) {
        sim.startNode(id);
        return;
      }
    }
  }

  /**
   * Stops a node like SIGSTOP, the leader more often than not, for up to several election
   * timeouts: when it resumes it still believes what it believed, which is when a leader that
   * served reads without confirming its leadership would return stale data.
   */
  private void pause() {
    int leader = sim.currentLeader();
    int id = leader != 0 && sim.rng().nextBoolean() ? leader : shuffledIds().get(0);
    if (!sim.node(id).up || sim.node(id).paused) {
      return;
    }
    sim.pauseNode(id);
    sim.at(50 + sim.rng().nextInt(750), () -> sim.resumeNode(id));
  }

  /** The next fsync of a running node's current segment or hard state fails (fsyncgate). */
  private void failSync() {
    for (int id : shuffledIds()) {
      SimNode n = sim.node(id);
      if (n.up) {
        List<String> segments = n.host.storage().segmentFileNames();
        String file = sim.rng().nextBoolean() || segments.isEmpty() ? "HARDSTATE"
            : segments.get(segments.size() - 1);
        sim.record("DISK next fsync of node " + id + "'s " + file + " will fail");
        n.disk.failNextSync(SimNode.DIR.resolve(file));
        return;
      }
    }
  }

  /**
   * Stops a node (if the crash budget allows) and flips a bit in a log record that has later
   * records after it: damage no crash can explain, which recovery must refuse.
   */
  private void corruptMiddleRecord() {
    int id = shuffledIds().get(0);
    SimNode n = sim.node(id);
    if (n.corrupted || n.mayBeRejoining || lostStateCount() + 1 > sim.faultBudget()) {
      return; // until it is repaired and has rejoined it cannot vote: a majority must stay healthy
    }
    if (n.up) {
      if (downCount() + 1 > sim.faultBudget()) {
        return;
      }
      sim.crashNode(id);
    }
    long snapIndex = n.shadow.snapshot() == null ? 0 : n.shadow.snapshot().meta().index();
    List<long[]> records = WalRecords.list(n.disk, SimNode.DIR, snapIndex);
    if (records.size() < 2) {
      return; // nothing in the middle yet
    }
    long[] r = records.get(sim.rng().nextInt(records.size() - 1));
    long offset = r[1] + sim.rng().nextLong(r[2]);
    try {
      n.disk.flipBit(SimNode.DIR.resolve(WalRecords.segmentName(n.disk, SimNode.DIR, (int) r[0])),
          offset);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    n.corrupted = true;
    sim.record("DISK flipped a bit of node " + id + "'s log at offset " + offset
        + " (a middle record): it must refuse to start");
  }

  private Network netOf() {
    return sim.network();
  }
}
