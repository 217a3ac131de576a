package io.raftkv.cli;

import io.raftkv.server.ClusterConfig;
import io.raftkv.server.ClusterConfigLoader;
import io.raftkv.server.ConfigException;
import io.raftkv.server.FatalHandler;
import io.raftkv.server.HostPort;
import io.raftkv.server.JoinOptions;
import io.raftkv.server.MemberAddresses;
import io.raftkv.server.InitialClusterState;
import io.raftkv.server.RaftKvServer;
import io.raftkv.server.ServerLogging;
import io.raftkv.server.TraceOptions;
import io.raftkv.storage.StorageException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code raftkv server}: runs one server of a cluster until it is stopped. */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = "Run one RaftKV server. Stops with exit code 2 on a fatal storage or safety "
        + "error, after saying why.")
final class ServerCommand implements Callable<Integer> {
  @Option(names = "--cluster", required = true, description = "cluster configuration (JSON)")
  Path cluster;

  @Option(names = "--id", required = true, description = "this server's id (with --join: an id"
      + " no member has or had)")
  int id;

  @Option(names = "--data-dir", required = true, description = "this server's data directory")
  Path dataDir;

  @Option(names = "--initial-cluster-state", paramLabel = "new|existing", description = {
      "what an empty --data-dir means (required then, ignored when it holds data):",
      "new: the first start of a member of a new cluster;",
      "existing: a member of a running cluster whose data was lost (or a new machine for it): it"
          + " copies the log from the leader before it votes or counts toward a quorum"})
  String initialClusterState;

  @Option(names = "--join", paramLabel = "HOST:PORT,...", split = ",", description = {
      "join a running cluster instead of bootstrapping one: the client addresses of any of its",
      "members. With an empty --data-dir the server learns the members from them (MemberList)",
      "and asks to be added as a learner (MemberAdd), then catches up from the leader (by",
      "snapshot when far behind). Implies --initial-cluster-state existing; the --cluster file",
      "gives only the cluster id and options. Use an id no member has: ids are never reused."})
  java.util.List<String> join;

  @Option(names = "--peer-address", paramLabel = "HOST:PORT", description = "with --join: where"
      + " the other members reach this server (default: its peerAddress in --cluster, if listed)")
  String peerAddress;

  @Option(names = "--client-address", paramLabel = "HOST:PORT", description = "with --join:"
      + " where clients reach this server (default: its clientAddress in --cluster, if listed)")
  String clientAddress;

  @Option(names = "--auto-promote", negatable = true, defaultValue = "true", fallbackValue =
      "true", description = "with --join: let the leader promote this learner to voter by itself"
      + " once it has caught up (default: on; --no-auto-promote leaves it a learner until"
      + " `raftkv member promote`)")
  boolean autoPromote;

  @Option(names = "--trace-dir", paramLabel = "DIR", description = "record a trace: append this "
      + "server's events to DIR/serverN.trace.jsonl and DIR/raftN.trace.jsonl (off by default)")
  Path traceDir;

  @Option(names = "--trace-heartbeats", description = "with --trace-dir, also record heartbeats "
      + "and empty AppendEntries (left out by default to keep traces readable)")
  boolean traceHeartbeats;

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info", description =
      "trace, debug, info, warn, error or off (default: ${DEFAULT-VALUE}); all logs, gRPC's and"
          + " storage's too, go to stderr in one format")
  String logLevel;

  @Override
  public Integer call() throws Exception {
    // Before anything logs: the backend reads its level once.
    ServerLogging.routeJavaUtilLogging();
    try {
      ServerLogging.setLevel(logLevel);
    } catch (IllegalArgumentException e) {
      System.err.println("raftkv server: " + e.getMessage());
      return 2;
    }
    if (traceHeartbeats && traceDir == null) {
      System.err.println("raftkv server: --trace-heartbeats needs --trace-dir");
      return 2;
    }
    ClusterConfig config;
    RaftKvServer server;
    FatalHandler.install("raftkv server " + id);
    try {
      InitialClusterState initial = initialClusterState == null ? null
          : InitialClusterState.parse(initialClusterState);
      config = ClusterConfigLoader.load(cluster);
      TraceOptions trace = new TraceOptions(traceDir, traceHeartbeats);
      java.util.function.Consumer<Throwable> onFatal = t -> {
        System.err.println("raftkv server " + id + ": fatal: " + t);
        Runtime.getRuntime().halt(2); // stop at once: nothing more may be acknowledged
      };
      if (join != null) {
        if (initial == InitialClusterState.NEW) {
          throw new ConfigException("--join joins a running cluster: it cannot be combined with"
              + " --initial-cluster-state new");
        }
        server = RaftKvServer.join(config, id, joinOptions(config), dataDir, trace, onFatal);
      } else {
        if (peerAddress != null || clientAddress != null) {
          throw new ConfigException("--peer-address and --client-address go with --join; a"
              + " member of a new cluster listens where --cluster says");
        }
        server = RaftKvServer.start(config, id, dataDir, trace, initial, onFatal);
      }
    } catch (ConfigException | StorageException | IllegalArgumentException
        | IllegalStateException | java.io.UncheckedIOException | java.io.IOException e) {
      System.err.println("raftkv server: " + e.getMessage());
      return 2;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "raftkv-shutdown"));
    server.awaitTermination();
    return 0;
  }

  /** The --join options, this server's addresses from the flags or else the cluster file. */
  private JoinOptions joinOptions(ClusterConfig config) {
    java.util.Optional<ClusterConfig.Member> listed = config.member(id);
    HostPort peer = address("--peer-address", peerAddress,
        listed.map(ClusterConfig.Member::peerAddress));
    HostPort client = address("--client-address", clientAddress,
        listed.map(ClusterConfig.Member::clientAddress));
    java.util.List<HostPort> existing = new java.util.ArrayList<>();
    for (String a : join) {
      try {
        existing.add(HostPort.parse(a));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--join: " + e.getMessage());
      }
    }
    return new JoinOptions(existing, new MemberAddresses(peer, client), autoPromote, 60_000);
  }

  private static HostPort address(String flag, String given,
      java.util.Optional<HostPort> fromFile) {
    if (given == null) {
      return fromFile.orElseThrow(() -> new ConfigException("--join needs " + flag
          + " HOST:PORT (this id is not listed in --cluster)"));
    }
    try {
      return HostPort.parse(given);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(flag + ": " + e.getMessage());
    }
  }

}
