package io.raftkv.cli;

import io.raftkv.server.ClusterConfig;
import io.raftkv.server.ClusterConfigLoader;
import io.raftkv.server.ConfigException;
import io.raftkv.server.RaftKvServer;
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

  @Override
  public Integer call() throws Exception {
    ClusterConfig config;
    RaftKvServer server;
    try {
      config = ClusterConfigLoader.load(cluster);
      server = RaftKvServer.start(config, id, dataDir, t -> {
        System.err.println("raftkv server " + id + ": fatal: " + t.getMessage());
        Runtime.getRuntime().halt(2); // stop at once: nothing more may be acknowledged
      });
    } catch (ConfigException | StorageException | IllegalArgumentException e) {
      System.err.println("raftkv server: " + e.getMessage());
      return 2;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "raftkv-shutdown"));
    server.awaitTermination();
    return 0;
  }
}
