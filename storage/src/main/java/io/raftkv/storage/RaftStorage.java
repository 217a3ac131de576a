package io.raftkv.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Ready;
import io.raftkv.raft.RestoredState;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotData;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.storage.disk.Disk;
import io.raftkv.storage.disk.LockHeldException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The durable storage of one Raft node: its write-ahead log, hard state and snapshots, in a data
 * directory that knows which node of which cluster it belongs to.
 *
 * <p>Use: {@link #open} (which recovers), hand {@link #restoredState()} to the Raft core, then
 * {@link #persist(Ready)} every Ready before sending its messages, and {@link #compact} after
 * taking a local snapshot. One thread writes: the node's, one Ready at a time, each Ready's entries
 * made durable by one fdatasync.
 *
 * <p>Errors: {@link DirectoryLockedException} when another process (or another open here) has
 * the directory open: every open storage holds an exclusive OS lock on the directory's {@code
 * LOCK} file, recording its pid there, until {@link #close}; {@link WrongDirectoryException} when
 * the directory is another node's;
 * {@link CorruptStorageException} when recovery finds damage a crash cannot explain (the message
 * names file, offset and repair); {@link StorageFailedException} once any write or sync has failed,
 * from then on for every call, because a failed fsync must never be retried.
 *
 * <p>Snapshots are never held in memory here: they are streamed into their file, and the {@link
 * Snapshot}s this class hands out ({@link RestoredState#snapshot()}, {@link #compact}, {@link
 * #snapshot()}) read their data from the file on demand, checking it as they go. Give those to the
 * Raft core so it does not keep a copy of the state only to send it to a follower; if a newer
 * snapshot has replaced the file meanwhile, reading fails with an error saying so.
 *
 * <p>{@link #persist}, {@link #save} and {@link #compact} are meant for the node's single runtime
 * thread; {@link #snapshot()} and the index getters may be called from any thread.
 */
public final class RaftStorage implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RaftStorage.class.getName());

  private final Disk disk;
  private final Path dir;
  private final Failure failure;
  private final Wal wal;
  private final HardStateFile hardState;
  /**
   * How far the commit index moves before a commit-only change is written (see {@link #save}).
   */
  static final long COMMIT_WRITE_STRIDE = 1024;
  /** The newest hard state handed to {@link #save} whose commit index is not yet written; or null. */
  private HardState unwritten;
  private final SnapshotStore snapshots;
  private final RestoredState restored;
  /** The latest durable snapshot, its data read from its file on demand; null before the first. */
  private volatile Snapshot latest;

  /** The name of the lock file every open storage holds in its directory. */
  static final String LOCK_NAME = "LOCK";
  /** The directory lock, held from open to close. */
  private Closeable lock;

  private RaftStorage(Disk disk, Path dir, Failure failure, Wal wal, HardStateFile hardState,
      SnapshotStore snapshots, RestoredState restored) {
    this.disk = disk;
    this.dir = dir;
    this.failure = failure;
    this.wal = wal;
    this.hardState = hardState;
    this.snapshots = snapshots;
    this.restored = restored;
    this.latest = restored.snapshot();
  }

  /**
   * Opens (creating if new) the data directory of node {@code nodeId} of cluster {@code clusterId}
   * and recovers its state.
   *
   * @throws DirectoryLockedException if another process, or another open storage in this one,
   *     has the directory; nothing in it is changed then (the message names the holder's pid)
   * @throws WrongDirectoryException if the directory belongs to another node or cluster, or holds
   *     files but no identity
   * @throws CorruptStorageException if recovery finds damage
   * @throws StorageException if the directory cannot be read or written
   */
  public static RaftStorage open(Disk disk, Path dir, String clusterId, int nodeId,
      StorageOptions options) {
    Objects.requireNonNull(disk, "disk");
    Objects.requireNonNull(options, "options");
    if (clusterId == null || clusterId.isBlank() || clusterId.contains("\n")) {
      throw new IllegalArgumentException("clusterId must be non-blank text on one line");
    }
    if (nodeId <= 0) {
      throw new IllegalArgumentException("nodeId must be positive: " + nodeId);
    }
    Closeable lock = null;
    try {
      lock = lockDirectory(disk, dir);
      RaftStorage storage = recover(disk, dir, clusterId, nodeId, options);
      storage.lock = lock;
      return storage;
    } catch (IOException e) {
      release(lock, dir);
      throw new StorageException("cannot open the node data directory " + dir + ": " + e, e);
    } catch (RuntimeException e) {
      release(lock, dir);
      throw e;
    }
  }

  /**
   * Takes the directory's {@value #LOCK_NAME} lock before anything else in it is read or written
   * (the lock file is the only thing created before), so a second server on a running node's
   * directory is refused with the directory unchanged.
   */
  private static Closeable lockDirectory(Disk disk, Path dir) throws IOException {
    disk.createDirectories(dir);
    Path file = dir.resolve(LOCK_NAME);
    try {
      return disk.lock(file, "pid " + ProcessHandle.current().pid());
    } catch (LockHeldException e) {
      throw new DirectoryLockedException("data directory " + dir + " is in use by "
          + (e.holder() == null ? "another process (holder unknown)" : e.holder())
          + " (it holds " + file + "). Refusing to start: two servers on one directory would"
          + " corrupt it. Stop the other server, or point this one at its own directory.");
    }
  }

  private static void release(Closeable lock, Path dir) {
    if (lock == null) {
      return;
    }
    try {
      lock.close();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "releasing the lock of " + dir + " failed: " + e);
    }
  }

  private static RaftStorage recover(Disk disk, Path dir, String clusterId, int nodeId,
      StorageOptions options) throws IOException {
    disk.createDirectories(dir);
    if (dir.getParent() != null) {
      disk.syncDirectory(dir.getParent());
    }
    NodeIdentity identity = identify(disk, dir, clusterId, nodeId, options);
    int seed = identity.seed();
    Failure failure = new Failure();
    SnapshotStore snapshots = new SnapshotStore(disk, dir, seed);
    Snapshot snapshot = snapshots.loadLatest();
    long snapIndex = snapshot == null ? 0 : snapshot.meta().index();
    if (!disk.exists(dir.resolve(HardStateFile.NAME))) {
      if (snapshot != null || disk.list(dir).stream().anyMatch(n -> SegmentName.parse(n) != null)) {
        throw new CorruptStorageException(dir.resolve(HardStateFile.NAME), 0,
            "the hard state file is missing although the directory holds a log or snapshot");
      }
      // A new directory, or a first start that crashed right after writing the identity. For a
      // member of an existing cluster the mark goes first: it must never look like a new member.
      if (options.joinExisting()) {
        RejoinMark.create(disk, dir, "node " + nodeId + " started with an empty data directory"
            + " to join the existing cluster '" + clusterId + "'");
      }
      HardStateFile.create(disk, dir, seed);
    }
    HardStateFile hardState = HardStateFile.open(disk, dir, seed, failure);
    Wal wal = null;
    try {
      List<Entry> entries = new ArrayList<>();
      WalRecovery recovery = new WalRecovery(disk, dir, seed, options, failure);
      wal = recovery.recover(snapIndex + 1, e -> {
            if (e.index() > snapIndex) {
              entries.add(e);
            }
          });
      if (wal.firstIndex() > snapIndex + 1) {
        throw new CorruptStorageException(dir.resolve(wal.segmentNames().get(0)), 0,
            "gap between snapshot and log: the snapshot covers up to " + snapIndex
                + " but the log starts at " + wal.firstIndex());
      }
      if (snapshot != null && !reconcile(wal, snapshot)) {
        entries.clear();
      }
      HardState hs = hardState.state();
      String lost = recovery.cutAcknowledged();
      long last = Math.max(wal.lastIndex(), snapIndex);
      if (hs.commit() > last) {
        // Entries known committed are gone: only damage explains that (the commit index is
        // written only once the entries it covers are durable). The cluster still has them.
        lost = "the log ends at index " + last + " but the hard state says " + hs.commit()
            + " is committed" + (lost == null ? "" : "; " + lost);
        hs = new HardState(hs.term(), hs.vote(), last);
      }
      checkLastTerm(dir, hs, snapshot, entries);
      if (lost != null) {
        LOG.log(Level.WARNING, "{0}: this node may have promised entries it no longer holds. It"
            + " rejoins: it will neither vote nor count toward a quorum until a leader has brought"
            + " it up to date (the mark is {1})", lost, dir.resolve(RejoinMark.NAME));
        RejoinMark.create(disk, dir, lost);
      }
      boolean rejoining = RejoinMark.exists(disk, dir);
      if (rejoining) {
        LOG.log(Level.INFO, "Node {0} is rejoining (see {1}): it will not vote or count toward a"
            + " quorum until a leader has caught it up", nodeId, dir.resolve(RejoinMark.NAME));
      }
      return new RaftStorage(disk, dir, failure, wal, hardState, snapshots,
          RestoredState.of(hs, snapshot, entries).withRejoining(rejoining));
    } catch (IOException | RuntimeException e) {
      // Close what recovery opened, so a caller that goes on (a test, a repair tool) leaks nothing.
      hardState.close();
      if (wal != null) {
        wal.close();
      }
      throw e;
    }
  }

  /**
   * Whether {@code dir} holds a node's data (its identity file): if not, opening it starts a node
   * afresh, as a new cluster's member or a rejoining one ({@link StorageOptions#joinExisting}).
   */
  public static boolean holdsNodeData(Disk disk, Path dir) {
    try {
      return disk.exists(dir.resolve(NodeIdentity.NAME));
    } catch (IOException e) {
      throw new StorageException("cannot read the node data directory " + dir + ": " + e, e);
    }
  }

  /**
   * A node writes its term durably before any entry or snapshot of that term (see {@link #save}),
   * so a restored log whose last term is beyond the restored current term means lost or damaged
   * hard state: refused here, naming the file, rather than by the Raft core's unnamed safety rule.
   */
  private static void checkLastTerm(Path dir, HardState hs, Snapshot snapshot,
      List<Entry> entries) {
    long lastTerm = !entries.isEmpty() ? entries.get(entries.size() - 1).term()
        : snapshot != null ? snapshot.meta().term() : 0;
    if (lastTerm > hs.term()) {
      throw new CorruptStorageException(dir.resolve(HardStateFile.NAME), 0, "the hard state's"
          + " current term " + hs.term() + " is below the restored log's last term " + lastTerm
          + ", which a node writes only after the term itself, so the hard state is stale or lost");
    }
  }

  private static NodeIdentity identify(Disk disk, Path dir, String clusterId, int nodeId,
      StorageOptions options) throws IOException {
    List<String> names = disk.list(dir);
    if (names.contains(NodeIdentity.NAME)) {
      NodeIdentity found = NodeIdentity.read(disk, dir);
      if (!found.clusterId().equals(clusterId) || found.nodeId() != nodeId) {
        throw new WrongDirectoryException("data directory " + dir + " belongs to node "
            + found.nodeId() + " of cluster '" + found.clusterId() + "', not to node " + nodeId
            + " of cluster '" + clusterId + "'. Refusing to start: this node would vote and"
            + " acknowledge with another node's log. Point the node at its own data directory.");
      }
      return found;
    }
    if (names.stream().anyMatch(n -> !n.equals(NodeIdentity.NAME + ".tmp")
        && !n.equals(LOCK_NAME))) {
      throw new WrongDirectoryException("data directory " + dir + " holds files " + names
          + " but no " + NodeIdentity.NAME + " file, so it is not a RaftKV node directory (or"
          + " its identity was lost). Refusing to start; point the node at an empty or its own"
          + " directory.");
    }
    NodeIdentity created =
        new NodeIdentity(clusterId, nodeId, options.incarnationSource().getAsLong());
    created.create(disk, dir);
    return created;
  }

  /**
   * Makes the log agree with a durable snapshot (Raft §7): if the log holds the snapshot's last
   * entry with the same term, the entries after it stay and whole segments below it are released;
   * otherwise the log is discarded and restarts after the snapshot.
   *
   * @return whether the log's entries after the snapshot were kept
   */
  private static boolean reconcile(Wal wal, Snapshot snapshot) {
    long index = snapshot.meta().index();
    if (wal.firstIndex() == index + 1) {
      return true;
    }
    if (wal.termAt(index) == snapshot.meta().term()) {
      wal.releaseUpTo(index);
      return true;
    }
    LOG.log(Level.INFO, "Log does not contain snapshot entry {0}/{1}; discarding the log",
        index, snapshot.meta().term());
    wal.reset(index + 1);
    return false;
  }

  /**
   * What recovery read back; hand it to the Raft core. Its snapshot's data is read from the file on
   * demand (the whole file was checked when it was opened).
   */
  public RestoredState restoredState() {
    return restored;
  }

  /**
   * Stores a Ready's snapshot, entries and hard state in that order, syncing if it says so; then,
   * if the node rejoined in it ({@link Ready#rejoined()}), removes the rejoining mark.
   */
  public void persist(Ready ready) {
    save(ready.hardState(), ready.entries(), ready.snapshot(), ready.mustSync());
    if (ready.rejoined()) {
      rejoined();
    }
  }

  /**
   * Durably records that the node has rejoined ({@link RestoredState#rejoining()} is false from the
   * next start on). Call only after the Ready that reported it is durable (its vote with it).
   */
  public void rejoined() {
    failure.check();
    try {
      RejoinMark.clear(disk, dir);
    } catch (IOException e) {
      throw failure.fail("deleting " + dir.resolve(RejoinMark.NAME), e);
    }
    LOG.log(Level.INFO, "Node in {0} has rejoined: a leader caught it up, it votes and counts"
        + " toward quorums again", dir);
  }

  /**
   * Makes durable, in this order: a new term and vote of {@code hardState} (if they changed),
   * {@code snapshot} (if not null; it replaces the log unless the log holds its last entry with the
   * same term), {@code entries} (the first at or below the last stored index replaces the stored
   * suffix from there), then the commit index of {@code hardState}.
   * When {@code mustSync} is set, the entries are synced before the hard state is written; without
   * it, entries are only handed to the operating system (they survive a process crash, not a power
   * loss). A change of term or vote is always synced (thesis Figure 3.1: currentTerm and votedFor
   * are persistent state); a commit-only change is written, never synced, and only once the commit
   * index has moved {@value #COMMIT_WRITE_STRIDE} entries since it was last written (and at {@link
   * #close}), whatever {@code mustSync} says: the commit index is volatile state, and a restarted
   * node that recovers an older one re-applies the rest once the leader tells it; that is safe.
   */
  public void save(HardState hardState, List<Entry> entries, Snapshot snapshot, boolean mustSync) {
    failure.check();
    boolean interrupted = Thread.interrupted();
    try {
      saveInOrder(hardState, entries, snapshot, mustSync);
    } finally {
      restoreInterrupt(interrupted);
    }
  }

  private void saveInOrder(HardState hardState, List<Entry> entries, Snapshot snapshot,
      boolean mustSync) {
    if (hardState != null && this.hardState.termOrVoteDiffers(hardState)) {
      // A new term (or vote) is durable before anything of that term: otherwise a failed or
      // interrupted hard-state sync could leave entries of term T in a log whose recovered current
      // term is below T, which no correct node can restart from (Figure 3.1, §5.1). The commit
      // index waits for the entries it covers, below.
      this.hardState.save(new HardState(hardState.term(), hardState.vote(),
          this.hardState.state().commit()));
    }
    if (snapshot != null) {
      installSnapshot(snapshot);
    }
    if (!entries.isEmpty()) {
      wal.append(entries);
      if (mustSync) {
        wal.syncUpTo(entries.get(entries.size() - 1).index());
      } else {
        wal.writeOut();
      }
    }
    if (hardState != null) {
      // After the entries: with mustSync (every Ready with entries) a commit index written now
      // covers only durable entries, so even unsynced it never points past the recovered log.
      // The commit index is volatile state (Figure 3.1), kept only so a restart can re-apply
      // without waiting for the leader; writing it on every Ready cost every node a write per
      // operation, so it is written once it has moved COMMIT_WRITE_STRIDE entries, and at close.
      // (A new term or vote was saved above, so only the commit index can differ here.)
      HardState written = this.hardState.state();
      if (Math.abs(hardState.commit() - written.commit()) >= COMMIT_WRITE_STRIDE) {
        this.hardState.save(hardState);
        unwritten = null;
      } else if (!hardState.equals(written)) {
        unwritten = hardState;
      }
    }
  }

  /**
   * Stores a snapshot the node took itself, durably, then deletes older snapshots and the log
   * segments wholly below it. Snapshots at or below the current one are ignored.
   *
   * @return the latest durable snapshot, read from its file on demand: this one, or a newer one
   *     stored before (null only if {@code snapshot} is at index 0 and none was stored)
   */
  public Snapshot compact(Snapshot snapshot) {
    return compact(snapshot.meta(), snapshot.data().sizeBytes(), copying(snapshot.data()));
  }

  /**
   * As {@link #compact(Snapshot)}, the data written by {@code writer} straight into the file (for
   * example {@code kv::snapshot}, with {@code kv.snapshotSizeBytes()}): the state is never held
   * as one array.
   *
   * @param dataBytes exactly how many bytes {@code writer} writes
   * @throws IllegalStateException if {@code writer} writes another number of bytes
   * @throws StorageFailedException if writing or syncing failed (or did earlier)
   */
  public Snapshot compact(SnapshotMeta meta, long dataBytes, SnapshotWriter writer) {
    failure.check();
    boolean interrupted = Thread.interrupted();
    try {
      installSnapshot(meta, dataBytes, writer);
      return latest;
    } finally {
      restoreInterrupt(interrupted);
    }
  }

  /**
   * The latest durable snapshot (recovered, received in a Ready or taken), its data read from its
   * file on demand; null if there is none. After persisting a Ready's snapshot, hand this to the
   * Raft core ({@code RaftNode.snapshotStored}) so the received bytes can be freed.
   */
  public Snapshot snapshot() {
    return latest;
  }

  /**
   * An interrupt that arrives while a thread does I/O on a {@code FileChannel} closes the channel
   * for everyone, which would fail the whole storage. So a pending interrupt is set aside for the
   * duration of a call and restored after it. (One arriving mid-call still fails the storage:
   * fail-stop, never data loss.)
   */
  private static void restoreInterrupt(boolean interrupted) {
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes a snapshot's data by reading it once through its handle. */
  private static SnapshotWriter copying(SnapshotData data) {
    return out -> {
      try (InputStream in = data.open()) {
        in.transferTo(out);
      }
    };
  }

  private void installSnapshot(Snapshot snapshot) {
    installSnapshot(snapshot.meta(), snapshot.data().sizeBytes(), copying(snapshot.data()));
  }

  private void installSnapshot(SnapshotMeta meta, long dataBytes, SnapshotWriter writer) {
    long index = meta.index();
    if (index == 0 || (latest != null && index <= latest.meta().index())) {
      return;
    }
    Snapshot stored;
    try {
      stored = snapshots.save(meta, dataBytes, writer);
    } catch (IOException e) {
      throw failure.fail("writing snapshot " + meta.index() + "/" + meta.term() + " ("
          + dataBytes + " bytes) in " + dir, e);
    }
    latest = stored;
    reconcile(wal, stored);
  }

  /** The first index still in the log (entries below it are covered by the snapshot). */
  public long firstIndex() {
    return wal.firstIndex();
  }

  /** The last index in the log, durable or not. */
  public long lastIndex() {
    return wal.lastIndex();
  }

  /** The hard state as last handed to {@link #save}, written yet or not (for tests). */
  HardState savedHardState() {
    return unwritten != null ? unwritten : hardState.state();
  }

  /** The node's data directory. */
  public Path directory() {
    return dir;
  }

  /** Names of the log segment files, oldest first (for operators and tests). */
  public List<String> segmentFileNames() {
    return wal.segmentNames();
  }

  /**
   * Syncs what is pending and closes the files. A failed storage just closes its files: nothing
   * more can be made durable.
   */
  @Override
  public void close() {
    try {
      if (!failure.failed()) {
        wal.syncUpTo(wal.lastIndex());
        if (unwritten != null && !hardState.termOrVoteDiffers(unwritten)) {
          hardState.save(unwritten); // the latest commit index, so a restart re-applies it all
        }
        hardState.sync();
      }
    } finally {
      try {
        wal.close();
        hardState.close();
      } catch (IOException e) {
        LOG.log(Level.WARNING, "closing storage files in " + dir + " failed: " + e);
      }
      release(lock, dir);
      lock = null;
    }
  }
}
