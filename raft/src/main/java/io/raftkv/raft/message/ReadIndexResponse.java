package io.raftkv.raft.message;

/**
 * The leader's answer to a {@link ReadIndexRequest}: the commit index at the time leadership was
 * confirmed, or a refusal when the receiver is not (or no longer) the leader. Exempt from the term
 * rules: {@code term} is 0.
 */
public record ReadIndexResponse(int from, int to, long term, long context, long index, boolean ok)
    implements Message {}
