package io.raftkv.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a client port base and a peer port base (100 apart) with every port a cluster of
 * {@code nodes} needs free just now, in 10000..32000: away from {@code raftkv cluster up}'s
 * 7001.. and below the kernel's ephemeral range, where an outgoing connection's local end could
 * take a port between this check and the server's bind. Used by {@code raftkv demo} and the
 * real-process integration tests.
 */
public final class PortBases {
  private PortBases() {}

  /** {client base, peer base}: node i listens on base + i. */
  public static int[] pick(int nodes) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = 10_000 + ThreadLocalRandom.current().nextInt(0, 22_000) / 10 * 10;
      boolean free = true;
      for (int i = 1; i <= nodes && free; i++) {
        free = isFree(base + i) && isFree(base + 100 + i);
      }
      if (free) {
        return new int[] {base, base + 100};
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
