package io.raftkv.storage;

/**
 * The data directory belongs to another node or cluster, or is not a node directory at all.
 * Starting anyway could make this node vote or acknowledge with another node's log.
 */
public final class WrongDirectoryException extends StorageException {
  public WrongDirectoryException(String message) {
    super(message);
  }
}
