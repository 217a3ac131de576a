package io.raftkv.raft.message;

/**
 * The answer to a {@link RequestVote}. A granted answer carries the term of the request; a refusal
 * carries the voter's own term so a stale candidate learns it is behind.
 */
public record RequestVoteResponse(int from, int to, long term, boolean preVote, boolean granted)
    implements Message {}
