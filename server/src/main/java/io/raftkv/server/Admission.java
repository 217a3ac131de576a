package io.raftkv.server;

import io.raftkv.node.OverloadedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Back-pressure and deadlines for the requests one server holds: a request is admitted only while
 * fewer than {@code maxPendingRequests} requests and {@code maxPendingRequestBytes} bytes (their
 * encoded size) are in flight, and fails if unanswered after {@code requestTimeoutMillis}. Many
 * clients each sending a 1 MiB value must not fill the heap with requests waiting to commit. A
 * client's request and a forwarded one ({@link ClientRequests}, {@link ForwardedRequests}) are
 * admitted by the same instance, so the limits cover everything the server holds.
 */
final class Admission implements AutoCloseable {
  private final int serverId;
  private final ClusterConfig.Options options;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong inFlightBytes = new AtomicLong();
  private final RequestDeadlines deadlines;

  Admission(int serverId, ClusterConfig.Options options) {
    this.serverId = serverId;
    this.options = options;
    this.deadlines = new RequestDeadlines(serverId, options.requestTimeoutMillis());
  }

  /**
   * Runs {@code op} for a request of {@code bytes} if the limits allow, else fails with {@link
   * OverloadedException} (RESOURCE_EXHAUSTED) at once. What {@code op} throws fails the result.
   */
  <T> CompletableFuture<T> admit(long bytes, Supplier<CompletableFuture<T>> op) {
    if (inFlight.incrementAndGet() > options.maxPendingRequests()) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(new OverloadedException("server " + serverId
          + " holds " + options.maxPendingRequests() + " requests already"));
    }
    if (inFlightBytes.addAndGet(bytes) > options.maxPendingRequestBytes()) {
      inFlightBytes.addAndGet(-bytes);
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(new OverloadedException("server " + serverId
          + " holds " + options.maxPendingRequestBytes() + " bytes of requests already"
          + " (maxPendingRequestBytes)"));
    }
    Runnable release = () -> {
      inFlightBytes.addAndGet(-bytes);
      inFlight.decrementAndGet();
    };
    CompletableFuture<T> f;
    try {
      f = op.get();
    } catch (RuntimeException e) {
      release.run();
      return CompletableFuture.failedFuture(e);
    }
    return deadlines.watch(f, release);
  }

  /** Stops the deadline sweeper; requests still in flight then only end when answered. */
  @Override
  public void close() {
    deadlines.close();
  }
}
