package io.raftkv.storage;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for the {@link Wal}: any number of threads wait for their index to become durable,
 * and one fdatasync covers every entry appended while the previous one ran.
 *
 * <p>The first waiter that finds no sync running becomes the syncer: it captures the log's end,
 * syncs outside the log's lock (so others keep appending into the next batch), publishes the new
 * durable index and wakes everyone. Waiters whose index the sync covered return; the rest elect the
 * next syncer among themselves. There is no timer and no background thread, so a lone writer pays
 * exactly one write plus one fdatasync.
 *
 * <p>A failed sync puts the storage into its failed state and wakes every waiter with the error; it
 * is never retried.
 */
final class GroupCommit {
  private final Wal wal;
  private final Failure failure;
  private final Object monitor = new Object();
  /** Held while a sync runs, and by changes that must not race one (truncation, release). */
  private final ReentrantLock syncLock = new ReentrantLock();
  private long durableIndex;
  private boolean syncing;

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
      synchronized (monitor) {
        durableIndex = Math.min(durableIndex, wal.takeTruncationMark());
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
        synchronized (monitor) {
          while (true) {
            failure.check();
            if (durableIndex >= index) {
              return;
            }
            if (!syncing) {
              syncing = true;
              break;
            }
            try {
              monitor.wait();
            } catch (InterruptedException e) {
              // Giving up mid-wait would tell the caller nothing about durability; finish the wait
              // and restore the flag for the caller to see.
              interrupted = true;
            }
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
      synchronized (monitor) {
        if (synced >= 0) {
          durableIndex = Math.max(durableIndex, synced);
        }
        syncing = false;
        monitor.notifyAll();
      }
    }
  }

  /** The highest index known durable. */
  long durableIndex() {
    synchronized (monitor) {
      return durableIndex;
    }
  }
}
