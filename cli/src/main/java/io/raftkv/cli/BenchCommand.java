package io.raftkv.cli;

import io.raftkv.cli.bench.BenchCluster;
import io.raftkv.cli.bench.BenchResult;
import io.raftkv.cli.bench.BenchSpec;
import io.raftkv.cli.bench.ClosedLoop;
import io.raftkv.cli.bench.MembershipFault;
import io.raftkv.cli.bench.MatrixTable;
import io.raftkv.cli.bench.Workload;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.StatusResponse;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.Routing;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raftkv bench}: closed-loop throughput and latency through the project's own client.
 * See {@code bench/README.md}.
 */
@Command(name = "bench",
    header = "Closed-loop load against a cluster, with latency percentiles.",
    mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Closed-loop load: --concurrency operations in flight through RaftKvClient, latencies in "
            + "an HdrHistogram, a progress line each second and a final result line",
        "  op=put conc=64 ops=.. tput=.. p50_ms=.. p99_ms=.. p999_ms=.. errors=.. (more fields)",
        "With --cluster-up N (and no --op/--concurrency) it starts N local servers and runs the "
            + "standard matrix (put and get at concurrency 1, 16, 64, 256), then prints a table.",
        "With --cluster-up N --kill-leader-after S it kills the leader S seconds into a run at "
            + "concurrency 64 and reports the longest gap with no completed operation."})
public final class BenchCommand implements Callable<Integer> {
  @Option(names = "--servers", split = ",", paramLabel = "host:port",
      description = "client addresses of a running cluster")
  List<String> servers;

  @Option(names = "--cluster-up", paramLabel = "N",
      description = "start N local server processes (1..7) on free loopback ports first")
  Integer clusterUp;

  @Option(names = "--op", description = "put, get or mixed (default: put)")
  String op;

  @Option(names = "--concurrency", description = "operations in flight (default: 16; 64 with "
      + "--kill-leader-after)")
  Integer concurrency;

  @Option(names = "--seconds", description = "measured seconds per run (default: 10; 15 with "
      + "--kill-leader-after)")
  Double seconds;

  @Option(names = "--warmup", description = "warm-up seconds per run, not recorded "
      + "(default: ${DEFAULT-VALUE})")
  double warmup = 5;

  @Option(names = "--keys", description = "distinct keys key-0..key-(K-1) (default: "
      + "${DEFAULT-VALUE})")
  int keys = 1000;

  @Option(names = "--value-size", description = "value size in bytes (default: ${DEFAULT-VALUE})")
  int valueSize = 100;

  @Option(names = "--read", description = "read consistency: linearizable or serializable "
      + "(default: ${DEFAULT-VALUE})")
  String read = "linearizable";

  @Option(names = "--read-ratio", description = "share of gets with --op mixed (default: "
      + "${DEFAULT-VALUE})")
  double readRatio = 0.5;

  @Option(names = "--deadline-ms", description = "per-operation deadline, 0 for none "
      + "(default: ${DEFAULT-VALUE}); an operation past it counts as an error")
  long deadlineMillis = 10_000;

  @Option(names = "--kill-leader-after", paramLabel = "S", description = "with --cluster-up: "
      + "SIGKILL the leader S seconds into the measured run")
  double killLeaderAfter;

  @Option(names = "--remove-leader-after", paramLabel = "S", description = "with --cluster-up: "
      + "the leader removes itself (member remove) S seconds into the measured run; reports the "
      + "longest gap with no completed operation")
  double removeLeaderAfter;

  @Option(names = "--add-member-after", paramLabel = "S", description = "with --cluster-up: S "
      + "seconds into the measured run a new server joins (--join, auto-promote); reports how long "
      + "until it is a voter. With --op put the keys are written once first (--keys of them)")
  double addMemberAfter;

  @Option(names = "--matrix", description = "run the standard matrix (implied by --cluster-up "
      + "without --op, --concurrency or --kill-leader-after)")
  boolean matrix;

  @Option(names = "--matrix-concurrency", split = ",", description = "concurrency levels of the "
      + "matrix (default: 1,16,64,256)")
  List<Integer> matrixConcurrency = List.of(1, 16, 64, 256);

  @Option(names = "--initial-warmup", description = "matrix only: seconds of mixed load at "
      + "concurrency 64 before the first step, not recorded (default: ${DEFAULT-VALUE})")
  double initialWarmup = 20;

  @Option(names = "--dir", description = "with --cluster-up: where data and logs go (default: a "
      + "new temporary directory, deleted afterwards unless the run fails)")
  Path dir;

  @Option(names = "--server-jvm-opts", split = " ", description = "with --cluster-up: JVM "
      + "options of the servers (default: -Xmx512m)")
  List<String> serverJvmOptions = List.of("-Xmx512m");

