package io.raftkv.raft.message;

/**
 * A follower's request to the leader for a read index on behalf of a local read (thesis §6.4,
 * "reads from followers"). Exempt from the term rules: {@code term} is 0.
 *
 * @param context the follower's request id, echoed in the response
 */
public record ReadIndexRequest(int from, int to, long term, long context) implements Message {}
