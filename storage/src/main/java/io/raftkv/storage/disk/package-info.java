/**
 * The seam through which the storage touches files: {@link io.raftkv.storage.disk.Disk} and
 * {@link io.raftkv.storage.disk.DiskFile}, implemented for real by {@link
 * io.raftkv.storage.disk.FileChannelDisk} and in memory, with crashes, torn writes, bit flips and
 * failing syncs on request, by {@code SimulatedDisk}, which is test code: it lives in the storage
 * module's tests and reaches the simulator through the storage test-jar, never the production
 * jar. The simulator gives each simulated node its own {@code SimulatedDisk} seeded from the
 * run's seed and opens a real {@link io.raftkv.storage.RaftStorage} over it.
 */
package io.raftkv.storage.disk;
