package io.raftkv.storage;

import io.raftkv.raft.HardState;
import io.raftkv.storage.disk.Disk;
import io.raftkv.storage.disk.DiskFile;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The hard state (term, vote, commit) in a file of two checksummed slots, so an update is atomic
 * with a single fdatasync and no rename: a write goes to the slot that does not hold the last
 * synced state, and recovery takes the valid slot with the higher sequence number. A torn write
 * therefore damages only the slot being written, and the other still holds a state at least as
 * new as the last one made durable.
 *
 * <p>Slot layout (at offsets 0 and 512, separate sectors): magic u32 "RKVH", seq u64, term u64,
 * vote i32, commit u64, crc u32 seeded with the directory identity.
 *
 * <p>A save is synced exactly when term or vote changed: those are the persistent state of thesis
 * Figure 3.1 (currentTerm, votedFor), and a node must never grant a second vote in a term after a
 * crash (§5.2). The commit index is volatile state (Figure 3.1): a commit-only save is written but
 * not synced, even in a Ready that syncs its entries, so the hot path pays one fdatasync (the
 * log's) per batch, not two. A crash may lose it, which is safe: the recovered commit index is
 * lower, and the node relearns the rest from the leader. It can never be higher than the recovered
 * log's last index, because the Raft runtime writes a commit index only after the entries it
 * covers are durable ({@link RaftStorage#save} syncs a Ready's entries before its hard state, and
 * every Ready with entries asks for that sync). Unsynced writes never touch the slot with the last synced
 * state, so they cannot damage it.
 *
 * <p>A write lost in a crash may still leave bytes behind in its slot (a torn write). If those
 * bytes stayed there, a later write of the same sequence number, torn in turn at the next crash,
 * could complete them into a valid slot and revive a state that recovery had already passed over
 * (found by the storage model test, seed 33). So {@link #open} rewrites the other slot with the
 * recovered state and syncs it, before anything new is written.
 */
final class HardStateFile {
  static final String NAME = "HARDSTATE";
  private static final System.Logger LOG = System.getLogger(HardStateFile.class.getName());
  private static final int MAGIC = 0x524B5648;
  private static final int SLOT_BYTES = 36;
  private static final int SLOT_STRIDE_BYTES = 512;

  private final DiskFile file;
  private final int seed;
  private final Failure failure;
  private long seq;
  private int syncedSlot;
  private HardState synced;
  private HardState current;

  private HardStateFile(DiskFile file, int seed, Failure failure, long seq, int syncedSlot,
      HardState state) {
    this.file = file;
    this.seed = seed;
    this.failure = failure;
    this.seq = seq;
    this.syncedSlot = syncedSlot;
    this.synced = state;
    this.current = state;
  }

  /** Creates the file holding {@link HardState#EMPTY}, atomically (temporary name, rename). */
  static void create(Disk disk, Path dir, int seed) throws IOException {
    Path tmp = dir.resolve(NAME + ".tmp");
    disk.delete(tmp);
    try (DiskFile f = disk.create(tmp)) {
      f.write(0, encode(seed, 1, HardState.EMPTY));
      f.write(SLOT_STRIDE_BYTES, encode(seed, 0, HardState.EMPTY));
      f.sync();
    }
    disk.rename(tmp, dir.resolve(NAME));
    disk.syncDirectory(dir);
  }

  /** Opens the file and reads the newest valid slot. */
  static HardStateFile open(Disk disk, Path dir, int seed, Failure failure) throws IOException {
    Path path = dir.resolve(NAME);
    DiskFile file = disk.open(path);
    long[] seqs = new long[2];
    HardState[] states = new HardState[2];
    for (int slot = 0; slot < 2; slot++) {
      ByteBuffer b = ByteBuffer.allocate(SLOT_BYTES);
      int n = 0;
      while (b.hasRemaining() && n >= 0) {
        n = file.read((long) slot * SLOT_STRIDE_BYTES + b.position(), b);
      }
      if (!b.hasRemaining()) {
        states[slot] = decode(seed, b.array(), seqs, slot);
      }
    }
    int best = states[0] == null ? 1 : states[1] == null ? 0 : seqs[0] >= seqs[1] ? 0 : 1;
    if (states[best] == null) {
      file.close();
      throw new CorruptStorageException(path, 0, "both hard state slots fail their checksum");
    }
    if (states[1 - best] == null) {
      LOG.log(Level.WARNING, "Hard state slot at offset {0} of {1} is invalid (a write torn by a"
          + " crash); using the other slot: {2}", (1 - best) * SLOT_STRIDE_BYTES, path, states[best]);
    }
    // What we read may be only in the page cache (after a process kill); make it durable before
    // the node acts on it. And overwrite the other slot with the same state: it may hold what is
    // left of a write lost in the crash, which must never come back (see the class comment).
    long seq = seqs[best] + 1;
    file.write((long) (1 - best) * SLOT_STRIDE_BYTES, encode(seed, seq, states[best]));
    file.sync();
    return new HardStateFile(file, seed, failure, seq, 1 - best, states[best]);
  }

  HardState state() {
    return current;
  }

  /** Whether storing {@code state} would change the synced term or vote (and so sync). */
  boolean termOrVoteDiffers(HardState state) {
    return state.term() != synced.term() || state.vote() != synced.vote();
  }

  /** Stores {@code state}; syncs if term or vote changed since the last sync, else only writes. */
  void save(HardState state) {
    failure.check();
    boolean mustSync = termOrVoteDiffers(state);
    if (state.equals(current) && !mustSync) {
      return;
    }
    int slot = 1 - syncedSlot;
    try {
      file.write((long) slot * SLOT_STRIDE_BYTES, encode(seed, seq + 1, state));
    } catch (IOException e) {
      throw failure.fail("writing the hard state to " + file.path(), e);
    }
    seq++;
    current = state;
    if (mustSync) {
      try {
        file.sync();
      } catch (IOException e) {
        throw failure.fail("fdatasync of " + file.path(), e);
      }
      syncedSlot = slot;
      synced = state;
    }
  }

  /** Makes an unsynced commit-only update durable too (used before a clean close). */
  void sync() {
    failure.check();
    if (current.equals(synced)) {
      return;
    }
    try {
      file.sync();
    } catch (IOException e) {
      throw failure.fail("fdatasync of " + file.path(), e);
    }
    syncedSlot = 1 - syncedSlot;
    synced = current;
  }

  void close() throws IOException {
    file.close();
  }

  private static ByteBuffer encode(int seed, long seq, HardState hs) {
    ByteBuffer b = ByteBuffer.allocate(SLOT_BYTES);
    b.putInt(MAGIC).putLong(seq).putLong(hs.term()).putInt(hs.vote()).putLong(hs.commit());
    b.putInt(Checksums.of(seed, b.array(), 0, SLOT_BYTES - 4));
    return b.flip();
  }

  private static HardState decode(int seed, byte[] bytes, long[] seqs, int slot) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (b.getInt() != MAGIC
        || ByteBuffer.wrap(bytes, SLOT_BYTES - 4, 4).getInt()
            != Checksums.of(seed, bytes, 0, SLOT_BYTES - 4)) {
      return null;
    }
    seqs[slot] = b.getLong();
    long term = b.getLong();
    int vote = b.getInt();
    long commit = b.getLong();
    if (term < 0 || commit < 0) {
      return null;
    }
    return new HardState(term, vote, commit);
  }
}
