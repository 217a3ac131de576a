package io.raftkv.client;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured servers, which one the client currently talks to, and one lazily opened channel
 * per server. Operations go to the current server; a failed attempt moves everyone on to the
 * next one (round robin), because any server can serve any request and a server that failed one
 * operation is likely to fail the others.
 *
 * <p>With leader routing, a second target overlays the ring: the leader's address, set by {@link
 * #route}. Attempts that want the leader go there while it is set; a failed attempt there drops
 * it, and they fall back to the ring. Addresses learned this way that are not in the configured
 * list are appended to it (their index follows the configured ones) but are not part of the
 * round robin unless the membership names them.
 *
 * <p>Membership ({@link #updateMembers}, {@link #drop}): the round robin follows the cluster's
 * members as Status and membership answers name them. A member's client address joins it; an
 * address the membership named before and names no more (a removed member), or a server that
 * said it was removed, leaves it. A configured address never named as a member stays (it may be
 * another name of a member's address). The round robin never becomes empty. Indexes are never
 * reused, so a {@link Target} stays valid whatever changes.
 */
final class ServerRing {
  private static final Logger log = LoggerFactory.getLogger(ServerRing.class);

  /** The server one attempt goes to. */
  record Target(int index, String address, Channel channel) {}

  private final List<String> addresses; // guarded by this; configured, then learned ones
  private final List<Integer> ring; // guarded by this: the round robin's indexes, in order
  private final Set<String> named = new HashSet<>(); // guarded by this: ever named as members
  private long configIndex = -1; // guarded by this: of the membership last applied
  private final ChannelFactory channels;
  private final ServerConnectionListener listener;
  private final List<ManagedChannel> open; // guarded by this; null until first used
  private int current; // guarded by this
  private boolean announced; // guarded by this: the listener has been told about current
  private int leader = -1; // guarded by this: the leader route's index, or -1 for none
  private boolean leaderAnnounced; // guarded by this
  private boolean closed; // guarded by this

  ServerRing(List<String> addresses, ChannelFactory channels, ServerConnectionListener listener) {
    this.addresses = new ArrayList<>(addresses);
    this.ring = new ArrayList<>();
    this.channels = channels;
    this.listener = listener;
    this.open = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      open.add(null);
      ring.add(i);
    }
  }

  /** As {@link #current(boolean)} for an attempt that does not need the leader. */
  Target current() {
    return current(false);
  }

  /**
   * The server to send the next attempt to, opening its channel if needed: the leader route if
   * {@code toLeader} and one is set, else the ring's current server.
   *
   * @throws IllegalStateException if the ring is closed
   * @throws IllegalArgumentException if the server's channel cannot be opened (a bad address)
   */
  Target current(boolean toLeader) {
    Target target;
    boolean announce;
    synchronized (this) {
      if (toLeader && leader >= 0) {
        target = target(leader);
        announce = !leaderAnnounced;
        leaderAnnounced = true;
      } else {
        target = peek();
        announce = !announced;
        announced = true;
      }
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
  synchronized Target peek() {
    return target(current);
  }

  /** As {@link #peek()}, but the leader route if one is set. */
  synchronized Target peekLeader() {
    return target(leader >= 0 ? leader : current);
  }

  /**
   * Moves on from the server at {@code failedIndex}, unless the client has already moved away
   * from it: when many operations fail on the same server at once, the first failure moves the
   * client and the others must not skip the servers after it. If it is the leader route, the
   * route is dropped (attempts fall back to the ring); if it is the ring's current server, the
   * ring moves to the next one.
   *
   * @return true if this dropped the leader route
   */
  boolean failover(int failedIndex, String reason) {
    synchronized (this) {
      if (closed) {
        return false;
      }
      boolean dropped = false;
      if (leader == failedIndex) {
        leader = -1;
        dropped = true;
        log.debug("leaving leader {} ({}); back to the listed servers, now {}",
            addresses.get(failedIndex), reason, addresses.get(current));
      }
      if (current == failedIndex) {
        current = next(current);
        announced = false;
        log.debug("leaving server {} ({}); next is {}", addresses.get(failedIndex), reason,
            addresses.get(current));
        // If the next server failed before, its channel waits gRPC's reconnect back-off (1 s,
        // 1.6 s, ... up to 2 min after repeated failures) and fails calls at once meanwhile, even
        // if the server is back. Our own retry back-off decides when to try it; let the channel
        // reconnect now so the retry finds a fresh connection.
        ManagedChannel next = open.get(current);
        if (next != null) {
          next.resetConnectBackoff();
        }
      }
      return dropped;
    }
  }

  /**
   * Sends attempts that want the leader to {@code address} from now on (appending it to the
   * addresses if it is not configured).
   *
   * @return false if it was the route already or the ring is closed
   */
  synchronized boolean route(String address) {
    if (closed) {
      return false;
    }
    int index = indexOf(address);
    if (leader == index) {
      return false;
    }
    leader = index;
    leaderAnnounced = false;
    log.debug("sending writes and linearizable reads to the leader at {}", address);
    return true;
  }

  /**
   * Makes the round robin follow the membership {@code members} (client addresses) in force at
   * log index {@code configIndex}: adds the addresses it lacks, removes those an earlier
   * membership named and this one does not. Ignored if an earlier call applied a later
   * configuration (a lagging server's answer), or if {@code members} is empty.
   *
   * @return whether this dropped the leader route (its address left the membership)
   */
  synchronized boolean updateMembers(long configIndex, List<String> members) {
    if (closed || members.isEmpty() || configIndex < this.configIndex) {
      return false;
    }
    this.configIndex = configIndex;
    Set<String> now = new HashSet<>(members);
    for (String address : members) {
      int index = indexOf(address);
      if (!ring.contains(index)) {
        ring.add(index);
        log.info("server {} joined the cluster; added to the client's servers", address);
      }
    }
    boolean dropped = false;
    for (String address : List.copyOf(named)) {
      if (!now.contains(address)) {
        dropped |= leave(addresses.indexOf(address), "no longer a member");
        named.remove(address);
      }
    }
    named.addAll(now);
    return dropped;
  }

  /**
   * Takes the server at {@code index} out of the round robin (it said it was removed from the
   * cluster), unless it is the last one.
   *
   * @return whether this dropped the leader route
   */
  synchronized boolean drop(int index, String reason) {
    return !closed && leave(index, reason);
  }

  /** The addresses of the round robin, in its order. */
  synchronized List<String> servers() {
    return ring.stream().map(addresses::get).toList();
  }

  /** Removes {@code index} from the round robin and the leader route; holds the lock. */
  private boolean leave(int index, String reason) {
    boolean dropped = false;
    if (leader == index) {
      leader = -1;
      dropped = true;
    }
    if (!ring.contains(index) || ring.size() == 1) {
      return dropped;
    }
    if (current == index) {
      current = next(index);
      announced = false;
    }
    ring.remove(Integer.valueOf(index));
    ManagedChannel channel = open.get(index);
    if (channel != null) {
      channel.shutdown(); // calls still on it finish; a later use reopens it
      open.set(index, null);
    }
    log.info("server {} left the client's servers ({})", addresses.get(index), reason);
    return dropped;
  }

  /** The round robin's index after {@code index} (its first if {@code index} is not in it). */
  private int next(int index) {
    int at = ring.indexOf(index);
    return ring.get(at < 0 ? 0 : (at + 1) % ring.size());
  }

  /** The index of {@code address}, appending it if it is new; holds the lock. */
  private int indexOf(String address) {
    int index = addresses.indexOf(address);
    if (index < 0) {
      index = addresses.size();
      addresses.add(address);
      open.add(null);
    }
    return index;
  }

  /** The leader route's index, or -1 if there is none. */
  synchronized int leaderIndex() {
    return leader;
  }

  /** The address writes currently go to: the leader route's if set, else the ring's current. */
  synchronized String currentAddress() {
    return addresses.get(leader >= 0 ? leader : current);
  }

  /** Closes every open channel, cancelling the calls still on them, and waits briefly for them. */
  void close() {
    ManagedChannel[] toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = open.toArray(new ManagedChannel[0]);
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

  private Target target(int index) {
    if (closed) {
      throw new IllegalStateException("the client is closed");
    }
    if (open.get(index) == null) {
      open.set(index, open(addresses.get(index)));
    }
    return new Target(index, addresses.get(index), open.get(index));
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
