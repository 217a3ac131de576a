package io.raftkv.client;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftkv.api.v1.KVGrpc;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.StatusRequest;
import io.raftkv.api.v1.StatusResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader routing ({@link Routing#LEADER}): learns which member leads and at which client address,
 * and sets the {@link ServerRing}'s leader route.
 *
 * <p>Sources: a Status call (members with their client addresses, and the leader's id), made when
 * the client first submits something, after every failover, and when an answer names a leader
 * whose address is unknown; and the leader id in every answer's header, which moves the route at
 * once when the address is already known. Status calls are asynchronous (operations never wait
 * for one), go to the ring's current server, and start at most once per probe interval: a request
 * within the interval is deferred to its end, and requests meanwhile merge into that one.
 *
 * <p>Membership: every Status also tells the {@link ServerRing} the members' client addresses,
 * so the client follows members added and removed; a Status is asked for every refresh interval
 * too, so this happens while nothing fails.
 *
 * <p>Trust: an address the cluster's own Status names is used even if it was not configured (so
 * one seed address suffices), provided every Status carries the cluster id of the first one; the
 * client trusts these servers with its data anyway. If the leader's address fails, the route is
 * dropped (attempts go round the configured servers) and that address is not routed to again for
 * the probe interval, doubled per consecutive failure there, at most {@link #MAX_HOLD_OFF}.
 */
final class LeaderFinder {
  private static final Logger log = LoggerFactory.getLogger(LeaderFinder.class);

  /** The longest a failed leader address waits before the client routes to it again. */
  static final Duration MAX_HOLD_OFF = Duration.ofSeconds(30);

  private final boolean enabled;
  private final ServerRing ring;
  private final ScheduledExecutorService timer;
  private final long intervalNanos;
  private final long probeTimeoutNanos;
  private final long refreshNanos; // 0: no periodic Status
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicInteger probes = new AtomicInteger();
  // Read without the lock on every answer (the fast path); written under it.
  private volatile int leaderId; // the leader last named, 0 for none
  private volatile boolean routed; // the ring routes to leaderId's address
  private volatile long holdOffUntilNanos; // no new attempt to route before this
  private volatile int failures; // consecutive failures of the routed address
  private Map<Integer, String> members = Map.of(); // guarded by this: id -> client address
  private String clusterId; // guarded by this: of the first Status
  private String failedAddress; // guarded by this
  private boolean probing; // guarded by this: a Status call is in flight
  private boolean probePending; // guarded by this: one is scheduled
  private long lastProbeNanos; // guarded by this

  LeaderFinder(boolean enabled, ServerRing ring, ScheduledExecutorService timer,
      Duration interval, Duration probeTimeout, Duration refresh) {
    this.enabled = enabled;
    this.ring = ring;
    this.timer = timer;
    this.intervalNanos = interval.toNanos();
    this.probeTimeoutNanos = probeTimeout.toNanos();
    this.refreshNanos = refresh.toNanos();
  }

  /**
   * The client's first submission: asks for the leader, without waiting for the answer, and from
   * then on every refresh interval (so membership changes are learned while nothing fails).
   */
  void start() {
    if (enabled && !started.get() && started.compareAndSet(false, true)) {
      requestProbe();
      if (refreshNanos > 0) {
        try {
          timer.scheduleWithFixedDelay(this::requestProbe, refreshNanos, refreshNanos,
              TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
          // the client is closing
        }
      }
    }
  }

  /**
   * The members' client addresses in force at {@code configIndex}, from a Status or a membership
   * answer: the ring follows them (see {@link ServerRing#updateMembers}).
   */
  synchronized void membership(long configIndex, List<String> clientAddresses) {
    if (ring.updateMembers(configIndex, clientAddresses)) {
      routed = false; // the leader's address left: the next answer naming a leader re-routes
    }
  }

  /** Status calls made so far. */
  int probes() {
    return probes.get();
  }

  /** An attempt at {@code target} succeeded with {@code answer}: follow the leader it names. */
  void answered(ServerRing.Target target, Object answer) {
    if (!enabled) {
      return;
    }
    int id = ResponseHeaders.leaderOf(answer);
    if (failures != 0 && routed && id == leaderId) {
      synchronized (this) {
        if (target.index() == ring.leaderIndex()) {
          failures = 0; // the route works again
          failedAddress = null;
        }
      }
    }
    if (id == 0 || (id == leaderId && (routed || System.nanoTime() < holdOffUntilNanos))) {
      return; // the common case: nothing new
    }
    synchronized (this) {
      follow(id);
    }
  }

  /**
   * An attempt at {@code target} failed and the client moved on; {@code droppedRoute}: the target
   * was the leader route, which the ring dropped.
   */
  void failedOver(ServerRing.Target target, boolean droppedRoute) {
    if (!enabled) {
      return;
    }
    if (droppedRoute) {
      synchronized (this) {
        routed = false;
        failures++;
        failedAddress = target.address();
        long holdOff = Math.min(MAX_HOLD_OFF.toNanos(),
            intervalNanos << Math.min(failures - 1, 20));
        holdOffUntilNanos = System.nanoTime() + holdOff;
        log.debug("the leader's address {} failed ({} in a row); not routing to it for {} ms",
            target.address(), failures, TimeUnit.NANOSECONDS.toMillis(holdOff));
      }
    }
    requestProbe(); // the leader may have changed
  }

  /** Routes to leader {@code id} if its address is known and not held off; else asks Status. */
  private void follow(int id) {
    leaderId = id;
    String address = members.get(id);
    if (address == null) {
      routed = false;
      // Until a Status names its address, answers naming this leader need not come here.
      holdOffUntilNanos = System.nanoTime() + intervalNanos;
      requestProbe();
      return;
    }
    if (address.equals(failedAddress) && System.nanoTime() < holdOffUntilNanos) {
      return;
    }
    if (!address.equals(failedAddress)) {
      failures = 0;
      failedAddress = null;
    }
    ring.route(address);
    routed = ring.leaderIndex() >= 0;
  }

  private synchronized void requestProbe() {
    if (probing || probePending) {
      return;
    }
    long wait = lastProbeNanos + intervalNanos - System.nanoTime();
    if (probes.get() == 0 || wait <= 0) {
      probe();
      return;
    }
    probePending = true;
    try {
      timer.schedule(() -> {
        synchronized (this) {
          probePending = false;
          probe();
        }
      }, wait, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      probePending = false;
    }
  }

  /**
   * Starts a Status call to the leader route if set (its view of the membership is the newest),
   * else to the ring's current server; holds the lock.
   */
  private void probe() {
    ServerRing.Target target;
    try {
      target = ring.peekLeader();
    } catch (IllegalStateException | IllegalArgumentException closedOrBad) {
      return; // closing, or an address that cannot be opened (operations report that)
    }
    probing = true;
    lastProbeNanos = System.nanoTime();
    probes.incrementAndGet();
    KVGrpc.newStub(target.channel()).withDeadlineAfter(probeTimeoutNanos, TimeUnit.NANOSECONDS)
        .status(StatusRequest.getDefaultInstance(), new StreamObserver<>() {
          @Override
          public void onNext(StatusResponse status) {
            learn(target, status);
          }

          @Override
          public void onError(Throwable t) {
            log.debug("{} did not answer the leader probe: {}", target.address(), t.toString());
            Status status = Status.fromThrowable(t);
            if (ClusterReasons.saysRemoved(status)) {
              removed(target, status);
            } else {
              probeDone();
            }
          }

          @Override
          public void onCompleted() {
            probeDone();
          }
        });
  }

  private synchronized void probeDone() {
    probing = false;
  }

  /** The probed server said it was removed: it leaves the ring, and another server is asked. */
  private synchronized void removed(ServerRing.Target target, Status status) {
    if (ring.drop(target.index(), status.getDescription())) {
      routed = false;
    }
    probing = false;
    requestProbe();
  }

  private synchronized void learn(ServerRing.Target from, StatusResponse status) {
    if (clusterId == null) {
      clusterId = status.getClusterId();
    } else if (!clusterId.equals(status.getClusterId())) {
      log.warn("{} answered for cluster '{}', not '{}' like the first server; ignoring its "
          + "leader", from.address(), status.getClusterId(), clusterId);
      return;
    }
    Map<Integer, String> learned = new LinkedHashMap<>(); // in Status order
    for (MemberStatus m : status.getMembersList()) {
      String address = m.getClientAddress().trim();
      if (m.getId() != 0 && Addresses.isHostPort(address)) {
        learned.put(m.getId(), address);
      }
    }
    members = Map.copyOf(learned);
    membership(status.getConfigIndex(), List.copyOf(learned.values()));
    if (status.getLeaderId() != 0) {
      follow(status.getLeaderId());
    }
  }
}
