package io.raftkv.storage.disk;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * An in-memory {@link Disk} that models what survives a power loss, for deterministic simulation.
 *
 * <p>Every file keeps its durable contents apart from the writes and truncations made since its
 * last {@link DiskFile#sync()}; every directory keeps its durable names apart from the creations,
 * renames and deletions made since its last {@link #syncDirectory(Path)}. {@link #crash()} models a
 * power loss the way ordered file systems behave in practice: each file keeps its durable contents
 * plus a random prefix of its unsynced operations, the next unsynced write may survive only in part
 * (a torn write), and the name space keeps a random prefix of its unsynced operations. Directories
 * themselves are durable as soon as they are created (the storage creates them once).
 *
 * <p>Faults on request: {@link #flipBit(Path, long)} corrupts a byte on the medium, and {@link
 * #failNextSync(Path)} makes the next sync of a file or directory throw ({@link #failSync(Path,
 * int)} a later one).
 *
 * <p>All choices come from the injected {@link RandomGenerator}, so a seed replays a run exactly.
 * Methods are synchronized, so a storage's callers on other threads (snapshot senders) may share
 * one instance.
 *
 * <p>Test code: it is in the storage module's test sources and published in the storage test-jar
 * (see storage/pom.xml), which the simulator uses; the production jar does not carry it.
 */
public final class SimulatedDisk implements Disk {

  private final RandomGenerator random;
  private final Set<Path> directories = new HashSet<>();
  private Map<Path, Inode> names = new TreeMap<>();
  private Map<Path, Inode> durableNames = new TreeMap<>();
  private final List<DirOp> unsyncedDirOps = new ArrayList<>();
  /** Syncs to fail: path to how many syncs of it come first (0: the next one fails). */
  private final Map<Path, Integer> failSyncAfter = new HashMap<>();
  /** Held locks; one is removed only by the handle that took it (identity), or by a crash. */
  private final Map<Path, Held> locks = new HashMap<>();
  // Handles opened before a crash must not touch the state after it: the process they belonged to
  // is gone. Each crash starts a new generation.
  private int generation;

