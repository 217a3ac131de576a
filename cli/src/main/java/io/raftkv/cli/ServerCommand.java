package io.raftkv.cli;

import io.raftkv.server.ClusterConfig;
import io.raftkv.server.ClusterConfigLoader;
import io.raftkv.server.ConfigException;
import io.raftkv.server.FatalHandler;
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

  @Option(names = "--id", required = true, description = "this server's id in the configuration")
  int id;

  @Option(names = "--data-dir", required = true, description = "this server's data directory")
  Path dataDir;

  @Option(names = "--initial-cluster-state", paramLabel = "new|existing", description = {
      "what an empty --data-dir means (required then, ignored when it holds data):",
      "new: the first start of a member of a new cluster;",
      "existing: a member of a running cluster whose data was lost (or a new machine for it): it"
          + " copies the log from the leader before it votes or counts toward a quorum"})
  String initialClusterState;

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
      server = RaftKvServer.start(config, id, dataDir, trace, initial, t -> {
        System.err.println("raftkv server " + id + ": fatal: " + t);
        Runtime.getRuntime().halt(2); // stop at once: nothing more may be acknowledged
      });
    } catch (ConfigException | StorageException | IllegalArgumentException
        | IllegalStateException | java.io.UncheckedIOException | java.io.IOException e) {
      System.err.println("raftkv server: " + e.getMessage());
      return 2;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "raftkv-shutdown"));
    server.awaitTermination();
    return 0;
  }

}
