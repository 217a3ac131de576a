package io.raftkv.nemesis;

import io.raftkv.server.ClusterConfig;
import io.raftkv.server.ClusterConfigLoader;
import io.raftkv.server.HostPort;
import io.raftkv.server.InitialClusterState;
import io.raftkv.server.JoinOptions;
import io.raftkv.server.MemberAddresses;
import io.raftkv.server.RaftKvServer;
import io.raftkv.server.ServerLogging;
import io.raftkv.server.TraceOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The server process the harness starts: {@code --cluster F --id N --data-dir D
 * [--initial-cluster-state new|existing]} (default {@code new}), or to join a running cluster
 * {@code --join HOST:PORT,... --peer-address H:P --client-address H:P
 * [--auto-promote|--no-auto-promote]} besides those, the same as {@code raftkv server} (which
 * lives in the cli module, which depends on this one). Exits with 2 on a fatal error, as {@code
 * raftkv server} does.
 */
public final class NemesisServerMain {
  private NemesisServerMain() {}

  /** How long a joining server keeps asking the members to add it. */
  private static final long JOIN_TIMEOUT_MILLIS = 60_000;

  /** The parsed command line. */
  private record Args(Path cluster, Path dataDir, int id, InitialClusterState initial,
      List<HostPort> join, HostPort peer, HostPort client, boolean autoPromote) {}

  public static void main(String[] argv) throws Exception {
    ServerLogging.routeJavaUtilLogging(); // gRPC's and storage's logs in the same backend
    Args a;
    try {
      a = parse(argv);
    } catch (IllegalArgumentException e) {
      System.err.println("nemesis server: " + e.getMessage() + "; usage: --cluster F --id N"
          + " --data-dir D [--initial-cluster-state new|existing] [--join HOST:PORT,..."
          + " --peer-address H:P --client-address H:P [--no-auto-promote]]");
      System.exit(2);
      return;
    }
    ClusterConfig config = ClusterConfigLoader.load(a.cluster());
    int self = a.id();
    io.raftkv.server.FatalHandler.install("raftkv server " + self);
    Consumer<Throwable> onFatal = t -> {
      System.err.println("raftkv server " + self + ": fatal: " + t);
      Runtime.getRuntime().halt(2);
    };
    RaftKvServer server;
    try {
      server = a.join() == null
          ? RaftKvServer.start(config, self, a.dataDir(), TraceOptions.OFF, a.initial(), onFatal)
          : RaftKvServer.join(config, self, new JoinOptions(a.join(),
              new MemberAddresses(a.peer(), a.client()), a.autoPromote(), JOIN_TIMEOUT_MILLIS),
              a.dataDir(), TraceOptions.OFF, onFatal);
    } catch (RuntimeException e) {
      System.err.println("raftkv server " + self + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "raftkv-shutdown"));
    server.awaitTermination();
  }

  private static Args parse(String[] argv) {
    Path cluster = null;
    Path dataDir = null;
    int id = -1;
    InitialClusterState initial = InitialClusterState.NEW;
    List<HostPort> join = null;
    HostPort peer = null;
    HostPort client = null;
    boolean autoPromote = true;
    for (int i = 0; i < argv.length; i++) {
      String flag = argv[i];
      if (flag.equals("--auto-promote") || flag.equals("--no-auto-promote")) {
        autoPromote = flag.equals("--auto-promote");
        continue;
      }
      if (i + 1 >= argv.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String v = argv[++i];
      switch (flag) {
        case "--cluster" -> cluster = Path.of(v);
        case "--id" -> id = Integer.parseInt(v);
        case "--data-dir" -> dataDir = Path.of(v);
        case "--initial-cluster-state" -> initial = InitialClusterState.parse(v);
        case "--join" -> {
          join = new ArrayList<>();
          for (String s : v.split(",")) {
            join.add(HostPort.parse(s));
          }
        }
        case "--peer-address" -> peer = HostPort.parse(v);
        case "--client-address" -> client = HostPort.parse(v);
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    if (cluster == null || dataDir == null || id < 0) {
      throw new IllegalArgumentException("--cluster, --id and --data-dir are required");
    }
    if (join != null && (peer == null || client == null)) {
      throw new IllegalArgumentException("--join needs --peer-address and --client-address");
    }
    if (join == null && (peer != null || client != null)) {
      throw new IllegalArgumentException("--peer-address and --client-address go with --join");
    }
    return new Args(cluster, dataDir, id, initial, join, peer, client, autoPromote);
  }
}
