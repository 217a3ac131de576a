package io.raftkv.nemesis;

import io.raftkv.client.OpOptions;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.RaftKvException;
import io.raftkv.lincheck.HistoryRecorder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Virtual clients: each has its own {@link RaftKvClient} (its own server order) and runs one
 * operation at a time, random Get / Put / Delete on a few keys, each with a deadline, recording
 * every call and return in the {@link HistoryRecorder}. Put values are unique.
 */
final class Workload implements AutoCloseable {
  static final Duration DEADLINE = Duration.ofSeconds(10);

  final int clients;
  final int keys;
  private final HistoryRecorder recorder;
  private final List<RaftKvClient> kvs = new ArrayList<>();
  private final List<SplittableRandom> randoms = new ArrayList<>();
  private final ScheduledExecutorService timer;
  private volatile boolean stopping;
  private final CountDownLatch done;
  final AtomicLong ok = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong ambiguous = new AtomicLong();
  final AtomicLong failovers = new AtomicLong();
  final AtomicLong unexpected = new AtomicLong();
  private final List<String> unexpectedErrors = Collections.synchronizedList(new ArrayList<>());

  /** Reads from the contacted server's own state (a deliberately unsafe mode, for self-tests). */
  private final boolean serializableReads;

  Workload(int clients, int keys, List<String> servers, long seed, HistoryRecorder recorder,
      boolean serializableReads) {
    this.serializableReads = serializableReads;
    this.clients = clients;
    this.keys = keys;
    this.recorder = recorder;
    this.done = new CountDownLatch(clients);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "nemesis-workload-timer");
      t.setDaemon(true);
      return t;
    });
    SplittableRandom root = new SplittableRandom(seed);
    for (int c = 0; c < clients; c++) {
      SplittableRandom r = root.split();
      List<String> order = new ArrayList<>(servers);
      Collections.rotate(order, c % servers.size()); // spread the clients over the servers
      boolean[] first = {true};
      kvs.add(RaftKvClient.builder().servers(order).perAttemptTimeout(Duration.ofMillis(1000))
          .serverConnectionListener((i, a) -> {
            synchronized (first) {
              if (first[0]) {
                first[0] = false;
                return;
              }
            }
            failovers.incrementAndGet();
          }).build());
      randoms.add(r);
    }
  }

  static String key(int k) {
    return "k" + k;
  }

  void start() {
    for (int c = 0; c < clients; c++) {
      next(c, 0);
    }
  }

  private void next(int c, long seq) {
    if (stopping) {
      done.countDown();
      return;
    }
    SplittableRandom r = randoms.get(c);
    RaftKvClient kv = kvs.get(c);
    String key = key(r.nextInt(keys));
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    int dice = r.nextInt(100);
    // most operations wait out any fault; some give up early, leaving ambiguous writes
    Duration deadline = r.nextInt(10) < 7 ? DEADLINE : Duration.ofMillis(500 + r.nextInt(2500));
    OpOptions opts = OpOptions.defaults().withDeadline(deadline);
    long think = r.nextInt(20);
    if (dice < 50) {
      long id = recorder.invokeGet(c, key);
      OpOptions readOpts = serializableReads
          ? opts.withConsistency(OpOptions.Consistency.SERIALIZABLE) : opts;
      handle(c, seq, id, false, kv.get(k, readOpts).thenApply(g -> g.value().map(Workload::str)),
          think);
    } else if (dice < 93) {
      String v = "c" + c + "-" + seq;
      long id = recorder.invokePut(c, key, v);
      handle(c, seq, id, true, kv.put(k, v.getBytes(StandardCharsets.UTF_8), opts)
          .thenApply(p -> p.previous().map(Workload::str)), think);
    } else {
      long id = recorder.invokeDelete(c, key);
      handle(c, seq, id, true, kv.delete(k, opts).thenApply(d -> Optional.<String>empty()),
          think);
    }
  }

  private void handle(int c, long seq, long id, boolean write,
      CompletableFuture<Optional<String>> f, long think) {
    BiConsumer<Optional<String>, Throwable> after = (v, t) -> {
      if (t == null) {
        // a Get's output is the value read; a write's output is not checked (null)
        recorder.ok(id, write ? null : v.orElse(null));
        ok.incrementAndGet();
      } else {
        Throwable e = t instanceof java.util.concurrent.CompletionException && t.getCause() != null
            ? t.getCause() : t;
        if (e instanceof RaftKvException rk && !rk.mayHaveBeenApplied()) {
          recorder.failed(id);
          failed.incrementAndGet();
          if (rk.kind() != RaftKvException.Kind.DEADLINE_EXCEEDED
              && rk.kind() != RaftKvException.Kind.CLOSED) {
            unexpected.incrementAndGet();
            unexpectedErrors.add(e.toString());
          }
        } else {
          recorder.ambiguous(id);
          ambiguous.incrementAndGet();
          if (!(e instanceof RaftKvException)) {
            unexpected.incrementAndGet();
            unexpectedErrors.add(e.toString());
          }
        }
      }
      timer.schedule(() -> next(c, seq + 1), think, TimeUnit.MILLISECONDS);
    };
    f.whenComplete(after);
  }

  private static String str(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Asks every client to stop after its current operation; waits (bounded) until all have. */
  boolean stopAndAwait(Duration timeout) throws InterruptedException {
    stopping = true;
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  List<String> unexpectedErrors() {
    synchronized (unexpectedErrors) {
      return List.copyOf(unexpectedErrors.subList(0, Math.min(10, unexpectedErrors.size())));
    }
  }

  @Override
  public void close() {
    stopping = true;
    kvs.forEach(RaftKvClient::close);
    timer.shutdownNow();
  }
}
