package io.raftkv.cli.bench;

import io.raftkv.client.RaftKvException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop load: {@code concurrency} virtual users, each starting its next operation when
 * its previous one completes (on the completing thread, no thread per operation). A warm-up
 * phase is run and thrown away; then the measured phase records the latency of every operation
 * that succeeds in an HdrHistogram, counts failures by kind, and tracks the longest time in which
 * no operation completed. A progress line is printed every second.
 */
public final class ClosedLoop {
  private static final int WARMUP = 0;
  private static final int MEASURE = 1;
  private static final int STOP = 2;

  private static final Executor RETRY_LATER =
      CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS);

  private final Supplier<CompletableFuture<?>> operation;
  private final int concurrency;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Recorder recorder = new Recorder(3);
  private final LongAdder completed = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final AtomicLong lastCompletion = new AtomicLong();
  private final AtomicLong maxGapNanos = new AtomicLong();
  private volatile int phase = WARMUP;
  private volatile long measureStart;
  private volatile long maxGapStart;

  /** A load of {@code concurrency} users, each running {@code operation} over and over. */
  public ClosedLoop(Supplier<CompletableFuture<?>> operation, int concurrency) {
    this.operation = operation;
    this.concurrency = concurrency;
  }

  /** Options of one run. */
  public static final class Run {
    public String label = "op";
    public double warmupSeconds;
    public double seconds = 1;
    /** Where progress lines go, or null for none. */
    public PrintStream progress;
    /** CPU nanoseconds used so far by the servers (for CPU per op), or null. */
    public LongSupplier serverCpuNanos;
    /** Seconds into the measured phase to run {@link #fault}; 0 for never. */
    public double faultAfterSeconds;
    public Runnable fault;
    /** How long to wait for operations still in flight after the end. */
    public long drainMillis = 30_000;
  }

  /** Runs the warm-up and the measured phase; returns the measured result. */
  public BenchResult run(Run run) throws InterruptedException {
    long start = System.nanoTime();
    for (int i = 0; i < concurrency; i++) {
      inFlight.incrementAndGet();
      user();
    }
    long warmupEnd = start + (long) (run.warmupSeconds * 1e9);
    long lastOps = 0;
    long tick = start;
    int second = 0;
    while (System.nanoTime() < warmupEnd) {
      tick = sleepUntil(Math.min(warmupEnd, tick + 1_000_000_000L));
      second++;
      long now = completed.sum();
      if (run.progress != null && tick < warmupEnd) {
        run.progress.printf(Locale.ROOT, "[warmup %3ds] %s conc=%d: %d ops/s, errors %d%n", second,
            run.label, concurrency, now - lastOps, failed.sum());
      }
      lastOps = now;
    }
    // The measured phase: forget the warm-up.
    long cpu0 = clientCpuNanos();
    long srv0 = run.serverCpuNanos == null ? -1 : run.serverCpuNanos.getAsLong();
    long[] host0 = HostCpu.sample();
    measureStart = System.nanoTime();
    lastCompletion.set(measureStart);
    maxGapNanos.set(0);
    maxGapStart = measureStart;
    recorder.reset();
    completed.reset();
    failed.reset();
    errors.clear();
    phase = MEASURE;
    long end = measureStart + (long) (run.seconds * 1e9);
    long faultAt = run.fault != null && run.faultAfterSeconds > 0
        ? measureStart + (long) (run.faultAfterSeconds * 1e9) : Long.MAX_VALUE;
    Histogram total = null;
    tick = measureStart;
    second = 0;
    lastOps = 0;
    long lastFailed = 0;
    while (System.nanoTime() < end) {
      long next = Math.min(end, tick + 1_000_000_000L);
      if (faultAt < next) {
        sleepUntil(faultAt);
        if (run.progress != null) {
          run.progress.printf(Locale.ROOT, "[%6.2fs] fault: %s%n",
              (System.nanoTime() - measureStart) / 1e9, "injecting");
        }
        run.fault.run();
        faultAt = Long.MAX_VALUE;
      }
      tick = sleepUntil(next);
      second++;
      Histogram interval = recorder.getIntervalHistogram();
      if (total == null) {
        total = interval.copy();
      } else {
        total.add(interval);
      }
      long ops = completed.sum();
      long fails = failed.sum();
      if (run.progress != null && tick < end) {
        run.progress.printf(Locale.ROOT, "[%3ds] %s conc=%d: %d ops/s, p99 so far %.2f ms, "
            + "errors %d%n", second, run.label, concurrency, ops - lastOps,
            total.getTotalCount() == 0 ? 0 : total.getValueAtPercentile(99) / 1e6, fails - lastFailed);
      }
      lastOps = ops;
      lastFailed = fails;
    }
    phase = STOP;
    long measureEnd = System.nanoTime();
    long ops = completed.sum();
    Map<String, Long> errs = new HashMap<>();
    errors.forEach((k, v) -> errs.put(k, v.sum()));
    Histogram interval = recorder.getIntervalHistogram();
    if (total == null) {
      total = interval.copy();
    } else {
      total.add(interval);
    }
    long gap = maxGapNanos.get();
    long gapStart = maxGapStart;
    if (measureEnd - lastCompletion.get() > gap) {
      gapStart = lastCompletion.get();
      gap = measureEnd - gapStart;
    }
    long cpu1 = clientCpuNanos();
    long srv1 = run.serverCpuNanos == null ? -1 : run.serverCpuNanos.getAsLong();
    long[] host1 = HostCpu.sample();
    double secs = (measureEnd - measureStart) / 1e9;
    double clientCpu = cpu0 >= 0 && cpu1 >= 0 && ops > 0 ? (cpu1 - cpu0) / 1e3 / ops : -1;
    double serverCpu = srv0 >= 0 && srv1 >= 0 && ops > 0 ? (srv1 - srv0) / 1e3 / ops : -1;
    BenchResult result = new BenchResult(run.label, concurrency, ops, secs, total, errs,
        clientCpu, serverCpu, gap / 1e6);
    result.maxGapStartSeconds = (gapStart - measureStart) / 1e9;
    if (host0 != null && host1 != null && cpu0 >= 0 && cpu1 >= 0) {
      long ours = (cpu1 - cpu0) + (srv0 >= 0 && srv1 >= 0 ? srv1 - srv0 : 0);
      result.hostBusyCores = (host1[0] - host0[0]) / 1e9 / secs;
      result.foreignCores = Math.max(0, (host1[0] - host0[0] - ours) / 1e9 / secs);
      result.stealCores = (host1[1] - host0[1]) / 1e9 / secs;
    }
    drain(run.drainMillis);
    return result;
  }

  /** Operations still in flight (users that have not stopped). */
  public int inFlight() {
    return inFlight.get();
  }

  private void drain(long millis) throws InterruptedException {
    long until = System.nanoTime() + millis * 1_000_000L;
    while (inFlight.get() > 0 && System.nanoTime() < until) {
      Thread.sleep(5);
    }
  }

  /** Starts one user's next operation, unless the run is over; never blocks. */
  private void user() {
    if (phase == STOP) {
      inFlight.decrementAndGet();
      return;
    }
    long t0 = System.nanoTime();
    CompletableFuture<?> f;
    try {
      f = operation.get();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    if (f.isDone()) {
      // Completed at once (typically a local failure): go on from another thread, so that the
      // caller is not held and the stack does not grow; after a failure, 1 ms later.
      Throwable e = doneError(f);
      complete(t0, e);
      (e == null ? ForkJoinPool.commonPool() : RETRY_LATER).execute(this::user);
      return;
    }
    f.whenComplete((r, e) -> {
      complete(t0, e);
      user();
    });
  }

  private static Throwable doneError(CompletableFuture<?> f) {
    try {
      f.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | java.util.concurrent.CancellationException e) {
      return e;
    }
  }

  private void complete(long t0, Throwable error) {
    long t1 = System.nanoTime();
    if (phase == WARMUP) {
      completed.increment();
      if (error != null) {
        failed.increment();
      }
      return;
    }
    if (phase != MEASURE || t1 < measureStart) {
      return;
    }
    if (error == null) {
      // The gap counts successes only: a failure is not progress.
      long prev = lastCompletion.getAndAccumulate(t1, Math::max);
      if (t1 - prev > maxGapNanos.get()) {
        synchronized (maxGapNanos) {
          if (t1 - prev > maxGapNanos.get()) {
            maxGapNanos.set(t1 - prev);
            maxGapStart = prev;
          }
        }
      }
      recorder.recordValue(Math.max(1, t1 - t0));
      completed.increment();
    } else {
      failed.increment();
      errors.computeIfAbsent(errorKind(error), k -> new LongAdder()).increment();
    }
  }

  /** The name an error is counted under: the client's kind, or the exception's class. */
  static String errorKind(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof RaftKvException) {
      return ((RaftKvException) t).kind().name();
    }
    return t.getClass().getSimpleName();
  }

  private static long sleepUntil(long nanoTime) throws InterruptedException {
    long now;
    while ((now = System.nanoTime()) < nanoTime) {
      long ms = (nanoTime - now) / 1_000_000L;
      if (ms > 0) {
        Thread.sleep(ms);
      } else {
        Thread.onSpinWait();
      }
    }
    return now;
  }

  /** CPU time used by this JVM so far, ns; -1 if unknown. */
  static long clientCpuNanos() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      long t = ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
      if (t >= 0) {
        return t;
      }
    }
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos()).orElse(-1L);
  }
}
