package io.raftkv.sim;

/**
 * The mix of faults a simulation injects during its chaos phase. Every profile heals completely
 * before the liveness phase, so the same liveness bounds apply to all.
 *
 * @param dropRate          chance that a message is lost
 * @param duplicateRate     chance that a message is delivered twice
 * @param maxDelayMillis    messages take 1..maxDelayMillis of simulated time (random delays reorder)
 * @param maxDiskMillis     a Ready takes 0..maxDiskMillis to become durable
 * @param partitions        whether the nemesis cuts links (symmetric, one-way, leader-only, bridge)
 * @param crashes           whether the nemesis crashes and restarts nodes, losing what was not durable
 * @param diskFaults        whether the nemesis fails fsyncs and corrupts a record in the middle of
 *                          a stopped node's log (which must then refuse to start)
 * @param pauses            whether the nemesis pauses nodes (like SIGSTOP: no ticks, nothing
 *                          processed, everything queued until they resume)
 * @param nemesisMinMillis  shortest pause between two nemesis actions
 * @param nemesisMaxMillis  longest pause between two nemesis actions
 * @param membership        whether {@link MembershipChurn} changes the membership during the chaos
 *                          phase (learners added, promoted, demoted, removed; the leader removed;
 *                          members replaced), mixed with this profile's other faults
 */
public record FaultProfile(
    String name,
    double dropRate,
    double duplicateRate,
    int maxDelayMillis,
    int maxDiskMillis,
    boolean partitions,
    boolean crashes,
    boolean diskFaults,
    boolean pauses,
    int nemesisMinMillis,
    int nemesisMaxMillis,
    boolean membership) {

  public static final FaultProfile CALM =
      new FaultProfile("calm", 0, 0, 3, 1, false, false, false, false, 0, 0, false);
  public static final FaultProfile LOSSY =
      new FaultProfile("lossy", 0.1, 0.05, 40, 2, false, false, false, false, 0, 0, false);
  public static final FaultProfile PARTITIONS =
      new FaultProfile("partitions", 0.01, 0.01, 10, 2, true, false, false, true, 200, 1400, false);
  public static final FaultProfile CRASHES =
      new FaultProfile("crashes", 0.01, 0.01, 10, 5, false, true, true, false, 200, 1400, false);
  public static final FaultProfile CHAOS =
      new FaultProfile("chaos", 0.05, 0.05, 30, 8, true, true, true, true, 200, 1400, false);
  /**
   * Leaders crash and restart every few election timeouts, as in the paper's Figure 8: entries of
   * old terms sit on some nodes while new leaders come and go.
   */
  public static final FaultProfile FIGURE8 =
      new FaultProfile("figure8", 0.02, 0, 10, 5, true, true, false, false, 20, 300, false);

  /** All profiles, in the order seeds cycle through them. */
  public static final FaultProfile[] ALL = {CALM, LOSSY, PARTITIONS, CRASHES, CHAOS, FIGURE8};

  /** The suffix of a profile's name that adds membership churn to it ("chaos+churn"). */
  public static final String CHURN_SUFFIX = "+churn";

  /**
   * The profile with this name, case-insensitive; a name ending in {@value #CHURN_SUFFIX} is that
   * profile with membership churn ({@link #withMembershipChanges}).
   */
  public static FaultProfile named(String name) {
    if (name.toLowerCase(java.util.Locale.ROOT).endsWith(CHURN_SUFFIX)) {
      return named(name.substring(0, name.length() - CHURN_SUFFIX.length())).withMembershipChanges();
    }
    for (FaultProfile p : ALL) {
      if (p.name.equalsIgnoreCase(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown fault profile '" + name
        + "'; known: calm, lossy, partitions, crashes, chaos, figure8, each optionally with the"
        + " suffix " + CHURN_SUFFIX + " (membership changes)");
  }

  /** This profile with membership churn mixed in, named with {@value #CHURN_SUFFIX}. */
  public FaultProfile withMembershipChanges() {
    return membership ? this : new FaultProfile(name + CHURN_SUFFIX, dropRate, duplicateRate,
        maxDelayMillis, maxDiskMillis, partitions, crashes, diskFaults, pauses, nemesisMinMillis,
        nemesisMaxMillis, true);
  }

  /** The faultless network of the liveness phase: fast, no loss, no duplication. */
  public FaultProfile healed() {
    return new FaultProfile(name + "-healed", 0, 0, 3, 1, false, false, false, false, 0, 0, false);
  }
}
