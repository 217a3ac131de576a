package io.raftkv.cli;

import io.raftkv.api.MemberRoles;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.StatusRequest;
import io.raftkv.api.v1.StatusResponse;
import io.raftkv.nemesis.launch.ServerLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code raftkv cluster up|kill|restart|add|remove}: a local cluster of real server processes.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Run a local cluster of real server processes.",
    subcommands = {ClusterCommand.Up.class, ClusterCommand.Kill.class,
        ClusterCommand.Restart.class, ClusterMembershipCommands.Add.class,
        ClusterMembershipCommands.Remove.class})
final class ClusterCommand {
  static final String DEFAULT_DIR = "raftkv-data";
  /** How long {@code cluster up} waits for every server to listen before giving up. */
  static final long START_TIMEOUT_MILLIS = 60_000;

  @Command(name = "up", mixinStandardHelpOptions = true,
      description = {"Start N servers (ids 1..N, clients on 127.0.0.1:7001.., peers on :7101..), "
          + "show who leads and each node's state as it changes, stop them all on Ctrl-C. "
          + "With --demo, run a short demonstration instead and stop. A directory that already "
          + "holds a cluster's data is reused (the command says so); --fresh starts empty."})
  static final class Up implements Callable<Integer> {
    @Option(names = "--nodes", description = "cluster size, 1..7 (default: ${DEFAULT-VALUE})")
    int nodes = 3;

    @Option(names = "--dir", description = "where data, logs and pids go (default: "
        + DEFAULT_DIR + ")")
    Path dir = Path.of(DEFAULT_DIR);

    @Option(names = "--demo", description = "write, read, kill the leader, read again, restart "
        + "it and check it caught up; then stop")
    boolean demo;

    @Option(names = "--fresh", description = "wipe the directory first")
    boolean fresh;

    @Mixin
    TraceSwitches trace;

