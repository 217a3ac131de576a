package io.raftkv.cli.demo;

import io.raftkv.trace.TraceEvent;
import io.raftkv.trace.TraceLog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What a scenario works with: its cluster of 7 configured servers (none running at first), its
 * trace directory, kvslib clients tracing into it, the narrator, and the results earlier scenarios
 * of the same {@code raftkv demo} run recorded for comparison.
 */
final class ScenarioRun implements AutoCloseable {
  final String id;
  final Path dir;
  final Path traceDir;
  final Narrator narrator;
  final DemoCluster cluster;
  private final Map<String, List<Workload.Outcome>> recorded;
  private final List<DemoClient> clients = new ArrayList<>();

  ScenarioRun(String id, Path dir, String classPath, Narrator narrator,
      Map<String, List<Workload.Outcome>> recorded) throws IOException {
    this.id = id;
    this.dir = dir;
    this.traceDir = dir.resolve("traces");
    this.narrator = narrator;
    this.recorded = recorded;
    this.cluster = new DemoCluster(dir.resolve("cluster"), traceDir, classPath, narrator);
  }

  /** Starts a kvslib client tracing as {@code name}, using the given servers in this order. */
  DemoClient client(String name, List<Integer> serverIds) {
    DemoClient c = new DemoClient(name, traceDir, cluster.addresses(serverIds), serverIds, narrator);
    clients.add(c);
    return c;
  }

  /** Every trace event written so far (files of running processes may still grow). */
  List<TraceEvent> traces() throws IOException {
    return TraceLog.read(traceDir);
  }

  /**
   * Polls the trace files every 100 ms until {@code ready} holds for their events or the timeout
   * passes, and returns the events either way (the verdicts then say what is missing): a process
   * may write an event a little after the state it records is visible through Status.
   */
  List<TraceEvent> awaitTraces(String what, Duration timeout, Predicate<List<TraceEvent>> ready)
      throws IOException, InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<TraceEvent> events = traces();
      if (ready.test(events)) {
        return events;
      }
      if (System.nanoTime() > end) {
        narrator.step("still no " + what + " after " + timeout.toSeconds() + " s");
        return events;
      }
      Thread.sleep(100);
    }
  }

  /** Keeps a scenario's outcomes (in OpId order) for later scenarios to compare with. */
  void record(List<Workload.Outcome> outcomes) {
    recorded.put(id, outcomes.stream()
        .sorted(java.util.Comparator.comparingLong(Workload.Outcome::opId)).toList());
  }

  /** The outcomes scenario run {@code id} recorded in this demo run, or null if it did not run. */
  List<Workload.Outcome> recordedBy(String id) {
    return recorded.get(id);
  }

  void step(String what) {
    narrator.step(what);
  }

  boolean verdict(Verdict v) {
    return narrator.verdict(v);
  }

  boolean verdict(String what, boolean passed, String evidence) {
    return narrator.verdict(what, passed, evidence);
  }

  /** Stops the clients (KvslibStop), then the servers. */
  @Override
  public void close() {
    for (DemoClient c : clients) {
      try {
        c.close();
      } catch (RuntimeException e) {
        narrator.step("stopping " + c.name + " failed: " + e);
      }
    }
    cluster.close();
  }
}
