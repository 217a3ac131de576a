package io.raftkv.nemesis;

import io.raftkv.server.ClusterConfig;
import io.raftkv.server.ClusterConfigLoader;
import io.raftkv.server.InitialClusterState;
import io.raftkv.server.RaftKvServer;
import io.raftkv.server.ServerLogging;
import io.raftkv.server.TraceOptions;
import java.nio.file.Path;

/**
 * The server process the harness starts: {@code --cluster F --id N --data-dir D
 * [--initial-cluster-state new|existing]} (default {@code new}), the same as {@code raftkv server}
 * (which lives in the cli module, which depends on this one). Exits with 2 on a fatal error, as
 * {@code raftkv server} does.
 */
public final class NemesisServerMain {
  private NemesisServerMain() {}

  public static void main(String[] args) throws Exception {
    ServerLogging.routeJavaUtilLogging(); // gRPC's and storage's logs in the same backend
    Path cluster = null;
    Path dataDir = null;
    int id = -1;
    InitialClusterState initial = InitialClusterState.NEW;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--cluster" -> cluster = Path.of(args[i + 1]);
        case "--id" -> id = Integer.parseInt(args[i + 1]);
        case "--data-dir" -> dataDir = Path.of(args[i + 1]);
        case "--initial-cluster-state" -> initial = InitialClusterState.parse(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (cluster == null || dataDir == null || id < 0) {
      System.err.println("usage: --cluster F --id N --data-dir D"
          + " [--initial-cluster-state new|existing]");
      System.exit(2);
    }
    ClusterConfig config = ClusterConfigLoader.load(cluster);
    int self = id;
    io.raftkv.server.FatalHandler.install("raftkv server " + self);
    RaftKvServer server;
    try {
      server = RaftKvServer.start(config, id, dataDir, TraceOptions.OFF, initial, t -> {
        System.err.println("raftkv server " + self + ": fatal: " + t);
        Runtime.getRuntime().halt(2);
      });
    } catch (RuntimeException e) {
      System.err.println("raftkv server " + self + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "raftkv-shutdown"));
    server.awaitTermination();
  }
}
