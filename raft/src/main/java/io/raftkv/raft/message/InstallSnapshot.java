package io.raftkv.raft.message;

import io.raftkv.raft.Snapshot;

/**
 * Sent by a leader to a follower whose next needed entry was compacted away (§7). The transport
 * streams the bytes behind {@code snapshot.data()} in chunks, reading them only when it sends; the
 * core sees the whole snapshot and never its bytes.
 */
public record InstallSnapshot(int from, int to, long term, Snapshot snapshot) implements Message {}
