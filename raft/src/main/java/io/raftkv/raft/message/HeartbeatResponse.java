package io.raftkv.raft.message;

/** The answer to a {@link Heartbeat}, echoing its read round. */
public record HeartbeatResponse(int from, int to, long term, long readRound) implements Message {}
