package io.raftkv.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for the {@link Wal}: any number of threads wait for their index to become durable,
 * and one fdatasync covers every entry appended while the previous one ran.
 *
 * <p>The first waiter that finds no sync running becomes the syncer: it captures the log's end,
 * syncs outside the log's lock (so others keep appending into the next batch) and publishes the
 * new durable index. It then hands the syncer role straight to the lowest waiter the sync did not
 * cover, so the next sync starts at once, and wakes exactly the waiters it covered. Waking only
 * those (rather than every waiter on a shared monitor) matters with many writers on few cores: a
 * thundering herd costs a context switch per waiter per sync. There is no timer and no background
 * thread, so a lone writer pays exactly one write plus one fdatasync.
 *
 * <p>A failed sync puts the storage into its failed state and wakes every waiter with the error; it
 * is never retried.
 */
final class GroupCommit {
  private static final int WAITING = 0;
  private static final int DONE = 1;
  private static final int LEAD = 2;

  private final Wal wal;
  private final Failure failure;
  /** Guards durableIndex, syncing and waiters; held only for a few field updates. */
  private final ReentrantLock lock = new ReentrantLock();
  /** Held while a sync runs, and by changes that must not race one (truncation, release). */
  private final ReentrantLock syncLock = new ReentrantLock();
  private final PriorityQueue<Waiter> waiters =
      new PriorityQueue<>(Comparator.comparingLong((Waiter w) -> w.index));
  private long durableIndex;
  private boolean syncing;
  private long syncCount;

  /** A thread parked until its index is durable or it is handed the syncer role. */
  private static final class Waiter {
    final long index;
    final Thread thread = Thread.currentThread();
    volatile int state = WAITING;

    Waiter(long index) {
      this.index = index;
    }
  }

  GroupCommit(Wal wal, Failure failure, long durableIndex) {
    this.wal = wal;
    this.failure = failure;
    this.durableIndex = durableIndex;
  }

  /** An action on the log that must not run while a sync is in flight. */
  interface Exclusive {
    void run();
  }

  /**
   * Runs {@code action} with no sync in flight, then lowers the durable index if the action
   * shortened the log (a truncated entry is no longer durable whatever was synced before).
   */
  void exclusive(Exclusive action) {
    syncLock.lock();
    try {
      action.run();
      lock.lock();
      try {
        durableIndex = Math.min(durableIndex, wal.takeTruncationMark());
      } finally {
        lock.unlock();
      }
    } finally {
      syncLock.unlock();
    }
  }

  /** Blocks until the log is durable up to {@code index}, syncing it if no one else is. */
  void awaitDurable(long index) {
    boolean interrupted = false;
    try {
      while (true) {
        Waiter waiter = null;
        lock.lock();
        try {
          failure.check();
          if (durableIndex >= index) {
            return;
          }
          if (syncing) {
            waiter = new Waiter(index);
            waiters.add(waiter);
          } else {
            syncing = true;
          }
        } finally {
          lock.unlock();
        }
        if (waiter != null) {
          while (waiter.state == WAITING) {
            LockSupport.park(this);
            // Giving up mid-wait would tell the caller nothing about durability; finish the wait
            // and restore the flag afterwards (a set flag would make park return at once).
            interrupted |= Thread.interrupted();
          }
          if (waiter.state == DONE) {
            continue; // covered by a sync, or failed: the check above says which
          }
        }
        syncOnce();
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void syncOnce() {
    long synced = -1;
    syncLock.lock();
    try {
      Wal.SyncPlan plan = wal.capture();
      try {
        plan.file().sync();
      } catch (IOException e) {
        throw failure.fail("fdatasync of " + plan.file().path(), e);
      }
      synced = plan.lastIndex();
    } finally {
      syncLock.unlock();
      handOver(synced);
    }
  }

  /** Publishes a finished sync, passes the syncer role on and wakes whom the sync covered. */
  private void handOver(long synced) {
    List<Waiter> covered = new ArrayList<>();
    Waiter next = null;
    lock.lock();
    try {
      if (synced >= 0) {
        durableIndex = Math.max(durableIndex, synced);
        syncCount++;
      }
      if (failure.failed()) {
        covered.addAll(waiters);
        waiters.clear();
      } else {
        while (!waiters.isEmpty() && waiters.peek().index <= durableIndex) {
          covered.add(waiters.poll());
        }
        next = waiters.poll();
      }
      syncing = next != null;
    } finally {
      lock.unlock();
    }
    if (next != null) {
      next.state = LEAD;
      LockSupport.unpark(next.thread);
    }
    for (Waiter w : covered) {
      w.state = DONE;
      LockSupport.unpark(w.thread);
    }
  }

  /** How many group syncs have completed. */
  long syncCount() {
    lock.lock();
    try {
      return syncCount;
    } finally {
      lock.unlock();
    }
  }

  /** The highest index known durable. */
  long durableIndex() {
    lock.lock();
    try {
      return durableIndex;
    } finally {
      lock.unlock();
    }
  }
}
