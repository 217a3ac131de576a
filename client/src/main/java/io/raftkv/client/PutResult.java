package io.raftkv.client;

import java.util.Optional;

/**
 * The answer to a write. After a failover this is the answer of the one time the write took
 * effect, so {@code previous} is the value it replaced then, not what a retry found.
 *
 * @param opId the operation's id within this client
 * @param key the key written
 * @param previous the value the key held before, or empty if it was absent
 */
public record PutResult(long opId, byte[] key, Optional<byte[]> previous) {}
