package io.raftkv.client;

/**
 * The answer to a delete; like {@link PutResult}, the answer of the one time it took effect.
 *
 * @param opId the operation's id within this client
 * @param key the key removed
 * @param existed whether the key was present
 */
public record DeleteResult(long opId, byte[] key, boolean existed) {}
