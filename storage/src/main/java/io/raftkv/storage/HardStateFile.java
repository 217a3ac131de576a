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
 * <p>A save is synced when the caller asks (Ready's {@code mustSync}) and, whatever the caller
 * says, whenever term or vote changed: a node must never grant a second vote in a term after a
 * crash (§5.2). An unsynced save (a commit-only change in a Ready that needs no sync) may be lost
 * in a crash, which is safe because the commit index is relearned from the leader; such writes
 * never touch the slot with the last synced state, so they cannot damage it.
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
    // the node acts on it, and before the other slot is overwritten.
    file.sync();
    return new HardStateFile(file, seed, failure, seqs[best], best, states[best]);
  }

  HardState state() {
    return current;
  }

  /** Stores {@code state}; syncs if {@code sync} or if term or vote changed since the last sync. */
  void save(HardState state, boolean sync) {
    failure.check();
    boolean mustSync =
        sync && !state.equals(synced)
            || state.term() != synced.term()
            || state.vote() != synced.vote();
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
