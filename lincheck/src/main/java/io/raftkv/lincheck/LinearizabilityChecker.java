package io.raftkv.lincheck;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Checks a recorded key-value history for linearizability.
 *
 * <p>The history is split per key (linearizability is local: a history is linearizable iff each
 * key's sub-history is), keys are checked in parallel, largest first. Each key is first scanned
 * for the common anomalies that prove a violation outright (stale read, read of a value never
 * written), then searched with the Wing-Gong algorithm with Lowe's memoization as in Porcupine.
 *
 * <p>Before checking, {@link Operation.Outcome#FAILED_DEFINITELY} calls are dropped (they never
 * happened), ambiguous reads are dropped (they constrain nothing) and ambiguous writes are given
 * a return time of +infinity with an unknown output: the search may linearize them anywhere
 * after their invocation, including after everything else, which is the same as "never".
 *
 * <p>Thread-safe and stateless; every call uses its own worker threads and stops them before
 * returning.
 */
public final class LinearizabilityChecker {

  /** Default time given to shrinking a failing key history, on top of the check timeout. */
  public static final Duration DEFAULT_SHRINK_BUDGET = Duration.ofSeconds(2);

  private LinearizabilityChecker() {
  }

  /**
   * Checks {@code history}, shrinking a violation for up to {@link #DEFAULT_SHRINK_BUDGET}.
   *
   * @param timeout after this the keys still being searched are reported undecided and the
   *                verdict is {@link CheckResult.Verdict#UNKNOWN} unless some key failed
   */
  public static CheckResult check(List<Operation> history, Duration timeout) {
    return check(history, timeout, DEFAULT_SHRINK_BUDGET);
  }

  /**
   * Checks {@code history}; on a violation spends up to {@code shrinkBudget} looking for a
   * smaller failing sub-history of the failing key ({@link Duration#ZERO}: no shrinking).
   */
  public static CheckResult check(List<Operation> history, Duration timeout,
      Duration shrinkBudget) {
    long start = System.nanoTime();
    Map<String, List<Operation>> byKey = partition(history);
    int operations = byKey.values().stream().mapToInt(List::size).sum();
    long deadline = start + timeout.toNanos();
    Map<String, PartitionResult> results = checkAll(byKey, deadline);

    List<String> failing = new ArrayList<>();
    List<String> undecided = new ArrayList<>();
    results.forEach((key, r) -> {
      if (r.failed()) {
        failing.add(key);
      } else if (!r.decided()) {
        undecided.add(key);
      }
    });
    Optional<Violation> violation = failing.stream()
        .min(Comparator.comparingInt((String k) -> byKey.get(k).size()).thenComparing(k -> k))
        .map(k -> explain(k, byKey.get(k), results.get(k), shrinkBudget));
    CheckResult.Verdict verdict = !failing.isEmpty() ? CheckResult.Verdict.NOT_LINEARIZABLE
        : !undecided.isEmpty() ? CheckResult.Verdict.UNKNOWN
        : CheckResult.Verdict.LINEARIZABLE;
    return new CheckResult(verdict, violation, failing, undecided, operations,
        System.nanoTime() - start);
  }

  /**
   * Checks {@code history} and, on a violation, prints {@link CheckResult#report()} to
   * {@code out} and writes into {@code outputDir} the timeline {@code lincheck-<key>.html} (see
   * {@link Visualizer}) and the whole history as {@code lincheck-history.txt} (see
   * {@link HistoryIO}) so the run can be re-checked later.
   */
  public static CheckResult checkAndReport(List<Operation> history, Duration timeout,
      Path outputDir, PrintStream out) {
    CheckResult result = check(history, timeout);
    if (result.verdict() != CheckResult.Verdict.LINEARIZABLE) {
      out.print(result.report());
    }
    result.violation().ifPresent(v -> {
      try {
        Files.createDirectories(outputDir);
        Path html = outputDir.resolve("lincheck-" + safeFileName(v.key()) + ".html");
        Visualizer.writeHtml(result, html);
        Path saved = outputDir.resolve("lincheck-history.txt");
        HistoryIO.write(history, saved);
        out.println("timeline: " + html.toAbsolutePath());
        out.println("history:  " + saved.toAbsolutePath());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    return result;
  }

  /** Splits per key after normalizing outcomes; keeps the recorded order within a key. */
  static Map<String, List<Operation>> partition(List<Operation> history) {
    Map<String, List<Operation>> byKey = new LinkedHashMap<>();
    for (Operation op : history) {
      if (op.outcome() == Operation.Outcome.FAILED_DEFINITELY) {
        continue;
      }
      if (op.isAmbiguous() && op.kind() == Operation.Kind.GET) {
        continue;
      }
      Operation normalized = op.isAmbiguous() && op.returnNanos() != Long.MAX_VALUE
          ? op.ambiguous() : op;
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(normalized);
    }
    return byKey;
  }

  private static Map<String, PartitionResult> checkAll(Map<String, List<Operation>> byKey,
      long deadline) {
    List<String> keys = new ArrayList<>(byKey.keySet());
    // Largest first, so the long searches start early and small keys fill the gaps.
    keys.sort(Comparator.comparingInt((String k) -> -byKey.get(k).size()));
    Map<String, PartitionResult> results = new LinkedHashMap<>();
    if (keys.size() <= 1) {
      keys.forEach(k -> results.put(k, checkKey(byKey.get(k), deadline)));
      return results;
    }
    int threads = Math.min(keys.size(), Runtime.getRuntime().availableProcessors());
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "lincheck-worker");
      t.setDaemon(true);
      return t;
    });
    try {
      Map<String, Future<PartitionResult>> futures = new LinkedHashMap<>();
      for (String k : keys) {
        futures.put(k, pool.submit(() -> checkKey(byKey.get(k), deadline)));
      }
      for (Map.Entry<String, Future<PartitionResult>> e : futures.entrySet()) {
        results.put(e.getKey(), e.getValue().get());
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("checker failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * One key: the cheap pattern check first (it proves the common anomalies even where the
   * search would time out), then the search.
   */
  static PartitionResult checkKey(List<Operation> history, long deadline) {
    List<Operation> witness = StaleReadFinder.find(history);
    if (witness != null) {
      PartitionResult r = PartitionSearch.check(witness, System::nanoTime, deadline);
      if (r.failed()) { // re-checked, so a flaw in a pattern's argument cannot cause a false alarm
        return r.in(witness);
      }
    }
    return PartitionSearch.check(history, System::nanoTime, deadline);
  }

  private static Violation explain(String key, List<Operation> keyHistory, PartitionResult r,
      Duration shrinkBudget) {
    List<Operation> failing = r.witness() != null ? r.witness() : keyHistory;
    List<Operation> minimal = failing;
    PartitionResult minimalResult = r;
    if (!shrinkBudget.isZero() && !shrinkBudget.isNegative()) {
      long deadline = System.nanoTime() + shrinkBudget.toNanos();
      Operation stuck = r.stuckOp() < 0 ? null : failing.get(r.stuckOp());
      List<Operation> shrunk = Shrinker.shrink(failing, stuck, System::nanoTime, deadline);
      if (shrunk.size() < failing.size()) {
        // The shrinker only keeps verdicts; one more search yields the shrunk history's prefix
        // and stuck point for the report. Should it not fail in time, the unshrunk one stays.
        PartitionResult again = PartitionSearch.check(shrunk, System::nanoTime,
            System.nanoTime() + Duration.ofSeconds(10).toNanos());
        if (again.failed()) {
          minimal = shrunk;
          minimalResult = again;
        }
      }
    }
    List<Operation> prefix = new ArrayList<>();
    for (int i : minimalResult.prefix()) {
      prefix.add(minimal.get(i));
    }
    Operation stuckAt = minimalResult.stuckOp() < 0 ? null : minimal.get(minimalResult.stuckOp());
    return new Violation(key, keyHistory, minimal, prefix, stuckAt);
  }

  private static String safeFileName(String key) {
    String s = key.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.length() > 60 ? s.substring(0, 60) : s;
  }
}
