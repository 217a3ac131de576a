package io.raftkv.raft.message;

import io.raftkv.raft.Snapshot;

/**
 * Sent by a leader to a follower whose next needed entry was compacted away (§7). The transport may
 * stream {@code snapshot.data()} in chunks; the core sees the whole snapshot.
 */
public record InstallSnapshot(int from, int to, long term, Snapshot snapshot) implements Message {}
