package io.raftkv.sim;

/**
 * What a successful run did.
 *
 * @param steps          events processed
 * @param simulatedMillis simulated time at the end
 * @param fingerprint    hash of the whole event history: equal for identical runs
 * @param messages       messages sent
 * @param committed      highest index applied anywhere
 * @param wallNanos      real time the run took
 */
public record SimResult(
    SimConfig config,
    long steps,
    long simulatedMillis,
    long fingerprint,
    long messages,
    long committed,
    long wallNanos) {

  @Override
  public String toString() {
    return String.format("seed %d: %d nodes, %s, %d steps, %d simulated ms, %d messages, "
            + "%d committed, fingerprint %016x",
        config.seed(), config.nodes(), config.profile().name(), steps, simulatedMillis, messages,
        committed, fingerprint);
  }
}
