package io.raftkv.sim;

/**
 * One simulation run. Everything about the run follows from these values: the same config gives
 * the identical run.
 *
 * @param seed               seeds every random choice: network, disk, faults, election timeouts
 * @param nodes              cluster size
 * @param profile            faults during the chaos phase
 * @param chaosMillis        simulated length of the chaos phase
 * @param tickMillis         simulated time per Raft tick
 * @param electionTicks      election timeout in ticks
 * @param heartbeatTicks     heartbeat interval in ticks
 * @param snapshotEvery      a node snapshots and compacts after this many newly applied entries
 * @param entriesPerMessage  the leader's limit of entries per AppendEntries
 * @param inflightMessages   the leader's limit of AppendEntries in flight per follower
 */
public record SimConfig(
    long seed,
    int nodes,
    FaultProfile profile,
    int chaosMillis,
    int tickMillis,
    int electionTicks,
    int heartbeatTicks,
    int snapshotEvery,
    int entriesPerMessage,
    int inflightMessages) {

  public SimConfig {
    if (nodes < 1 || nodes > 15) {
      throw new IllegalArgumentException("nodes must be 1..15, got " + nodes);
    }
    if (chaosMillis < 0) {
      throw new IllegalArgumentException("chaosMillis must be >= 0");
    }
  }

  /** The config the swarm uses for {@code seed}: sizes 3, 5, 7 and all profiles in turn. */
  public static SimConfig forSeed(long seed) {
    int[] sizes = {3, 5, 7};
    int nodes = sizes[(int) Math.floorMod(seed, 3L)];
    FaultProfile profile = FaultProfile.ALL[(int) Math.floorMod(seed / 3, FaultProfile.ALL.length)];
    int[] batch = {1, 4, 16, 64};
    int entries = batch[(int) Math.floorMod(seed / (3L * FaultProfile.ALL.length), 4L)];
    int inflight = 1 + (int) Math.floorMod(seed / 7, 8L);
    return new SimConfig(seed, nodes, profile, 10_000, 10, 10, 2, 40, entries, inflight);
  }

  /** Simulated chaos time of a membership-churn seed: shorter than the others, so many fit. */
  public static final int CHURN_CHAOS_MILLIS = 1_500;

  /**
   * The config the swarm's membership-churn test uses for {@code seed}: 3, 4 or 5 bootstrap voters
   * and each profile in turn with {@link FaultProfile#withMembershipChanges churn} mixed in.
   */
  public static SimConfig forChurnSeed(long seed) {
    SimConfig base = forSeed(seed);
    return base.withNodes(3 + (int) Math.floorMod(seed, 3L))
        .withProfile(base.profile().withMembershipChanges()).withChaosMillis(CHURN_CHAOS_MILLIS);
  }

  public SimConfig withNodes(int n) {
    return new SimConfig(seed, n, profile, chaosMillis, tickMillis, electionTicks, heartbeatTicks,
        snapshotEvery, entriesPerMessage, inflightMessages);
  }

  public SimConfig withProfile(FaultProfile p) {
    return new SimConfig(seed, nodes, p, chaosMillis, tickMillis, electionTicks, heartbeatTicks,
        snapshotEvery, entriesPerMessage, inflightMessages);
  }

  public SimConfig withChaosMillis(int millis) {
    return new SimConfig(seed, nodes, profile, millis, tickMillis, electionTicks, heartbeatTicks,
        snapshotEvery, entriesPerMessage, inflightMessages);
  }

  public SimConfig withFlowControl(int entries, int inflight) {
    return new SimConfig(seed, nodes, profile, chaosMillis, tickMillis, electionTicks, heartbeatTicks,
        snapshotEvery, entries, inflight);
  }

  /** The command that replays this run with its full event log. */
  public String replayCommand() {
    return "./raftkv sim --seed " + seed + " --nodes " + nodes + " --profile " + profile.name()
        + " --chaos-millis " + chaosMillis + " --batch " + entriesPerMessage + " --inflight "
        + inflightMessages + " --events";
  }
}
