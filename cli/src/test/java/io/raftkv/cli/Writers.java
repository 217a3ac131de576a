package io.raftkv.cli;

import io.raftkv.client.OpOptions;
import io.raftkv.client.RaftKvClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Client load for real-process tests: threads that each put one new key after another through
 * their own {@link RaftKvClient} (given every server, each starting at a different one), waiting
 * up to 30 s for each. Every acknowledged write is recorded (its key and value), every error too.
 */
final class Writers implements AutoCloseable {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final List<RaftKvClient> clients = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Map<String, String> acked = new ConcurrentHashMap<>();
  private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean stopping;

  /** {@code n} writers of {@code servers}; none runs before {@link #start()}. */
  Writers(List<String> servers, int n) {
    for (int w = 0; w < n; w++) {
      List<String> order = new ArrayList<>(servers);
      Collections.rotate(order, w);
      clients.add(RaftKvClient.builder().servers(order).perAttemptTimeout(Duration.ofMillis(1500))
          .build());
      int writer = w;
      Thread t = new Thread(() -> write(writer), "writer-" + w);
      t.setDaemon(true);
      threads.add(t);
    }
  }

  void start() {
    threads.forEach(Thread::start);
  }

  private void write(int w) {
    RaftKvClient kv = clients.get(w);
    for (long seq = 0; !stopping; seq++) {
      String key = "w" + w + "-" + seq;
      String value = "v" + w + "-" + seq;
      try {
        kv.put(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8),
            OpOptions.defaults().withDeadline(DEADLINE))
            .get(DEADLINE.toSeconds() + 5, TimeUnit.SECONDS);
        acked.put(key, value);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        if (!stopping) {
          errors.add(key + ": " + (e.getCause() != null ? e.getCause() : e));
        }
      }
    }
  }

  /** The acknowledged writes so far, key to value (a live view). */
  Map<String, String> acked() {
    return acked;
  }

  /** The errors seen so far (a copy). */
  List<String> errors() {
    synchronized (errors) {
      return List.copyOf(errors);
    }
  }

  /** Lets each writer finish its write in flight and waits for them (bounded). */
  void stop() throws InterruptedException {
    stopping = true;
    for (Thread t : threads) {
      t.join(DEADLINE.toMillis() + 10_000);
    }
  }

  @Override
  public void close() {
    stopping = true;
    clients.forEach(RaftKvClient::close);
  }
}
