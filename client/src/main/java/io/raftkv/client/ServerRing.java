package io.raftkv.client;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured servers, which one the client currently talks to, and one lazily opened channel
 * per server. All operations go to the current server; a failed attempt moves everyone on to the
 * next one (round robin), because any server can serve any request and a server that failed one
 * operation is likely to fail the others.
 */
final class ServerRing {
  private static final Logger log = LoggerFactory.getLogger(ServerRing.class);

  /** The server one attempt goes to. */
  record Target(int index, String address, Channel channel) {}

  private final List<String> addresses;
  private final ChannelFactory channels;
  private final ServerConnectionListener listener;
  private final ManagedChannel[] open; // guarded by this
  private int current; // guarded by this
  private boolean announced; // guarded by this: the listener has been told about current
  private boolean closed; // guarded by this

  ServerRing(List<String> addresses, ChannelFactory channels, ServerConnectionListener listener) {
    this.addresses = List.copyOf(addresses);
    this.channels = channels;
    this.listener = listener;
    this.open = new ManagedChannel[addresses.size()];
  }

  /**
   * The server to send the next attempt to, opening its channel if needed.
   *
   * @throws IllegalStateException if the ring is closed
   * @throws IllegalArgumentException if the server's channel cannot be opened (a bad address)
   */
  Target current() {
    Target target;
    boolean announce;
    synchronized (this) {
      target = peek();
      announce = !announced;
      announced = true;
    }
    if (announce) {
      // Outside the lock: the listener is foreign code (a tracer) and may be slow.
      announce(target);
    }
    return target;
  }

  /**
   * The current server, like {@link #current()}, but without telling the listener: for a probe
   * made before the client decides to use the server.
   */
  Target peek() {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the client is closed");
      }
      if (open[current] == null) {
        open[current] = open(addresses.get(current));
      }
      return new Target(current, addresses.get(current), open[current]);
    }
  }

  /**
   * Moves on from the server at {@code failedIndex} to the next one, unless the client has already
   * moved away from it: when many operations fail on the same server at once, the first failure
   * moves the client and the others must not skip the servers after it.
   */
  void failover(int failedIndex, String reason) {
    synchronized (this) {
      if (closed || current != failedIndex) {
        return;
      }
      current = (current + 1) % addresses.size();
      announced = false;
      log.info("leaving server {} ({}); next is {}", addresses.get(failedIndex), reason,
          addresses.get(current));
    }
  }

  /** The address operations currently go to. */
  synchronized String currentAddress() {
    return addresses.get(current);
  }

  /** Closes every open channel, cancelling the calls still on them, and waits briefly for them. */
  void close() {
    ManagedChannel[] toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = open.clone();
    }
    for (ManagedChannel channel : toClose) {
      if (channel != null) {
        channel.shutdownNow();
      }
    }
    for (ManagedChannel channel : toClose) {
      if (channel != null) {
        try {
          if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
            log.warn("channel {} did not terminate within 5 s", channel);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private ManagedChannel open(String address) {
    try {
      return channels.open(address);
    } catch (RuntimeException e) {
      // IllegalArgumentException, not IllegalStateException, which means "closed" to callers.
      throw new IllegalArgumentException("cannot open a channel to " + address + ": " + e.getMessage(), e);
    }
  }

  private void announce(Target target) {
    try {
      listener.onNewServerConnection(target.index(), target.address());
    } catch (RuntimeException e) {
      log.warn("server connection listener failed for {}", target.address(), e);
    }
  }
}
