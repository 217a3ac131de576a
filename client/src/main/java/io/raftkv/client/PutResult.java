package io.raftkv.client;

import java.util.Optional;

/**
 * The answer to a write. After a failover this is the answer of the one time the write took
 * effect, so {@code previous} is the value it replaced then, not what a retry found.
 *
 * <p>Exactly-once holds for every retry, but the servers keep the previous values of recent
 * answers only up to a byte budget (the cluster option {@code maxSessionAnswerBytes}, 64 MiB by
 * default). When a retry's first answer was not kept whole, the result says so: {@link
 * #previousUnknown()} is true and {@code previous} is empty. The write still took effect exactly
 * once; only the value it replaced is no longer known.
 *
 * @param opId the operation's id within this client (unsigned)
 * @param key the key written
 * @param previous the value the key held before, or empty if it was absent or is unknown
 * @param previousUnknown whether the write took effect but its previous value is unknown (the
 *     answer to a retry, from servers that no longer keep it)
 */
public record PutResult(long opId, byte[] key, Optional<byte[]> previous,
    boolean previousUnknown) {

  /** A result whose previous value is known. */
  public PutResult(long opId, byte[] key, Optional<byte[]> previous) {
    this(opId, key, previous, false);
  }
}
