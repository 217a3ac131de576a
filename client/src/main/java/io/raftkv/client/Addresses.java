package io.raftkv.client;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks a configured server list up front, so a typo fails at build time, not on first use. */
final class Addresses {
  private Addresses() {}

  /**
   * Returns the list, trimmed, if every entry is {@code host:port} with a port from 1 to 65535 and
   * no entry repeats.
   *
   * @throws IllegalArgumentException naming the offending entry
   */
  static List<String> check(List<String> servers) {
    if (servers == null || servers.isEmpty()) {
      throw new IllegalArgumentException("the server list is empty; give at least one host:port");
    }
    List<String> out = new ArrayList<>(servers.size());
    Set<String> seen = new HashSet<>();
    for (String raw : servers) {
      String address = raw == null ? "" : raw.trim();
      checkOne(address, raw);
      if (!seen.add(address)) {
        throw new IllegalArgumentException("server address '" + address + "' is listed twice");
      }
      out.add(address);
    }
    return List.copyOf(out);
  }

  /** Whether {@code address} is {@code host:port} with a port from 1 to 65535. */
  static boolean isHostPort(String address) {
    try {
      checkOne(address, address);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void checkOne(String address, String raw) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException(
          "server address '" + raw + "' is not host:port (for example localhost:7001)");
    }
    String port = address.substring(colon + 1);
    int number;
    try {
      number = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "server address '" + raw + "' has port '" + port + "', which is not a number", e);
    }
    if (number < 1 || number > 65535) {
      throw new IllegalArgumentException(
          "server address '" + raw + "' has port " + number + "; ports are 1 to 65535");
    }
  }
}
