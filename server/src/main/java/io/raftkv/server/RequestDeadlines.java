package io.raftkv.server;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fails requests that run longer than the server's request timeout with a {@link
 * TimeoutException}. One thread sweeps every watched request a few times per timeout, so watching
 * costs a map insert and remove: no timer task per request ({@code orTimeout} scheduled one per
 * request, and each woke a timer thread, a context switch on every request). A request fails
 * between one timeout and one timeout plus one sweep period after it was watched.
 */
final class RequestDeadlines implements AutoCloseable {
  private final long timeoutNanos;
  private final long sweepPeriodMillis;
  private final Map<CompletableFuture<?>, Long> deadlines = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper;

  /** Starts the sweeping thread, named after {@code serverId}. */
  RequestDeadlines(int serverId, long timeoutMillis) {
    if (timeoutMillis <= 0) {
      throw new IllegalArgumentException("request timeout must be positive, not " + timeoutMillis);
    }
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    this.sweepPeriodMillis = Math.max(1, Math.min(100, timeoutMillis / 4));
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "raftkv-" + serverId + "-request-deadlines");
      t.setDaemon(true);
      return t;
    });
    sweeper.scheduleAtFixedRate(this::sweep, sweepPeriodMillis, sweepPeriodMillis,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Watches {@code f}: unless it completes first, it fails with a {@link TimeoutException} once
   * the timeout has passed. {@code onDone} runs once when it completes either way.
   *
   * @return a future completing after {@code f} and {@code onDone}, with {@code f}'s outcome
   */
  <T> CompletableFuture<T> watch(CompletableFuture<T> f, Runnable onDone) {
    if (!f.isDone()) {
      deadlines.put(f, System.nanoTime() + timeoutNanos);
    }
    return f.whenComplete((r, t) -> {
      deadlines.remove(f);
      onDone.run();
    });
  }

  /** Requests being watched (for tests). */
  int watched() {
    return deadlines.size();
  }

  long sweepPeriodMillis() {
    return sweepPeriodMillis;
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Map.Entry<CompletableFuture<?>, Long> e : deadlines.entrySet()) {
      if (now - e.getValue() >= 0) {
        e.getKey().completeExceptionally(new TimeoutException("the request took longer than "
            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
      }
    }
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }
}
