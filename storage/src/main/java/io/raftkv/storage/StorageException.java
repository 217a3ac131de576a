package io.raftkv.storage;

/** Base of every error the storage reports. Unchecked: none of them can be handled locally. */
public class StorageException extends RuntimeException {
  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