  public SimulatedDisk(RandomGenerator random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  @Override
  public synchronized DiskFile open(Path file) throws IOException {
    Inode inode = names.get(file);
    if (inode == null) {
      throw new NoSuchFileException(file.toString());
    }
    return new SimFile(file, inode, generation);
  }

  @Override
  public synchronized DiskFile create(Path file) throws IOException {
    requireDirectory(file.getParent());
    if (names.containsKey(file)) {
      throw new FileAlreadyExistsException(file.toString());
    }
    Inode inode = new Inode();
    names.put(file, inode);
    unsyncedDirOps.add(new DirOp(file.getParent(), null, file, inode));
    return new SimFile(file, inode, generation);
  }

  @Override
  public synchronized void rename(Path from, Path to) throws IOException {
    Inode inode = names.remove(from);
    if (inode == null) {
      throw new NoSuchFileException(from.toString());
    }
    names.put(to, inode);
    unsyncedDirOps.add(new DirOp(from.getParent(), from, to, inode));
  }

  @Override
  public synchronized List<String> list(Path dir) throws IOException {
    requireDirectory(dir);
    List<String> result = new ArrayList<>();
    for (Path p : names.keySet()) {
      if (dir.equals(p.getParent())) {
        result.add(p.getFileName().toString());
      }
    }
    result.sort(null);
    return result;
  }

  @Override
  public synchronized boolean exists(Path file) {
    return names.containsKey(file) || directories.contains(file);
  }

  @Override
  public synchronized void delete(Path file) {
    if (names.remove(file) != null) {
      unsyncedDirOps.add(new DirOp(file.getParent(), file, null, null));
    }
  }

  @Override
  public synchronized void syncDirectory(Path dir) throws IOException {
    requireDirectory(dir);
    if (syncFails(dir)) {
      throw new IOException("simulated fsync failure on directory " + dir);
    }
    durableNames.keySet().removeIf(p -> dir.equals(p.getParent()));
    for (Map.Entry<Path, Inode> e : names.entrySet()) {
      if (dir.equals(e.getKey().getParent())) {
        durableNames.put(e.getKey(), e.getValue());
      }
    }
    unsyncedDirOps.removeIf(op -> op.dir.equals(dir));
  }

  @Override
  public synchronized void createDirectories(Path dir) {
    for (Path p = dir; p != null; p = p.getParent()) {
      directories.add(p);
    }
  }

  /**
   * Modelled in memory only, one holder at a time: no file is created, so taking the lock
   * changes neither the name space nor the random choices of {@link #crash()} (a seed replays the
   * same run with or without locking). A crash releases every lock (its holder process is gone).
   */
  @Override
  public synchronized Closeable lock(Path file, String holder) throws IOException {
    requireDirectory(file.getParent());
    Held held = locks.get(file);
    if (held != null) {
      throw new LockHeldException(file, held.holder);
    }
    Held mine = new Held(holder);
    locks.put(file, mine);
    return () -> {
      synchronized (SimulatedDisk.this) {
        locks.remove(file, mine);
      }
    };
  }

  /**
   * Simulates a power loss and restart: every file falls back to its durable contents plus a random
   * prefix of its unsynced operations (the first one not kept may survive as a torn prefix), and
   * the name space likewise. Handles opened before the crash stop working.
   */
  public synchronized void crash() {
    // Visit inodes in a fixed order (sorted names, then durable names, then pending operations) so
    // that the random choices, and with them the whole crash, depend on the seed alone.
    Set<Inode> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Inode> inodes = new ArrayList<>();
    names.values().forEach(i -> addOnce(seen, inodes, i));
    durableNames.values().forEach(i -> addOnce(seen, inodes, i));
    unsyncedDirOps.forEach(op -> addOnce(seen, inodes, op.inode));
    for (Inode inode : inodes) {
      inode.crash(random);
    }
    Map<Path, Inode> survived = new TreeMap<>(durableNames);
    int keptOps = random.nextInt(unsyncedDirOps.size() + 1);
    for (DirOp op : unsyncedDirOps.subList(0, keptOps)) {
      if (op.from != null) {
        survived.remove(op.from);
      }
      if (op.to != null) {
        survived.put(op.to, op.inode);
      }
    }
    unsyncedDirOps.clear();
    names = survived;
    durableNames = new TreeMap<>(survived);
    locks.clear();
    generation++;
  }

  private static void addOnce(Set<Inode> seen, List<Inode> inodes, Inode inode) {
    if (inode != null && seen.add(inode)) {
      inodes.add(inode);
    }
  }

  /** Flips one bit of the byte at {@code offsetBytes}, both in the cache and on the medium. */
  public synchronized void flipBit(Path file, long offsetBytes) throws IOException {
    Inode inode = names.get(file);
    if (inode == null) {
      throw new NoSuchFileException(file.toString());
    }
    int bit = random.nextInt(8);
    inode.current.flip(offsetBytes, bit);
    if (offsetBytes < inode.durable.length) {
      inode.durable.flip(offsetBytes, bit);
    }
  }

  /** Makes the next sync of {@code fileOrDirectory} throw, leaving its unsynced data not durable. */
  public synchronized void failNextSync(Path fileOrDirectory) {
    failSync(fileOrDirectory, 1);
  }

  /** Makes the {@code nth} sync from now (1: the next) of {@code fileOrDirectory} throw. */
  public synchronized void failSync(Path fileOrDirectory, int nth) {
    if (nth < 1) {
      throw new IllegalArgumentException("nth must be at least 1: " + nth);
    }
    failSyncAfter.put(fileOrDirectory, nth - 1);
  }

  private boolean syncFails(Path path) {
    Integer before = failSyncAfter.get(path);
    if (before == null) {
      return false;
    }
    if (before == 0) {
      failSyncAfter.remove(path);
      return true;
    }
    failSyncAfter.put(path, before - 1);
    return false;
  }

  /** Disarms every sync failure requested and not yet triggered (the simulator's healing). */
  public synchronized void clearSyncFailures() {
    failSyncAfter.clear();
  }

  /** The current contents of {@code file}, including unsynced bytes (for tests and debugging). */
  public synchronized byte[] contents(Path file) throws IOException {
    Inode inode = names.get(file);
    if (inode == null) {
      throw new NoSuchFileException(file.toString());
    }
    return inode.current.copyOf();
  }

  private void requireDirectory(Path dir) throws IOException {
    if (dir == null || !directories.contains(dir)) {
      throw new NoSuchFileException(String.valueOf(dir), null, "no such directory");
    }
  }

  /** A lock's holder; compared by identity, so an old handle never releases a newer lock. */
  private static final class Held {
    final String holder;

    Held(String holder) {
      this.holder = holder;
    }
  }

  /** A change to a directory: a creation (from null), deletion (to null) or rename. */
  private record DirOp(Path dir, Path from, Path to, Inode inode) {}

  /** An unsynced change to a file: a write of {@code data} at {@code position}, or a truncation. */
  private record FileOp(long position, byte[] data, long truncateTo) {
    void applyTo(GrowableBytes bytes) {
      if (data == null) {
        bytes.truncate(truncateTo);
      } else {
        bytes.write(position, data, data.length);
      }
    }
  }

  private static final class Inode {
    final GrowableBytes current = new GrowableBytes();
    GrowableBytes durable = new GrowableBytes();
    final List<FileOp> unsynced = new ArrayList<>();

    void sync() {
      for (FileOp op : unsynced) {
        op.applyTo(durable);
      }
      unsynced.clear();
    }

    void crash(RandomGenerator random) {
      GrowableBytes image = durable.copy();
      int kept = random.nextInt(unsynced.size() + 1);
      for (FileOp op : unsynced.subList(0, kept)) {
        op.applyTo(image);
      }
      if (kept < unsynced.size() && random.nextBoolean()) {
        FileOp torn = unsynced.get(kept);
        if (torn.data != null && torn.data.length > 1) {
          image.write(torn.position, torn.data, 1 + random.nextInt(torn.data.length - 1));
        }
      }
      unsynced.clear();
      current.replaceWith(image);
      durable = image.copy();
    }
  }

  private final class SimFile implements DiskFile {
    private final Path path;
    private final Inode inode;
    private final int openedInGeneration;
    private boolean closed;

    SimFile(Path path, Inode inode, int generation) {
      this.path = path;
      this.inode = inode;
      this.openedInGeneration = generation;
    }

    @Override
    public Path path() {
      return path;
    }

    @Override
    public long sizeBytes() throws IOException {
      synchronized (SimulatedDisk.this) {
        check();
        return inode.current.length;
      }
    }

    @Override
    public void write(long positionBytes, ByteBuffer src) throws IOException {
      synchronized (SimulatedDisk.this) {
        check();
        byte[] data = new byte[src.remaining()];
        src.get(data);
        FileOp op = new FileOp(positionBytes, data, -1);
        op.applyTo(inode.current);
        inode.unsynced.add(op);
      }
    }

    @Override
    public int read(long positionBytes, ByteBuffer dst) throws IOException {
      synchronized (SimulatedDisk.this) {
        check();
        return inode.current.read(positionBytes, dst);
      }
    }

    @Override
    public void sync() throws IOException {
      synchronized (SimulatedDisk.this) {
        check();
        if (syncFails(path)) {
          throw new IOException("simulated fsync failure on " + path);
        }
        inode.sync();
      }
    }

    @Override
    public void truncate(long sizeBytes) throws IOException {
      synchronized (SimulatedDisk.this) {
        check();
        if (sizeBytes < inode.current.length) {
          FileOp op = new FileOp(0, null, sizeBytes);
          op.applyTo(inode.current);
          inode.unsynced.add(op);
        }
      }
    }

    @Override
    public void close() {
      closed = true;
    }

    private void check() throws IOException {
      if (closed) {
        throw new IOException("file is closed: " + path);
      }
      if (openedInGeneration != generation) {
        throw new IOException("file was opened before a simulated crash: " + path);
      }
    }
  }
}