  @Option(names = "--routing", description = "where the client sends writes and linearizable "
      + "reads: leader (it finds the leader itself, the default) or listed (the first listed "
      + "server until it fails; a follower there forwards each request to the leader)")
  String routing = "leader";

  @Option(names = "--follower-first", description = "with --cluster-up: list a follower's "
      + "address first (with --routing listed every request is then forwarded; with --routing "
      + "leader the client starts there and moves to the leader)")
  boolean followerFirst;

  @Option(names = "--quiet", description = "no progress lines")
  boolean quiet;

  PrintStream out = System.out;
  PrintStream err = System.err;

  /** Where progress, results and problems go (default: standard output and error). */
  public BenchCommand streams(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
    return this;
  }

  /** The parameters of a single run, from the options. */
  BenchSpec spec() {
    BenchSpec s = new BenchSpec();
    s.op = op == null ? BenchSpec.Op.PUT : BenchSpec.Op.parse(op);
    boolean fault = killLeaderAfter > 0 || removeLeaderAfter > 0 || addMemberAfter > 0;
    s.concurrency = concurrency != null ? concurrency : fault ? 64 : 16;
    s.seconds = seconds != null ? seconds : fault ? 15 : 10;
    s.warmupSeconds = warmup;
    s.keys = keys;
    s.valueSize = valueSize;
    s.serializableReads = "serializable".equalsIgnoreCase(read);
    s.readRatio = readRatio;
    s.deadlineMillis = deadlineMillis;
    s.killLeaderAfterSeconds = killLeaderAfter;
    return s;
  }

  boolean matrixMode() {
    return matrix || (clusterUp != null && op == null && concurrency == null
        && killLeaderAfter == 0 && removeLeaderAfter == 0 && addMemberAfter == 0);
  }

  /** Every problem with the options; empty if they are fine. */
  public List<String> validate() {
    List<String> errors = new ArrayList<>();
    if (op != null && BenchSpec.Op.parse(op) == null) {
      errors.add("--op must be put, get or mixed, got '" + op + "'");
    }
    if (!"leader".equalsIgnoreCase(routing) && !"listed".equalsIgnoreCase(routing)) {
      errors.add("--routing must be leader or listed, got '" + routing + "'");
    }
    if (followerFirst && (clusterUp == null || clusterUp < 2)) {
      errors.add("--follower-first needs --cluster-up 2 or more");
    }
    if (!"serializable".equalsIgnoreCase(read) && !"linearizable".equalsIgnoreCase(read)) {
      errors.add("--read must be linearizable or serializable, got '" + read + "'");
    }
    BenchSpec s = spec();
    for (String e : s.validate()) {
      if (!(s.op == null && e.startsWith("--op"))) {
        errors.add(e);
      }
    }
    boolean hasServers = servers != null && !servers.isEmpty();
    if (hasServers == (clusterUp != null)) {
      errors.add("give exactly one of --servers and --cluster-up");
    }
    if (hasServers) {
      for (String a : servers) {
        int colon = a.lastIndexOf(':');
        boolean ok = colon > 0;
        if (ok) {
          try {
            int port = Integer.parseInt(a.substring(colon + 1));
            ok = port >= 1 && port <= 65535;
          } catch (NumberFormatException e) {
            ok = false;
          }
        }
        if (!ok) {
          errors.add("--servers: '" + a + "' is not host:port");
        }
      }
    }
    if (clusterUp != null && (clusterUp < 1 || clusterUp > LocalCluster.MAX_NODES)) {
      errors.add("--cluster-up must be 1.." + LocalCluster.MAX_NODES + ", got " + clusterUp);
    }
    if (killLeaderAfter > 0 && clusterUp == null) {
      errors.add("--kill-leader-after needs --cluster-up (only servers it started can be killed)");
    }
    if (killLeaderAfter > 0 && clusterUp != null && clusterUp < 3) {
      errors.add("--kill-leader-after needs --cluster-up 3 or more (a majority must survive)");
    }
    if (killLeaderAfter > 0 && matrix) {
      errors.add("--kill-leader-after and --matrix do not go together");
    }
    int faults = (killLeaderAfter > 0 ? 1 : 0) + (removeLeaderAfter > 0 ? 1 : 0)
        + (addMemberAfter > 0 ? 1 : 0);
    if (faults > 1) {
      errors.add("--kill-leader-after, --remove-leader-after and --add-member-after: one at a time");
    }
    if ((removeLeaderAfter > 0 || addMemberAfter > 0)
        && (clusterUp == null || clusterUp < 3 || matrix)) {
      errors.add("--remove-leader-after and --add-member-after need --cluster-up 3 or more (and"
          + " no --matrix)");
    }
    double measured = spec().seconds;
    if (Math.max(removeLeaderAfter, addMemberAfter) >= measured) {
      errors.add("--remove-leader-after and --add-member-after must be less than --seconds ("
          + measured + ")");
    }
    if (matrixMode()) {
      if (matrixConcurrency.isEmpty()) {
        errors.add("--matrix-concurrency must name at least one level");
      }
      for (int c : matrixConcurrency) {
        if (c < 1 || c > BenchSpec.MAX_CONCURRENCY) {
          errors.add("--matrix-concurrency: " + c + " is not 1.." + BenchSpec.MAX_CONCURRENCY);
        }
      }
      if (!(initialWarmup >= 0)) {
        errors.add("--initial-warmup must be 0 or more seconds");
      }
    }
    return errors;
  }

