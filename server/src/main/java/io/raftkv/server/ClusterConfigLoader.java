package io.raftkv.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a cluster configuration file (JSON) and checks it whole, reporting every problem with the
 * field it is in, for example {@code members[2].peerAddress: '10.0.0.1' is not host:port}.
 *
 * <pre>{@code
 * {
 *   "clusterId": "demo",
 *   "members": [
 *     {"id": 1, "peerAddress": "127.0.0.1:7001", "clientAddress": "127.0.0.1:6001"},
 *     ...
 *   ],
 *   "options": {"tickMillis": 50, "electionTicks": 10, "heartbeatTicks": 2,
 *               "snapshotEntries": 10000, "sessionTimeoutMillis": 3600000,
 *               "maxPendingRequests": 10000, "requestTimeoutMillis": 5000,
 *               "maxPendingRequestBytes": 33554432, "maxSessionAnswerBytes": 67108864}
 * }
 * }</pre>
 *
 * <p>Every option may be left out for its default; unknown fields are errors (a misspelt option
 * silently ignored is worse than a refusal).
 */
public final class ClusterConfigLoader {
  private static final Set<String> TOP = Set.of("clusterId", "members", "options", "peerRoutes");
  private static final Set<String> MEMBER = Set.of("id", "peerAddress", "clientAddress");

  private ClusterConfigLoader() {}

