package io.raftkv.nemesis.launch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Client port {@code clientBase + id}, peer port {@code peerBase + id}: one local cluster's. */
public record Ports(int clientBase, int peerBase) {
  public int client(int id) {
    return clientBase + id;
  }

  public int peer(int id) {
    return peerBase + id;
  }

  /**
   * Bases 100 apart with every port nodes 1..{@code nodes} need free just now, in
   * 10000..32000: away from {@code raftkv cluster up}'s 7001.. and below the kernel's ephemeral
   * range (32768 and up on Linux), where the local end of an outgoing connection could take a
   * port between this check and the server's bind (seen in CI: "address already in use").
   */
  public static Ports free(int nodes) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = 10_000 + ThreadLocalRandom.current().nextInt(0, 22_000) / 10 * 10;
      boolean free = true;
      for (int i = 1; i <= nodes && free; i++) {
        free = isFree(base + i) && isFree(base + 100 + i);
      }
      if (free) {
        return new Ports(base, base + 100);
      }
    }
    throw new IllegalStateException("no free loopback ports found for " + nodes + " servers");
  }

  private static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
