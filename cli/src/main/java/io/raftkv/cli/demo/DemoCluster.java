package io.raftkv.cli.demo;

import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.StatusResponse;
import io.raftkv.cli.LocalCluster;
import io.raftkv.nemesis.launch.Ports;
import io.raftkv.nemesis.launch.StatusProbe;
import io.raftkv.nemesis.launch.ServerLauncher;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The 7 configured servers of one scenario run as real processes ({@link ServerLauncher}), under
 * the scenario's directory, on free loopback ports, tracing into the scenario's trace directory.
 * Only the servers a scenario starts run; {@link #close()} stops every one still running (SIGTERM,
 * so their trace files are complete; SIGKILL after 10 s).
 */
final class DemoCluster implements AutoCloseable {
  static final int SIZE = 7;

  /**
   * Quick elections on a loaded 2-core machine: 20 ms ticks, election timeouts of 300-600 ms,
   * heartbeats every 60 ms, a forwarded or uncommitted request given up after 2 s.
   */
  static final String OPTIONS = "{\"tickMillis\": 20, \"electionTicks\": 15, "
      + "\"heartbeatTicks\": 3, \"requestTimeoutMillis\": 2000}";

  /** The longest election timeout {@link #OPTIONS} gives (2 x 15 ticks of 20 ms). */
  static final Duration MAX_ELECTION_TIMEOUT = Duration.ofMillis(600);

  /**
   * The bound on waiting for a leader that every running server knows: generous, since 7 JVMs
   * starting at once on 2 cores that other work also wants can take half a minute to come up (on
   * an otherwise idle 2-core machine it takes about 5 s).
   */
  static final Duration LEADER_WAIT = Duration.ofSeconds(90);

  /** The bound on waiting for started servers to answer. */
  static final Duration START_WAIT = Duration.ofSeconds(60);

  /** Small, quickly started server JVMs (7 share 2 cores in CI). */
  static final List<String> JVM_OPTIONS = List.of("-Xmx128m", "-XX:TieredStopAtLevel=1",
      "-XX:+UseSerialGC", "-Xshare:auto");

  private final ServerLauncher cluster;
  private final Narrator narrator;

  DemoCluster(Path runDir, Path traceDir, String classPath, Narrator narrator) throws IOException {
    this.cluster = LocalCluster.launcher(runDir, SIZE).ports(Ports.free(SIZE))
        .serverOptions(OPTIONS).jvmOptions(JVM_OPTIONS).classPath(classPath)
        .trace(traceDir, false).stopOnExit(true).build();
    this.narrator = narrator;
    cluster.writeConfig();
  }

  /** Starts the given servers at once (their JVMs come up in parallel). */
  void start(int... ids) throws IOException {
    for (int id : ids) {
      cluster.start(id);
    }
    narrator.step("started server" + (ids.length > 1 ? "s " : " ") + join(ids) + "; now running: "
        + runningIds());
  }

  /** Kills the given servers with SIGKILL, one right after the other. */
  void kill(int... ids) {
    for (int id : ids) {
      cluster.kill(id);
    }
    narrator.step("killed server" + (ids.length > 1 ? "s " : " ") + join(ids) + " (SIGKILL); "
        + "now running: " + runningIds());
  }

  String address(int id) {
    return cluster.clientAddress(id);
  }

  List<String> addresses(List<Integer> ids) {
    return ids.stream().map(this::address).toList();
  }

  Collection<Integer> runningIds() {
    return cluster.runningNodes();
  }

  /** Leader {@code id} in {@code term}, as the servers report it. */
  record Leader(int id, long term) {}

  /**
   * Waits until every running server answers Status naming the same leader and term, and that
   * leader calls itself LEADER.
   */
  Leader awaitLeader(Duration timeout) throws InterruptedException, DemoFailure {
    Leader l = await(timeout, "a leader known to every running server " + runningIds(),
        () -> cluster.probe().agreedLeader(runningIds(), 2000)
            .map(found -> new Leader(found.id(), found.term())));
    narrator.step("server " + l.id() + " leads term " + l.term() + " (every running server says so)");
    return l;
  }

  /** Waits until every given server answers Status (is up and serving). */
  void awaitServing(Duration timeout, int... ids) throws InterruptedException, DemoFailure {
    await(timeout, "server(s) " + join(ids) + " answering", () -> {
      for (int id : ids) {
        if (status(id).isEmpty()) {
          return Optional.empty();
        }
      }
      return Optional.of(true);
    });
    narrator.step("server" + (ids.length > 1 ? "s " : " ") + join(ids) + " serving");
  }

  /**
   * Waits until server {@code id} has applied as much as the leader and holds the same state
   * (the leader's Status reports both).
   */
  void awaitCaughtUp(int id, Duration timeout) throws InterruptedException, DemoFailure {
    await(timeout, "server " + id + " caught up with the leader", () -> {
      for (int other : runningIds()) {
        Optional<StatusResponse> s = status(other);
        if (s.isPresent() && s.get().getLeaderId() == other) {
          Optional<MemberStatus> a = member(s.get(), id);
          Optional<MemberStatus> b = member(s.get(), other);
          if (a.isPresent() && b.isPresent() && a.get().getHealthy()
              && a.get().getAppliedIndex() == b.get().getAppliedIndex()
              && a.get().getStateHash() == b.get().getStateHash()) {
            return Optional.of(true);
          }
        }
      }
      return Optional.empty();
    });
  }

  /** Polls {@code probe} every 100 ms until it gives a value; a {@link DemoFailure} after the timeout. */
  static <T> T await(Duration timeout, String what, Supplier<Optional<T>> probe)
      throws InterruptedException, DemoFailure {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> v = probe.get();
      if (v.isPresent()) {
        return v.get();
      }
      if (System.nanoTime() > end) {
        throw new DemoFailure("no " + what + " within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(100);
    }
  }

  private Optional<StatusResponse> status(int id) {
    return cluster.probe().status(id, 2000);
  }

  private static Optional<MemberStatus> member(StatusResponse s, int id) {
    return StatusProbe.member(s, id);
  }

  private static String join(int... ids) {
    List<String> s = new ArrayList<>();
    for (int id : ids) {
      s.add(String.valueOf(id));
    }
    return String.join(", ", s);
  }

  /**
   * Stops every running server with SIGTERM (their shutdown closes the trace files), waiting up to
   * 10 s each before SIGKILL; closes the status channels.
   */
  @Override
  public void close() {
    cluster.stopAll(Duration.ofSeconds(10));
    cluster.close();
  }
}
