package io.raftkv.server;

import io.grpc.StatusRuntimeException;
import io.raftkv.api.v1.KVGrpc;
import io.raftkv.api.v1.PutRequest;
import io.raftkv.api.v1.RequestHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One client writing distinct keys ({@code prefix-0}, {@code prefix-1}, ...) in a loop for a test,
 * failing over between the members it is given as a client library would: each write goes to one
 * member with a short deadline and is retried (same op id) on the next one until acknowledged. It
 * records which writes were acknowledged and the longest gap between two acknowledgements.
 */
final class ClientLoad implements AutoCloseable {
  private final LocalCluster cluster;
  private final Supplier<List<Integer>> members;
  private final String prefix;
  private final Thread thread;
  private final List<Integer> acknowledged = new ArrayList<>();
  private volatile boolean running = true;
  private long lastAckNanos;
  private long longestGapNanos;

  ClientLoad(LocalCluster cluster, String prefix, Supplier<List<Integer>> members) {
    this.cluster = cluster;
    this.members = members;
    this.prefix = prefix;
    this.thread = new Thread(this::run, "client-load-" + prefix);
    this.lastAckNanos = System.nanoTime();
    thread.start();
  }

  private void run() {
    long clientId = ThreadLocalRandom.current().nextLong();
    int turn = 0;
    for (int i = 0; running; i++) {
      PutRequest req = PutRequest.newBuilder()
          .setHeader(RequestHeader.newBuilder().setClientId(clientId).setOpId(i + 1))
          .setKey(LocalCluster.bytes(prefix + "-" + i)).setValue(LocalCluster.bytes("v" + i))
          .build();
      while (running) {
        List<Integer> ids = members.get();
        int id = ids.get(Math.floorMod(turn, ids.size()));
        try {
          KVGrpc.newBlockingStub(cluster.clientChannel(id))
              .withDeadlineAfter(1, TimeUnit.SECONDS).put(req);
          acked(i);
          break;
        } catch (StatusRuntimeException e) {
          turn++; // the next member, as a client fails over
        }
      }
    }
  }

  private synchronized void acked(int i) {
    long now = System.nanoTime();
    if (now - lastAckNanos > longestGapNanos) {
      longestGapNanos = now - lastAckNanos;
    }
    lastAckNanos = now;
    acknowledged.add(i);
  }

  /** Starts measuring gaps afresh from now. */
  synchronized void resetGap() {
    longestGapNanos = 0;
    lastAckNanos = System.nanoTime();
  }

  /** The longest time with no acknowledged write since the last {@link #resetGap}, in ms. */
  synchronized long longestGapMillis() {
    return TimeUnit.NANOSECONDS.toMillis(Math.max(longestGapNanos,
        System.nanoTime() - lastAckNanos));
  }

  synchronized List<Integer> acknowledged() {
    return List.copyOf(acknowledged);
  }

  String key(int i) {
    return prefix + "-" + i;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
  }
}
