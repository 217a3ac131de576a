package io.raftkv.sim;

/**
 * What a successful run did.
 *
 * @param steps          events processed
 * @param simulatedMillis simulated time at the end
 * @param fingerprint    hash of the whole event history: equal for identical runs
 * @param messages       messages sent
 * @param committed      highest index applied anywhere
 * @param leaders        leaders elected (one per term that had one)
 * @param faults         crashes, fsync failures, corrupted nodes refusing to start, snapshots
 *                       installed by followers, client operations completed, disks wiped,
 *                       acknowledged log tails lost, rejoins completed
 * @param wallNanos      real time the run took
 */
public record SimResult(
    SimConfig config,
    long steps,
    long simulatedMillis,
    long fingerprint,
    long messages,
    long committed,
    int leaders,
    long[] faults,
    long wallNanos) {

  @Override
  public String toString() {
    return String.format("seed %d: %d nodes, %s, %d steps, %d simulated ms, %d messages, "
            + "%d committed, %d leaders, %d crashes, %d fsync failures, %d corrupted logs refused, "
            + "%d snapshots installed, %d client ops, %d disks wiped, %d acknowledged tails lost, "
            + "%d rejoins, fingerprint %016x",
        config.seed(), config.nodes(), config.profile().name(), steps, simulatedMillis, messages,
        committed, leaders, faults[0], faults[1], faults[2], faults[3], faults[4], faults[5],
        faults[6], faults[7], fingerprint);
  }
}
