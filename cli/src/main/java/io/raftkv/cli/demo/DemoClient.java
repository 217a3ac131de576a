package io.raftkv.cli.demo;

import io.raftkv.client.Kvslib;
import io.raftkv.client.NotifyQueue;
import io.raftkv.client.OpResult;
import io.raftkv.client.RetryPolicy;
import io.raftkv.trace.Tracer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One kvslib client of a scenario, tracing as {@code name} into the scenario's trace directory:
 * issues operations without waiting, and collects their results in arrival order.
 */
final class DemoClient implements AutoCloseable {
  /** Short attempts, so that a client whose server died moves on quickly. */
  static final RetryPolicy RETRY = new RetryPolicy(Duration.ofMillis(1500), Duration.ofMillis(50),
      Duration.ofMillis(500));

  final String name;
  private final Narrator narrator;
  private final Tracer tracer;
  private final Kvslib kvs;
  private final NotifyQueue queue;
  private final List<Long> opIdsByCall = new ArrayList<>();
  private final List<OpResult> arrivals = new ArrayList<>();
  private final List<String> connections = new CopyOnWriteArrayList<>();

  /**
   * Starts the kvslib.
   *
   * @param servers client addresses, the first one used first
   * @param labels the server ids of {@code servers}, for the narration
   */
  DemoClient(String name, Path traceDir, List<String> servers, List<Integer> labels,
      Narrator narrator) {
    this.name = name;
    this.narrator = narrator;
    this.tracer = Tracer.toDirectory(name, traceDir);
    this.kvs = new Kvslib(RETRY, (index, address) -> {
      connections.add(address);
      narrator.step(name + " connects to server " + labels.get(index) + " (" + address + ")");
    }, tracer);
    this.queue = kvs.start(name, servers, 256);
    narrator.step("started " + name + " (kvslib) with servers " + labels);
  }

  long put(String key, String value) throws InterruptedException {
    long id = kvs.put(key, value);
    opIdsByCall.add(id);
    narrator.step(name + " calls Put(" + key + ", " + value + ") -> OpId " + id);
    return id;
  }

  long get(String key) throws InterruptedException {
    long id = kvs.get(key);
    opIdsByCall.add(id);
    narrator.step(name + " calls Get(" + key + ") -> OpId " + id);
    return id;
  }

  /** Issues one workload operation. */
  long call(Workload.Op op) throws InterruptedException {
    return op.type() == OpResult.Type.PUT ? put(op.key(), op.value()) : get(op.key());
  }

  /**
   * Waits until {@code count} results in all have arrived (or the timeout passes), printing each;
   * returns how many have arrived.
   */
  int awaitResults(int count, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (arrivals.size() < count) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        break;
      }
      OpResult r = queue.poll(left, TimeUnit.NANOSECONDS);
      if (r != null) {
        arrivals.add(r);
        narrator.step(name + " result: " + describe(r));
      }
    }
    return arrivals.size();
  }

  static String describe(OpResult r) {
    String op = (r.type() == OpResult.Type.PUT ? "Put" : "Get") + "(" + r.key() + ")";
    return "OpId " + r.opId() + " " + op + (r.ok() ? " = " + ResultChecks.show(r.value())
        : " failed: " + r.error().getMessage());
  }

  /** How many results have arrived, taken or not. */
  int resultsSoFar() {
    return arrivals.size() + queue.size();
  }

  /** Results in the order they arrived. */
  List<OpResult> arrivals() {
    return List.copyOf(arrivals);
  }

  /** The OpIds the calls returned, in call order. */
  List<Long> opIdsByCall() {
    return List.copyOf(opIdsByCall);
  }

  /** The addresses the kvslib connected to, in order. */
  List<String> connections() {
    return List.copyOf(connections);
  }

  /** Stops the kvslib (KvslibStop) and closes the trace file. */
  @Override
  public void close() {
    kvs.stop();
    tracer.close();
  }
}
