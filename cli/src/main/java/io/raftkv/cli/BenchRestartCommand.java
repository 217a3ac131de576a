package io.raftkv.cli;

import io.raftkv.cli.bench.BenchCluster;
import io.raftkv.cli.bench.RestartState;
import io.raftkv.client.GetResult;
import io.raftkv.client.OpOptions;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.RetryPolicy;
import io.raftkv.client.Routing;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raftkv bench-restart}: how long a node holding many keys takes to restart and serve, and
 * how much heap it keeps for them. See {@code bench/README.md}.
 */
@Command(name = "bench-restart",
    header = "Time a restart of a node holding many keys, and its heap.",
    mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Restart time and heap of a node holding --keys keys of --value-size bytes: writes the "
            + "state as a snapshot into the data directories of a local 3-node cluster, starts "
            + "it, kills a follower with SIGKILL, restarts it and times until a linearizable Get "
            + "through that follower returns the last key's value (also noting when it first "
            + "accepts TCP connections); then runs a full GC in the restarted node (jcmd GC.run) "
            + "and reads its heap (jcmd GC.heap_info). Prints a machine-readable line",
        "  restart keys=.. value_size=.. raw_mb=.. restart_ms=.. restart_ms_all=[..]",
        "  listen_ms_all=[..] heap_used_mb=.. heap_ratio=.."})
public final class BenchRestartCommand implements Callable<Integer> {
  @Option(names = "--keys", description = "keys in the state (default: ${DEFAULT-VALUE})")
  int keys = 1_000_000;

  @Option(names = "--value-size", description = "value size in bytes (default: ${DEFAULT-VALUE})")
  int valueSize = 100;

  @Option(names = "--restarts", description = "restarts to time (default: ${DEFAULT-VALUE})")
  int restarts = 3;

  @Option(names = "--dir", description = "where data and logs go (default: a new temporary "
      + "directory, deleted after a successful run)")
  Path dir;

  @Option(names = "--server-jvm-opts", split = " ", description = "JVM options of the servers "
      + "(default: -Xmx1g)")
  List<String> serverJvmOptions = List.of("-Xmx1g");

  PrintStream out = System.out;
  PrintStream err = System.err;

  @Override
  public Integer call() throws Exception {
    if (keys < 1 || valueSize < 1 || restarts < 1) {
      err.println("raftkv bench-restart: --keys, --value-size and --restarts must be at least 1");
      return 2;
    }
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Path d = dir != null ? dir : Files.createTempDirectory("raftkv-bench-restart-");
    BenchCluster cluster = new BenchCluster(d, 3, serverJvmOptions,
        System.getProperty("java.class.path"));
    boolean ok = false;
    try {
      long t0 = System.nanoTime();
      RestartState state = RestartState.build(keys, valueSize);
      for (int id = 1; id <= 3; id++) {
        state.writeNodeDirectory(cluster.nodeDir(id), "bench", id);
      }
      out.printf(Locale.ROOT, "wrote a snapshot of %d keys (%.1f MB raw, %.1f MB on disk) into 3"
          + " data directories in %.1f s%n", keys, state.rawBytes() / 1e6,
          state.snapshotBytes() / 1e6, (System.nanoTime() - t0) / 1e9);
      cluster.start();
      int leader = cluster.awaitLeader(Duration.ofSeconds(60));
      int node = leader == 1 ? 2 : 1;
      byte[] lastKey = RestartState.key(keys - 1);
      byte[] lastValue = state.value(keys - 1);
      List<Long> times = new ArrayList<>();
      List<Long> listenTimes = new ArrayList<>();
      String address = cluster.clientAddresses().get(node - 1);
      for (int i = 0; i < restarts; i++) {
        cluster.kill(node);
        long start = System.nanoTime();
        cluster.restart(node);
        awaitListening(address);
        long listenMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        awaitServed(address, lastKey, lastValue);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        times.add(ms);
        listenTimes.add(listenMs);
        out.printf(Locale.ROOT, "restart %d of node %d: listening after %d ms, served the last key"
            + " after %d ms%n", i + 1, node, listenMs, ms);
      }
      long heap = heapAfterFullGc(cluster.pid(node));
      List<Long> sorted = new ArrayList<>(times);
      sorted.sort(null);
      out.printf(Locale.ROOT, "restart keys=%d value_size=%d raw_mb=%.1f restart_ms=%d "
              + "restart_ms_all=%s listen_ms_all=%s heap_used_mb=%.1f heap_ratio=%.2f%n",
          keys, valueSize, state.rawBytes() / 1e6, sorted.get(sorted.size() / 2),
          times.toString().replace(" ", ""), listenTimes.toString().replace(" ", ""), heap / 1e6,
          (double) heap / state.rawBytes());
      ok = true;
      return 0;
    } finally {
      cluster.close();
      if (ok && dir == null) {
        cluster.deleteDir();
      } else {
        out.println("server logs kept in " + d);
      }
    }
  }

  /**
   * Polls until the server accepts TCP connections on its client address. The client is made
   * only then: a gRPC channel whose first connection is refused waits 1 s, then 1.6 s, ... before
   * it tries again, and the restart time would measure that schedule instead of the server.
   */
  private static void awaitListening(String address) throws InterruptedException {
    int colon = address.lastIndexOf(':');
    InetSocketAddress target = new InetSocketAddress(address.substring(0, colon),
        Integer.parseInt(address.substring(colon + 1)));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < until) {
      try (Socket s = new Socket()) {
        s.connect(target, 1000);
        return;
      } catch (IOException e) {
        Thread.sleep(5); // not listening yet
      }
    }
    throw new IllegalStateException("the restarted node did not listen on " + address
        + " within 120 s");
  }

  /** Polls a linearizable Get through one server until it returns {@code value}. */
  private static void awaitServed(String address, byte[] key, byte[] value)
      throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    // LISTED: through this node even once the client knows the leader (leader routing would
    // send the Get to the leader and time that); retries 5-20 ms apart, so the time is the
    // server's, not the client's back-off (the default grows to 2 s).
    try (RaftKvClient c = RaftKvClient.builder().servers(address).routing(Routing.LISTED)
        .retryPolicy(new RetryPolicy(Duration.ofMillis(200), Duration.ofMillis(5),
            Duration.ofMillis(20))).build()) {
      while (System.nanoTime() < until) {
        try {
          GetResult r = c.get(key, OpOptions.defaults()).get(1, TimeUnit.SECONDS);
          if (r.value().isPresent() && Arrays.equals(r.value().get(), value)) {
            return;
          }
          throw new IllegalStateException("the restarted node served a wrong value for "
              + new String(key, StandardCharsets.UTF_8));
        } catch (java.util.concurrent.ExecutionException
            | java.util.concurrent.TimeoutException e) {
          Thread.sleep(5); // not serving yet
        }
      }
    }
    throw new IllegalStateException("the restarted node did not serve within 120 s");
  }

  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  /** Heap in use right after a full GC, from {@code jcmd}, in bytes. */
  private static long heapAfterFullGc(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher m = USED.matcher(info);
    if (!m.find()) {
      throw new IllegalStateException("cannot read the heap from jcmd GC.heap_info:\n" + info);
    }
    return Long.parseLong(m.group(1)) * 1024;
  }

  private static String jcmd(long pid, String what) throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process p = new ProcessBuilder(jcmd, String.valueOf(pid), what).redirectErrorStream(true)
        .start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("jcmd " + pid + " " + what + " failed:\n" + text);
    }
    return text;
  }
}
