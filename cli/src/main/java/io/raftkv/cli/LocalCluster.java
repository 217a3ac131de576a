package io.raftkv.cli;

import java.util.ArrayList;
import java.util.List;

/** The addresses of the local cluster {@code raftkv cluster up} starts, used as defaults. */
final class LocalCluster {
  static final String HOST = "127.0.0.1";
  static final int CLIENT_PORT_BASE = 7000;
  static final int PEER_PORT_BASE = 7100;
  static final int MAX_NODES = 7;

  private LocalCluster() {}

  static String clientAddress(int id) {
    return HOST + ":" + (CLIENT_PORT_BASE + id);
  }

  static String peerAddress(int id) {
    return HOST + ":" + (PEER_PORT_BASE + id);
  }

  /** Client addresses of nodes 1..n. */
  static List<String> clientAddresses(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(clientAddress(i));
    }
    return out;
  }

  /** The cluster configuration file for nodes 1..n with the given options JSON (or null). */
  static String configJson(String clusterId, int n, String optionsJson) {
    return configJson(clusterId, n, optionsJson, CLIENT_PORT_BASE, PEER_PORT_BASE);
  }

  /**
   * The configuration for nodes 1..n on 127.0.0.1, node i with client port
   * {@code clientPortBase + i} and peer port {@code peerPortBase + i}.
   */
  static String configJson(String clusterId, int n, String optionsJson, int clientPortBase,
      int peerPortBase) {
    StringBuilder sb = new StringBuilder("{\n  \"clusterId\": \"" + clusterId + "\",\n"
        + "  \"members\": [\n");
    for (int i = 1; i <= n; i++) {
      sb.append("    {\"id\": ").append(i).append(", \"peerAddress\": \"")
          .append(HOST + ":" + (peerPortBase + i)).append("\", \"clientAddress\": \"")
          .append(HOST + ":" + (clientPortBase + i)).append("\"}")
          .append(i < n ? ",\n" : "\n");
    }
    sb.append("  ]");
    if (optionsJson != null) {
      sb.append(",\n  \"options\": ").append(optionsJson);
    }
    return sb.append("\n}\n").toString();
  }
}
