package io.raftkv.cli;

import io.raftkv.nemesis.launch.Ports;
import io.raftkv.nemesis.launch.ServerLauncher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses of the local cluster {@code raftkv cluster up} starts, used as defaults, and the
 * launcher of {@code raftkv server} processes every cli user of real servers starts from.
 */
public final class LocalCluster {
  static final String HOST = "127.0.0.1";
  static final int CLIENT_PORT_BASE = 7000;
  static final int PEER_PORT_BASE = 7100;
  static final int MAX_NODES = 7;

  /** The server JVMs' options unless a user gives its own. */
  static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx512m");

  private LocalCluster() {}

  /**
   * A launcher of {@code raftkv server} processes (this JVM's Java and class path), nodes 1..n
   * under {@code dir}, on the ports of {@code raftkv cluster up} (7001.., 7101..) unless the
   * caller sets others.
   */
  public static ServerLauncher.Builder launcher(Path dir, int nodes) {
    return ServerLauncher.builder(dir, nodes).main(Main.class.getName(), "server")
        .ports(new Ports(CLIENT_PORT_BASE, PEER_PORT_BASE))
        .jvmOptions(DEFAULT_JVM_OPTIONS);
  }

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

  /**
   * The configuration for nodes 1..n on 127.0.0.1, node i with client port
   * {@code clientPortBase + i} and peer port {@code peerPortBase + i}.
   */
  static String configJson(String clusterId, int n, String optionsJson, int clientPortBase,
      int peerPortBase) {
    return ServerLauncher.configJson(clusterId, n, optionsJson,
        i -> HOST + ":" + (peerPortBase + i), i -> HOST + ":" + (clientPortBase + i));
  }
}
