/**
 * Durable storage for a Raft node. The public API is {@link io.raftkv.storage.RaftStorage} with
 * {@link io.raftkv.storage.StorageOptions} and three exceptions: {@link
 * io.raftkv.storage.CorruptStorageException} (damage found at recovery: stop, wipe, resync),
 * {@link io.raftkv.storage.StorageFailedException} (a write or fsync failed: stop, restart) and
 * {@link io.raftkv.storage.WrongDirectoryException} (another node's directory: fix the config).
 * Everything else in this package is implementation: the segmented log ({@code Wal}, {@code
 * WalRecovery}, {@code RecordCodec}), the hard state and snapshot files, and
 * the directory identity. All file access goes through {@link io.raftkv.storage.disk.Disk}.
 */
package io.raftkv.storage;