  /** Loads and checks {@code file}; throws {@link ConfigException} listing every problem. */
  public static ClusterConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such file");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    try {
      return parse(text);
    } catch (ConfigException e) {
      throw new ConfigException(file + ": " + e.getMessage());
    }
  }

  /** Parses and checks configuration text. */
  public static ClusterConfig parse(String json) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new ConfigException("not valid JSON: " + e.getOriginalMessage() + " at line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
    }
    List<String> problems = new ArrayList<>();
    if (root == null || !root.isObject()) {
      throw new ConfigException("the configuration must be a JSON object");
    }
    unknownFields(root, TOP, "", problems);
    String clusterId = text(root, "clusterId", "clusterId", problems);
    if (clusterId != null && !clusterId.matches("[A-Za-z0-9._-]{1,64}")) {
      problems.add("clusterId: '" + clusterId
          + "' must be 1-64 letters, digits, '.', '_' or '-'");
    }
    List<ClusterConfig.Member> members = members(root.get("members"), problems);
    ClusterConfig.Options options = options(root.get("options"), problems);
    Map<Integer, HostPort> routes = peerRoutes(root.get("peerRoutes"), problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems.size() == 1 ? problems.get(0)
          : problems.size() + " problems:\n  " + String.join("\n  ", problems));
    }
    return new ClusterConfig(clusterId, members, options, routes);
  }

  private static List<ClusterConfig.Member> members(JsonNode node, List<String> problems) {
    List<ClusterConfig.Member> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      problems.add("members: missing; list at least one server");
      return out;
    }
    if (!node.isArray()) {
      problems.add("members: must be a list of servers");
      return out;
    }
    if (node.isEmpty()) {
      problems.add("members: empty; a cluster needs at least one server (N >= 1)");
    }
    Map<Integer, Integer> ids = new HashMap<>();
    Map<String, String> addresses = new HashMap<>();
    for (int i = 0; i < node.size(); i++) {
      String at = "members[" + i + "]";
      JsonNode m = node.get(i);
      if (!m.isObject()) {
        problems.add(at + ": must be an object with id, peerAddress and clientAddress");
        continue;
      }
      unknownFields(m, MEMBER, at + ".", problems);
      Integer id = null;
      JsonNode idNode = m.get("id");
      if (idNode == null) {
        problems.add(at + ".id: missing");
      } else if (!idNode.isInt() || idNode.asInt() < 1) {
        problems.add(at + ".id: " + idNode + " is not a positive whole number");
      } else {
        id = idNode.asInt();
        Integer earlier = ids.putIfAbsent(id, i);
        if (earlier != null) {
          problems.add(at + ".id: " + id + " is already the id of members[" + earlier + "]");
        }
      }
      HostPort peer = address(m, "peerAddress", at, addresses, problems);
      HostPort client = address(m, "clientAddress", at, addresses, problems);
      if (id != null && peer != null && client != null) {
        out.add(new ClusterConfig.Member(id, peer, client));
      }
    }
    return out;
  }

  /** {@code "peerRoutes": {"2": "host:port", ...}}: how this server dials those peers. */
  private static Map<Integer, HostPort> peerRoutes(JsonNode node, List<String> problems) {
    Map<Integer, HostPort> out = new java.util.TreeMap<>();
    if (node == null) {
      return out;
    }
    if (!node.isObject()) {
      problems.add("peerRoutes: must be an object of node id to host:port");
      return out;
    }
    node.fields().forEachRemaining(f -> {
      String at = "peerRoutes." + f.getKey();
      int id;
      try {
        id = Integer.parseInt(f.getKey());
      } catch (NumberFormatException e) {
        id = 0;
      }
      if (id < 1) {
        problems.add(at + ": '" + f.getKey() + "' is not a positive node id");
      } else if (!f.getValue().isTextual()) {
        problems.add(at + ": must be host:port text");
      } else {
        try {
          out.put(id, HostPort.parse(f.getValue().asText()));
        } catch (IllegalArgumentException e) {
          problems.add(at + ": " + e.getMessage());
        }
      }
    });
    return out;
  }

  private static HostPort address(JsonNode m, String field, String at,
      Map<String, String> seen, List<String> problems) {
    String text = text(m, field, at + "." + field, problems);
    if (text == null) {
      return null;
    }
    try {
      HostPort hp = HostPort.parse(text);
      String earlier = seen.putIfAbsent(hp.target(), at + "." + field);
      if (earlier != null) {
        problems.add(at + "." + field + ": " + hp + " is already used by " + earlier);
      }
      return hp;
    } catch (IllegalArgumentException e) {
      problems.add(at + "." + field + ": " + e.getMessage());
      return null;
    }
  }

  private static ClusterConfig.Options options(JsonNode node, List<String> problems) {
    ClusterConfig.Options d = ClusterConfig.Options.DEFAULTS;
    if (node == null || node.isNull()) {
      return d;
    }
    if (!node.isObject()) {
      problems.add("options: must be an object");
      return d;
    }
    unknownFields(node, Set.of("tickMillis", "electionTicks", "heartbeatTicks", "snapshotEntries",
        "sessionTimeoutMillis", "maxPendingRequests", "requestTimeoutMillis",
        "maxPendingRequestBytes", "maxSessionAnswerBytes"), "options.",
        problems);
    int tick = (int) number(node, "tickMillis", d.tickMillis(), 1, 10_000, problems);
    int election = (int) number(node, "electionTicks", d.electionTicks(), 2, 10_000, problems);
    int heartbeat = (int) number(node, "heartbeatTicks", d.heartbeatTicks(), 1, 10_000, problems);
    if (heartbeat >= election) {
      problems.add("options.heartbeatTicks: " + heartbeat + " must be smaller than electionTicks ("
          + election + ")");
    }
    int snapshot = (int) number(node, "snapshotEntries", d.snapshotEntries(), 1,
        Integer.MAX_VALUE, problems);
    long session = number(node, "sessionTimeoutMillis", d.sessionTimeoutMillis(), 1_000,
        Long.MAX_VALUE, problems);
    int pending = (int) number(node, "maxPendingRequests", d.maxPendingRequests(), 1, 10_000_000,
        problems);
    long request = number(node, "requestTimeoutMillis", d.requestTimeoutMillis(), 10, 3_600_000,
        problems);
    // a request of the largest size must fit, or no write of it could ever be admitted
    long pendingBytes = number(node, "maxPendingRequestBytes", d.maxPendingRequestBytes(),
        io.raftkv.kv.KvLimits.MAX_COMMAND_BYTES, Long.MAX_VALUE, problems);
    long answerBytes = number(node, "maxSessionAnswerBytes", d.maxSessionAnswerBytes(), 0,
        Long.MAX_VALUE, problems);
    return new ClusterConfig.Options(tick, election, heartbeat, snapshot, session, pending, request,
        pendingBytes, answerBytes);
  }

  private static long number(JsonNode node, String field, long dflt, long min, long max,
      List<String> problems) {
    JsonNode v = node.get(field);
    if (v == null) {
      return dflt;
    }
    if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
      problems.add("options." + field + ": " + v + " must be a whole number in " + min + ".."
          + max);
      return dflt;
    }
    return v.asLong();
  }

  private static String text(JsonNode node, String field, String at, List<String> problems) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      problems.add(at + ": missing");
      return null;
    }
    if (!v.isTextual()) {
      problems.add(at + ": " + v + " must be a string");
      return null;
    }
    return v.asText();
  }

  private static void unknownFields(JsonNode node, Set<String> known, String prefix,
      List<String> problems) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        problems.add(prefix + f + ": unknown field (known: " + String.join(", ",
            known.stream().sorted().toList()) + ")");
      }
    }
  }
}
