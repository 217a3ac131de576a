package io.raftkv.client;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Where a {@link Kvslib} delivers its results, in completion order (the seed's notify channel).
 *
 * <p>It also bounds the kvslib: an operation counts as outstanding from the call that issues it
 * until its result is taken from this queue, and at most {@link #capacity()} may be outstanding,
 * so the queue never holds more than that and a {@code get} or {@code put} waits for room. A
 * caller that issues operations must therefore also take results, as with the seed's channel.
 */
public final class NotifyQueue {
  private final int capacity;
  private final Semaphore room;
  private final LinkedBlockingQueue<OpResult> results = new LinkedBlockingQueue<>();
  private boolean opened; // guarded by this

  NotifyQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("chCapacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.room = new Semaphore(capacity, true); // fair: callers get room in the order they asked
  }

  /** Waits for the next result and removes it. */
  public OpResult take() throws InterruptedException {
    OpResult result = results.take();
    room.release();
    return result;
  }

  /** Waits up to the timeout for the next result and removes it; null if none arrived. */
  public OpResult poll(long timeout, TimeUnit unit) throws InterruptedException {
    OpResult result = results.poll(timeout, unit);
    if (result != null) {
      room.release();
    }
    return result;
  }

  /** Removes the next result if there is one; null otherwise. */
  public OpResult poll() {
    OpResult result = results.poll();
    if (result != null) {
      room.release();
    }
    return result;
  }

  /** How many results wait to be taken. */
  public int size() {
    return results.size();
  }

  /** The most operations that may be outstanding (chCapacity). */
  public int capacity() {
    return capacity;
  }

  void acquireRoom() throws InterruptedException {
    room.acquire();
  }

  void returnRoom() {
    room.release();
  }

  void deliver(OpResult result) {
    results.add(result);
  }

  /** Lets every waiting and future caller through, so they can see that the kvslib stopped. */
  synchronized void openForever() {
    if (!opened) {
      opened = true;
      room.release(Integer.MAX_VALUE / 2);
    }
  }
}