    @Override
    public Integer call() throws Exception {
      if (nodes < 1 || nodes > LocalCluster.MAX_NODES) {
        System.err.println("raftkv cluster up: --nodes must be 1.." + LocalCluster.MAX_NODES);
        return 2;
      }
      if (fresh || demo) {
        wipe(dir);
      } else if (holdsData(dir)) {
        System.out.println("reusing the data in " + dir + " (the keys written before are still "
            + "there; --fresh starts empty)");
      }
      ServerLauncher cluster = trace.apply(LocalCluster.launcher(dir, nodes)).build();
      cluster.writeConfig();
      if (!holdsMembers(dir)) {
        LocalMembers.load(dir).save(dir); // the cluster file's members; cluster add extends it
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(cluster, dir),
          "raftkv-cluster-stop"));
      java.util.List<String> failures = cluster.startAll(START_TIMEOUT_MILLIS);
      if (!failures.isEmpty()) {
        failures.forEach(System.err::println);
        System.err.println("raftkv cluster up: " + failures.size() + " of " + nodes
            + " servers failed to start; stopped the servers it started (logs in " + dir + ")");
        return 2;
      }
      System.out.println("started " + nodes + " servers; data, logs and pids in " + dir);
      Watcher watcher = new Watcher(cluster.clientAddresses());
      if (demo) {
        int code = new Demo(cluster, watcher).run();
        cluster.killAll();
        return code;
      }
      while (true) {
        watcher.poll().ifPresent(System.out::print);
        Thread.sleep(500);
      }
    }
  }

  @Command(name = "kill", mixinStandardHelpOptions = true,
      description = "Kill server N of the local cluster (SIGKILL).")
  static final class Kill implements Callable<Integer> {
    @Parameters(index = "0") int id;

    @Option(names = "--dir", description = "the directory `raftkv cluster up` was given "
        + "(default: " + DEFAULT_DIR + ")")
    Path dir = Path.of(DEFAULT_DIR);

    @Override
    public Integer call() {
      boolean killed = LocalCluster.launcher(dir, LocalCluster.MAX_NODES).build()
          .kill(id);
      System.out.println(killed ? "killed server " + id : "server " + id + " was not running");
      return killed ? 0 : 1;
    }
  }

  @Command(name = "restart", mixinStandardHelpOptions = true,
      description = "Start server N of the local cluster again (after kill).")
  static final class Restart implements Callable<Integer> {
    @Parameters(index = "0") int id;

    @Option(names = "--dir", description = "the directory `raftkv cluster up` was given "
        + "(default: " + DEFAULT_DIR + ")")
    Path dir = Path.of(DEFAULT_DIR);

    @Mixin
    TraceSwitches trace;

    @Override
    public Integer call() throws Exception {
      ServerLauncher c = trace.apply(LocalCluster.launcher(dir, LocalCluster.MAX_NODES)
          .joinArgs(id -> holdsMembers(dir) ? LocalMembers.load(dir).joinArgs(id) : List.of()))
          .build();
      if (!Files.exists(c.configFile(id))) {
        System.err.println("no cluster in " + dir + " (run raftkv cluster up first)");
        return 2;
      }
      if (c.running(id).isPresent()) {
        System.err.println("server " + id + " is already running");
        return 1;
      }
      c.start(id);
      System.out.println("started server " + id);
      return 0;
    }
  }

  private static boolean holdsMembers(Path dir) {
    return Files.exists(dir.resolve(LocalMembers.FILE));
  }

  /** Stops nodes 1..n and the nodes {@code cluster add} started since. */
  private static void stopAll(ServerLauncher cluster, Path dir) {
    cluster.killAll();
    try {
      LocalMembers.load(dir).nodes().forEach(n -> cluster.kill(n.id()));
    } catch (CliException e) {
      // no members file: nothing was added
    }
  }

  /** Whether {@code dir} holds a node's data directory from an earlier {@code cluster up}. */
  static boolean holdsData(Path dir) throws java.io.IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var list = Files.list(dir)) {
      return list.anyMatch(p -> Files.isDirectory(p)
          && p.getFileName().toString().startsWith("node-"));
    }
  }

  static void wipe(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Polls the cluster's Status and describes what changed. */
  static final class Watcher {
    private final KvCommands.Servers servers = new KvCommands.Servers();
    private String last = "";

    Watcher(java.util.List<String> addresses) {
      servers.servers = addresses;
      servers.timeoutMillis = 1000;
    }

    /**
     * The cluster's Status, from the leader when one is known (only the leader knows each
     * member's match index), else from the first server that answers.
     */
    StatusResponse status() {
      StatusResponse r = servers.call(s -> s.status(StatusRequest.getDefaultInstance()));
      long leader = r.getLeaderId();
      if (leader == 0 || r.getHeader().getServerId() == leader) {
        return r;
      }
      KvCommands.Servers atLeader = new KvCommands.Servers();
      atLeader.timeoutMillis = servers.timeoutMillis;
      atLeader.servers = r.getMembersList().stream().filter(m -> m.getId() == leader)
          .map(MemberStatus::getClientAddress).toList();
      try {
        return atLeader.servers.isEmpty() ? r
            : atLeader.call(s -> s.status(StatusRequest.getDefaultInstance()));
      } catch (RuntimeException e) {
        return r; // the leader did not answer: what the first server knows
      }
    }

    /** A line per node when leadership or any node's role or reachability changed. */
    java.util.Optional<String> poll() {
      StatusResponse r;
      try {
        r = status();
      } catch (RuntimeException e) {
        return changed("no server answers yet\n");
      }
      StringBuilder sb = new StringBuilder();
      sb.append(r.getLeaderId() == 0 ? "no leader" : "leader " + r.getLeaderId())
          .append(" (term ").append(r.getTerm()).append("):");
      for (MemberStatus m : r.getMembersList()) {
        sb.append("  ").append(m.getId()).append('=')
            .append(MemberRoles.of(m).name().toLowerCase());
      }
      return changed(sb.append('\n').toString());
    }

    private java.util.Optional<String> changed(String now) {
      if (now.equals(last)) {
        return java.util.Optional.empty();
      }
      last = now;
      return java.util.Optional.of(java.time.LocalTime.now().withNano(0) + "  " + now);
    }
  }
}
