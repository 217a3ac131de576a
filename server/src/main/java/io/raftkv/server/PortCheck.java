package io.raftkv.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks that a server's addresses can be bound before it opens its data directory, so a server
 * whose port is taken stops with one line and leaves no directory behind. (A check, not a
 * reservation: a port taken between it and the real bind still fails the start, later.)
 */
final class PortCheck {
  private PortCheck() {}

  /**
   * Binds {@code address} (with SO_REUSEADDR, as the gRPC server does) and releases it at once.
   *
   * @param purpose what the address is for, such as "clients" or "peers"
   * @throws PortInUseException if it cannot be bound
   */
  static void requireBindable(HostPort address, String purpose) throws PortInUseException {
    try (ServerSocketChannel channel = ServerSocketChannel.open()) {
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(new InetSocketAddress(address.host(), address.port()));
    } catch (IOException e) {
      String holder = listener(address.port())
          .map(pid -> " by pid " + pid + ProcessHandle.of(pid).flatMap(h -> h.info().command())
              .map(c -> " (" + Path.of(c).getFileName() + ")").orElse(""))
          .orElse("");
      throw new PortInUseException("cannot listen for " + purpose + " on " + address + ": "
          + e.getMessage() + (holder.isEmpty() ? "" : " (held" + holder + ")") + ". Stop that"
          + " process, or give this server another address in the cluster configuration.");
    }
  }

  /**
   * The pid of the process listening on TCP {@code port}, if Linux's /proc says (only processes
   * of this user can be seen); empty elsewhere or when unknown.
   */
  static Optional<Long> listener(int port) {
    try {
      Optional<String> inode = listeningInode(Path.of("/proc/net/tcp"), port)
          .or(() -> listeningInode(Path.of("/proc/net/tcp6"), port));
      if (inode.isEmpty()) {
        return Optional.empty();
      }
      String link = "socket:[" + inode.get() + "]";
      try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
        for (Path proc : procs) {
          if (holds(proc, link)) {
            return Optional.of(Long.parseLong(proc.getFileName().toString()));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // best effort: the holder stays unknown
    }
    return Optional.empty();
  }

  private static Optional<String> listeningInode(Path table, int port) {
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    try {
      List<String> lines = Files.readAllLines(table);
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] f = line.trim().split("\\s+");
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
        if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
          return Optional.of(f[9]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable
    }
    return Optional.empty();
  }

  private static boolean holds(Path proc, String link) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).toString().equals(link)) {
            return true;
          }
        } catch (IOException | RuntimeException e) {
          // closed meanwhile, or not ours to read
        }
      }
    } catch (IOException | RuntimeException e) {
      // another user's process
    }
    return false;
  }
}
