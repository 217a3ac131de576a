package io.raftkv.raft.message;

/**
 * Tells a caught-up follower to start an election at once, skipping PreVote: the last step of a
 * leadership transfer (thesis §3.10).
 */
public record TimeoutNow(int from, int to, long term) implements Message {}
