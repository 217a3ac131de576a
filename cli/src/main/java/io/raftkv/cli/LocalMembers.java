package io.raftkv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftkv.nemesis.launch.Ports;
import io.raftkv.server.ClusterConfig;
import io.raftkv.server.ClusterConfigLoader;
import io.raftkv.server.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The members of the local cluster {@code raftkv cluster up} runs in a directory, as {@code
 * cluster add} and {@code cluster remove} changed them: {@code members.json} next to {@code
 * cluster.json}. The cluster file stays what it was (the bootstrap configuration, which the
 * servers read only for a new cluster); this file says which nodes run now and which of them
 * joined later (started with {@code --join}). A directory from before this file has none: its
 * members are the cluster file's.
 *
 * <pre>{@code
 * {"members": [{"id": 1, "peerAddress": "127.0.0.1:7101", "clientAddress": "127.0.0.1:7001",
 *               "joined": false}, ...]}
 * }</pre>
 */
final class LocalMembers {
  static final String FILE = "members.json";

  /** One local member: its addresses, and whether it joined a running cluster. */
  record Node(int id, String peerAddress, String clientAddress, boolean joined) {}

  private static final Pattern NODE_FILE = Pattern.compile("node-(\\d+)(\\..*)?");

  private final Map<Integer, Node> nodes = new TreeMap<>();

  /**
   * The directory's members: {@code members.json} if present, else the cluster file's.
   *
   * @throws CliException (usage) if there is no cluster in {@code dir} or a file is unreadable
   */
  static LocalMembers load(Path dir) {
    LocalMembers m = new LocalMembers();
    Path file = dir.resolve(FILE);
    if (Files.exists(file)) {
      try {
        JsonNode root = KvCommands.JSON.readTree(file.toFile());
        for (JsonNode n : root.path("members")) {
          m.put(new Node(n.path("id").asInt(), n.path("peerAddress").asText(),
              n.path("clientAddress").asText(), n.path("joined").asBoolean()));
        }
      } catch (IOException e) {
        throw new CliException(CliException.USAGE, "cannot read " + file + ": " + e.getMessage());
      }
      if (m.nodes.isEmpty()) {
        throw new CliException(CliException.USAGE, file + " lists no members");
      }
      return m;
    }
    Path config = dir.resolve("cluster.json");
    if (!Files.exists(config)) {
      throw new CliException(CliException.USAGE, "no cluster in " + dir
          + " (run raftkv cluster up first)");
    }
    try {
      ClusterConfig c = ClusterConfigLoader.load(config);
      c.members().forEach(x -> m.put(new Node(x.id(), x.peerAddress().toString(),
          x.clientAddress().toString(), false)));
    } catch (ConfigException e) {
      throw new CliException(CliException.USAGE, e.getMessage().lines().findFirst().orElse(""));
    }
    return m;
  }

  void put(Node node) {
    nodes.put(node.id(), node);
  }

  void remove(int id) {
    nodes.remove(id);
  }

  Node get(int id) {
    return nodes.get(id);
  }

  List<Node> nodes() {
    return List.copyOf(nodes.values());
  }

  /**
   * The cluster's port bases: every local member listens on client base + id and peer base +
   * id ({@link io.raftkv.nemesis.launch.ServerLauncher}), so any member tells them.
   */
  Ports ports() {
    Node any = nodes.values().iterator().next();
    return new Ports(port(any.clientAddress()) - any.id(), port(any.peerAddress()) - any.id());
  }

  /** The largest id whose client port stays below the peer ports. */
  int maxId() {
    Ports p = ports();
    return p.peerBase() > p.clientBase() ? p.peerBase() - p.clientBase() - 1 : 99;
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  List<String> clientAddresses() {
    return nodes.values().stream().map(Node::clientAddress).toList();
  }

  /**
   * The arguments that start node {@code id} as a joiner of this cluster (empty for a member
   * of the bootstrap configuration): the other members' client addresses to ask, its own.
   */
  List<String> joinArgs(int id) {
    Node self = nodes.get(id);
    if (self == null || !self.joined()) {
      return List.of();
    }
    List<String> others = new ArrayList<>();
    nodes.values().stream().filter(n -> n.id() != id).forEach(n -> others.add(n.clientAddress()));
    return List.of("--join", String.join(",", others), "--peer-address", self.peerAddress(),
        "--client-address", self.clientAddress());
  }

  /**
   * The next id never used in {@code dir}: above every member's and every node file's
   * ({@code node-N/}, {@code node-N.log}...), since ids are never reused.
   */
  int nextId(Path dir) throws IOException {
    int max = nodes.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    if (Files.isDirectory(dir)) {
      try (var list = Files.list(dir)) {
        for (Path p : list.toList()) {
          Matcher m = NODE_FILE.matcher(p.getFileName().toString());
          if (m.matches()) {
            max = Math.max(max, Integer.parseInt(m.group(1)));
          }
        }
      }
    }
    return max + 1;
  }

  void save(Path dir) throws IOException {
    ObjectNode root = KvCommands.JSON.createObjectNode();
    var array = root.putArray("members");
    for (Node n : nodes.values()) {
      array.addObject().put("id", n.id()).put("peerAddress", n.peerAddress())
          .put("clientAddress", n.clientAddress()).put("joined", n.joined());
    }
    Path tmp = dir.resolve(FILE + ".tmp");
    Files.writeString(tmp, KvCommands.JSON.writerWithDefaultPrettyPrinter()
        .writeValueAsString(root) + "\n");
    Files.move(tmp, dir.resolve(FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
