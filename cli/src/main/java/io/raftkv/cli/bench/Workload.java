package io.raftkv.cli.bench;

import io.raftkv.client.OpOptions;
import io.raftkv.client.RaftKvClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What a benchmark sends: keys {@code key-0 .. key-(K-1)} chosen uniformly, values of B random
 * bytes (printable ASCII, from a pool generated up front), gets and puts through
 * {@link RaftKvClient}.
 */
public final class Workload {
  private static final int VALUE_POOL = 256;

  private final BenchSpec spec;
  private final RaftKvClient client;
  private final byte[][] keys;
  private final byte[][] values;
  private final OpOptions writeOptions;
  private final OpOptions readOptions;

  public Workload(BenchSpec spec, RaftKvClient client) {
    this.spec = spec;
    this.client = client;
    this.keys = new byte[spec.keys][];
    for (int i = 0; i < spec.keys; i++) {
      keys[i] = key(i);
    }
    SplittableRandom random = new SplittableRandom(42);
    this.values = new byte[VALUE_POOL][];
    for (int i = 0; i < VALUE_POOL; i++) {
      values[i] = randomValue(random, spec.valueSize);
    }
    OpOptions base = OpOptions.defaults();
    if (spec.deadlineMillis > 0) {
      base = base.withDeadline(Duration.ofMillis(spec.deadlineMillis));
    }
    this.writeOptions = base;
    this.readOptions = spec.serializableReads
        ? base.withConsistency(OpOptions.Consistency.SERIALIZABLE) : base;
  }

  /** The key with index {@code i}: {@code key-i}. */
  public static byte[] key(int i) {
    return ("key-" + i).getBytes(StandardCharsets.US_ASCII);
  }

  /** {@code size} random printable ASCII bytes. */
  static byte[] randomValue(SplittableRandom random, int size) {
    byte[] v = new byte[size];
    for (int i = 0; i < size; i++) {
      v[i] = (byte) ('!' + random.nextInt(94));
    }
    return v;
  }

  /** The operation a virtual user runs each time. */
  public Supplier<CompletableFuture<?>> operation() {
    switch (spec.op) {
      case PUT:
        return this::put;
      case GET:
        return this::get;
      default:
        return () -> ThreadLocalRandom.current().nextDouble() < spec.readRatio ? get() : put();
    }
  }

  private CompletableFuture<?> put() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return client.put(keys[r.nextInt(keys.length)], values[r.nextInt(VALUE_POOL)], writeOptions);
  }

  private CompletableFuture<?> get() {
    return client.get(keys[ThreadLocalRandom.current().nextInt(keys.length)], readOptions);
  }

  /**
   * Writes every key once (so that gets find a value), at most {@code parallel} at a time.
   * Returns the number of keys that could not be written.
   */
  public long populate(int parallel) throws InterruptedException {
    Semaphore room = new Semaphore(parallel);
    AtomicLong failures = new AtomicLong();
    for (int i = 0; i < keys.length; i++) {
      room.acquire();
      client.put(keys[i], values[i % VALUE_POOL], writeOptions)
          .whenComplete((r, e) -> {
            if (e != null) {
              failures.incrementAndGet();
            }
            room.release();
          });
    }
    room.tryAcquire(parallel, Math.max(60_000, spec.deadlineMillis * 2), TimeUnit.MILLISECONDS);
    return failures.get();
  }
}
