package io.raftkv.client;

/**
 * One operation's result on the {@link NotifyQueue} of a {@link Kvslib}.
 *
 * @param opId the id {@link Kvslib#get} or {@link Kvslib#put} returned for the operation
 * @param type which operation it was
 * @param key the key
 * @param value for a get, the value read (null if the key is absent); for a put, the value written;
 *     null if the operation failed
 * @param error null on success; otherwise why it failed. Without a deadline the kvslib only fails
 *     an operation on a definite refusal by the server or because it was stopped; see {@link
 *     RaftKvException#mayHaveBeenApplied()}
 */
public record OpResult(long opId, Type type, String key, String value, RaftKvException error) {

  /** The kind of operation. */
  public enum Type {
    GET,
    PUT
  }

  /** Whether the operation succeeded. */
  public boolean ok() {
    return error == null;
  }
}
