package io.raftkv.storage;

import java.io.IOException;

/**
 * The storage's permanent failed state. Once any write or sync fails, every later operation throws:
 * the durable state is unknown and retrying an fsync can falsely report success.
 */
final class Failure {
  private volatile StorageFailedException failure;

  /** Throws if the storage has failed. */
  void check() {
    StorageFailedException f = failure;
    if (f != null) {
      throw new StorageFailedException(
          "storage failed earlier and refuses all work; restart the node: " + f.getMessage(), f);
    }
  }

  /** Enters the failed state (keeping the first cause) and returns the exception to throw. */
  synchronized StorageFailedException fail(String what, IOException cause) {
    if (failure == null) {
      failure =
          new StorageFailedException(
              what + " failed (" + cause + "); not retried, because the kernel may have dropped the"
                  + " unsynced data. Restart the node: recovery reads back what is durable.",
              cause);
    }
    return failure;
  }

  boolean failed() {
    return failure != null;
  }
}
