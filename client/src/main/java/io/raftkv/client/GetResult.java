package io.raftkv.client;

import java.util.Optional;

/**
 * The answer to a read.
 *
 * @param opId the operation's id within this client
 * @param key the key read
 * @param value the value, or empty if the key is absent
 */
public record GetResult(long opId, byte[] key, Optional<byte[]> value) {}