  @Option(names = "--verbose", description = "show the client's log (failovers) too")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    if (!verbose && System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      // Before the client's first logger exists: its INFO lines would drown the progress lines.
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    List<String> problems = validate();
    if (!problems.isEmpty()) {
      for (String p : problems) {
        err.println("raftkv bench: " + p);
      }
      return 2;
    }
    BenchCluster cluster = null;
    boolean ok = false;
    try {
      List<String> targets = servers;
      if (clusterUp != null) {
        Path d = dir != null ? dir : Files.createTempDirectory("raftkv-bench-");
        cluster = new BenchCluster(d, clusterUp, serverJvmOptions,
            System.getProperty("java.class.path"));
        BenchCluster c = cluster;
        Thread hook = new Thread(c::close, "raftkv-bench-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        cluster.start();
        int leader = cluster.awaitLeader(Duration.ofSeconds(30));
        targets = new ArrayList<>(cluster.clientAddresses());
        if (followerFirst && leader == 1) {
          targets.add(targets.remove(0)); // node 2 first
        }
        boolean atLeader = targets.get(0).equals(cluster.clientAddresses().get(leader - 1));
        out.println("started " + clusterUp + " servers (data and logs in " + d + "), leader "
            + leader + "; the client lists " + targets.get(0) + " first" + (atLeader
                ? " (the leader)" : routing() == Routing.LEADER
                ? " (a follower; the client routes to the leader)"
                : " (a follower: writes and linearizable reads are forwarded to the leader)"));
      }
      int code = matrixMode() ? runMatrix(targets, cluster) : runOne(targets, cluster);
      ok = code == 0;
      return code;
    } finally {
      if (cluster != null) {
        cluster.close();
        if (ok && dir == null) {
          cluster.deleteDir();
        } else {
          out.println("server logs kept in " + cluster.dir());
        }
      }
    }
  }

  private RaftKvClient client(List<String> targets, int maxConcurrency) {
    return RaftKvClient.builder().servers(targets).routing(routing())
        .maxConcurrentWrites(Math.max(RaftKvClient.DEFAULT_MAX_CONCURRENT_WRITES, maxConcurrency))
        .build();
  }

  private Routing routing() {
    return "listed".equalsIgnoreCase(routing) ? Routing.LISTED : Routing.LEADER;
  }

  private int runOne(List<String> targets, BenchCluster cluster) throws Exception {
    BenchSpec s = spec();
    try (RaftKvClient client = client(targets, s.concurrency)) {
      Workload w = new Workload(s, client);
      if (s.op != BenchSpec.Op.PUT) {
        populate(w, s);
      }
      ClosedLoop.Run run = runOptions(s, cluster);
      AtomicInteger killed = new AtomicInteger();
      if (s.killLeaderAfterSeconds > 0) {
        run.faultAfterSeconds = s.killLeaderAfterSeconds;
        run.fault = () -> {
          try {
            int leader = cluster.awaitLeader(Duration.ofSeconds(5));
            cluster.kill(leader);
            killed.set(leader);
            out.println("killed leader " + leader + " (SIGKILL)");
          } catch (Exception e) {
            out.println("could not kill the leader: " + e);
          }
        };
      }
      MembershipFault change = new MembershipFault(cluster, out);
      if (removeLeaderAfter > 0) {
        run.faultAfterSeconds = removeLeaderAfter;
        run.fault = change::removeLeader;
      } else if (addMemberAfter > 0) {
        if (s.op == BenchSpec.Op.PUT) {
          populate(w, s);
        }
        run.faultAfterSeconds = addMemberAfter;
        run.fault = () -> change.addMember(Duration.ofSeconds((long) Math.max(60, s.seconds)));
      }
      BenchResult r = new ClosedLoop(w.operation(), s.concurrency).run(run);
      out.println(r.line());
      if (removeLeaderAfter > 0 || addMemberAfter > 0) {
        out.printf(Locale.ROOT, "%s; longest gap with no completed operation %.1f ms (from %.3f s"
            + " to %.3f s), errors %d%n", change.outcome(), r.maxGapMillis, r.maxGapStartSeconds,
            r.maxGapStartSeconds + r.maxGapMillis / 1e3, r.errors());
      }
      if (s.killLeaderAfterSeconds > 0) {
        out.printf(Locale.ROOT, "leader %d killed %s s into the run: longest gap with no "
            + "completed operation %.1f ms (from %.3f s to %.3f s), errors %d%n", killed.get(),
            BenchSpecFormat.seconds(s.killLeaderAfterSeconds), r.maxGapMillis,
            r.maxGapStartSeconds, r.maxGapStartSeconds + r.maxGapMillis / 1e3, r.errors());
      }
      return 0;
    }
  }

  /** Where the client's writes went, and how many requests the servers forwarded in all. */
  private void reportRouting(RaftKvClient client) {
    try {
      StatusResponse status = client.status().get(5, TimeUnit.SECONDS);
      long forwarded = status.getMembersList().stream()
          .mapToLong(MemberStatus::getForwardedRequests).sum();
      out.println("routing " + routing().name().toLowerCase(Locale.ROOT) + ": writes went to "
          + client.currentServer() + " at the end (leader " + status.getLeaderId()
          + "); the servers forwarded " + forwarded + " requests to the leader since they started");
    } catch (Exception e) {
      out.println("routing " + routing().name().toLowerCase(Locale.ROOT) + ": no Status to "
          + "report forwarding (" + e + ")");
    }
  }

  private void populate(Workload w, BenchSpec s) throws InterruptedException {
    long t0 = System.nanoTime();
    long failures = w.populate(Math.min(64, Math.max(1, s.keys)));
    out.printf(Locale.ROOT, "populated %d keys of %d bytes in %.1f s%s%n", s.keys, s.valueSize,
        (System.nanoTime() - t0) / 1e9, failures == 0 ? "" : " (" + failures + " failed)");
  }

  private ClosedLoop.Run runOptions(BenchSpec s, BenchCluster cluster) {
    ClosedLoop.Run run = new ClosedLoop.Run();
    run.label = s.op.label();
    run.warmupSeconds = s.warmupSeconds;
    run.seconds = s.seconds;
    run.progress = quiet ? null : out;
    run.serverCpuNanos = cluster == null ? null : cluster::cpuNanos;
    run.drainMillis = s.deadlineMillis > 0 ? s.deadlineMillis + 5_000 : 30_000;
    return run;
  }

  private int runMatrix(List<String> targets, BenchCluster cluster) throws Exception {
    BenchSpec base = spec();
    base.killLeaderAfterSeconds = 0;
    int max = matrixConcurrency.stream().mapToInt(Integer::intValue).max().orElse(1);
    List<BenchResult> results = new ArrayList<>();
    try (RaftKvClient client = client(targets, max)) {
      if (initialWarmup > 0) {
        BenchSpec w = base.copy();
        w.op = BenchSpec.Op.MIXED;
        w.concurrency = Math.min(64, max);
        Workload load = new Workload(w, client);
        populate(load, w);
        out.printf(Locale.ROOT, "warming up: mixed load at concurrency %d for %s s%n",
            w.concurrency, BenchSpecFormat.seconds(initialWarmup));
        ClosedLoop.Run run = runOptions(w, cluster);
        run.warmupSeconds = Math.max(0, initialWarmup - 1);
        run.seconds = Math.min(1, initialWarmup);
        run.progress = null;
        new ClosedLoop(load.operation(), w.concurrency).run(run);
      }
      for (BenchSpec.Op o : List.of(BenchSpec.Op.PUT, BenchSpec.Op.GET)) {
        for (int c : matrixConcurrency) {
          BenchSpec s = base.copy();
          s.op = o;
          s.concurrency = c;
          s.serializableReads = o == BenchSpec.Op.GET && base.serializableReads;
          Workload w = new Workload(s, client);
          if (o == BenchSpec.Op.GET && initialWarmup <= 0 && results.stream()
              .noneMatch(r -> r.op.equals("get"))) {
            populate(w, s);
          }
          BenchResult r = new ClosedLoop(w.operation(), c).run(runOptions(s, cluster));
          out.println(r.line());
          results.add(r);
        }
      }
      reportRouting(client);
    }
    out.println();
    out.print(MatrixTable.render(results));
    return 0;
  }

  /** Small formatting helpers. */
  static final class BenchSpecFormat {
    private BenchSpecFormat() {}

    static String seconds(double s) {
      return s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s);
    }
  }
}
