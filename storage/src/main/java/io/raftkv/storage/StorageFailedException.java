package io.raftkv.storage;

/**
 * A write or sync failed, so what is durable is unknown. The storage refuses every later call with
 * this exception: an fsync is never retried, because after a failure the kernel may already have
 * dropped the dirty pages and a retry can report success for data that is gone. Restart the node;
 * recovery then reads back only what really is on disk.
 */
public final class StorageFailedException extends StorageException {
  public StorageFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
