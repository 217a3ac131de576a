package io.raftkv.cli;

import io.raftkv.server.ClusterConfig;
import io.raftkv.server.ClusterConfigLoader;
import io.raftkv.server.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Which servers a key-value command contacts: {@code --servers}, else the environment variable
 * {@value #ENV}, else the client addresses of the local cluster {@code raftkv cluster up} runs
 * from the current directory (its members as {@code cluster add} and {@code remove} changed them,
 * {@code raftkv-data/members.json}, else its cluster file {@code raftkv-data/cluster.json}),
 * else {@code raftkv cluster up}'s default three servers.
 */
final class Endpoints {
  static final String ENV = "RAFTKV_ENDPOINTS";
  static final int DEFAULT_NODES = 3;

  /** The environment, replaceable by tests. */
  static Function<String, String> environment = System::getenv;

  /** The servers, and where that list came from (for messages). */
  record Resolved(List<String> servers, String source) {}

  private Endpoints() {}

  static Resolved resolve(List<String> option) {
    return resolve(option, environment.apply(ENV),
        Path.of(ClusterCommand.DEFAULT_DIR, "cluster.json"));
  }

  /**
   * @throws CliException (exit code 2) if the cluster file exists but cannot be read
   */
  static Resolved resolve(List<String> option, String env, Path clusterFile) {
    if (option != null && !option.isEmpty()) {
      return new Resolved(List.copyOf(option), "--servers");
    }
    if (env != null && !env.isBlank()) {
      List<String> list = new ArrayList<>();
      Arrays.stream(env.split(",")).map(String::strip).filter(s -> !s.isEmpty())
          .forEach(list::add);
      return new Resolved(list, ENV);
    }
    Path membersFile = clusterFile.resolveSibling(LocalMembers.FILE);
    if (Files.exists(membersFile)) {
      return new Resolved(LocalMembers.load(clusterFile.getParent() == null ? Path.of(".")
          : clusterFile.getParent()).clientAddresses(), membersFile.toString());
    }
    if (Files.exists(clusterFile)) {
      try {
        ClusterConfig c = ClusterConfigLoader.load(clusterFile);
        return new Resolved(c.members().stream().map(m -> m.clientAddress().toString()).toList(),
            clusterFile.toString());
      } catch (ConfigException e) {
        throw new CliException(CliException.USAGE, "cannot read the local cluster's addresses: "
            + e.getMessage().lines().findFirst().orElse("") + " (give --servers or " + ENV + ")");
      }
    }
    return new Resolved(LocalCluster.clientAddresses(DEFAULT_NODES),
        "the default (no --servers, no " + ENV + ", no " + clusterFile + ")");
  }
}
