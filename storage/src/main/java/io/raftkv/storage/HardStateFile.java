package io.raftkv.storage;

import io.raftkv.raft.HardState;
import io.raftkv.storage.disk.Disk;
import io.raftkv.storage.disk.DiskFile;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The hard state (term, vote, commit) in a file of two checksummed slots, updated in place with no
 * rename; recovery takes the valid slot with the higher sequence number.
 *
 * <p>Slot layout (at offsets 0 and 512, separate sectors): magic u32 "RKH2", seq u64, term u64,
 * vote i32, commit u64, crc u32 seeded with the directory identity.
 *
 * <p><b>What is synced.</b> A save is synced exactly when term or vote changed: those are the
 * persistent state of thesis Figure 3.1 (currentTerm, votedFor), and a node must never grant a
 * second vote in a term after a crash (§5.2). The commit index is volatile state (Figure 3.1): a
 * commit-only save is written but not synced, even in a Ready that syncs its entries, so the hot
 * path pays one fdatasync (the log's) per batch, not two. A crash may lose it, which is safe: the
 * recovered commit index is lower, and the node relearns the rest from the leader. It can never be
 * higher than the recovered log's last index, because the Raft runtime writes a commit index only
 * after the entries it covers are durable ({@link RaftStorage#save} syncs a Ready's entries before
 * its hard state, and every Ready with entries asks for that sync).
 *
 * <p><b>A torn write or damage: why one bad slot never costs a vote.</b> At recovery a slot that
 * fails its checksum is either (a) a write torn by the crash, which never returned, so nothing was
 * promised on it and the other slot may be used; or (b) damage (bit rot, a stray write) to a slot
 * that was synced, perhaps holding the newest term and vote, where falling back to an older term,
 * or to the same term without the vote, would let the node vote twice in a term. The bytes cannot
 * tell (a) from (b). So the format makes the answer the same for both: <em>a term or vote change
 * is written to both slots</em>, first the slot not holding the last synced state (seq s+1,
 * fdatasync), then the other (seq s+2, fdatasync), and the save returns only after both. Hence
 * the invariant: once a save of term/vote V has returned, both slots hold V (a later commit-only
 * write into one of them keeps V's term and vote, and a later change only moves to newer ones).
 * Whatever single slot is damaged or torn, the other holds V or a newer state, never an older one.
 * The two slots differ in term or vote only while a change is being written, before it returned:
 * there falling back to the older state is exactly right (the torn write never happened, as far
 * as any peer knows), and taking the newer one is safe too (it was durable before anything was
 * sent on it). Two bad slots stop the node.
 *
 * <p>The cost is one more write and fdatasync per term or vote change: elections are rare
 * (a handful per leader change), and commit-only saves, the frequent ones, stay single-slot and
 * unsynced. The alternative considered, a monotone term/vote epoch in both slots, still cannot
 * recover the vote from the slot that lacks it, so it could only refuse to start; writing both
 * slots recovers exactly.
 *
 * <p>Files written before this format ("RKVH" slots, where a change went to one slot only) are
 * read when both slots are valid. If one is not, the older rule cannot tell a torn write from
 * damage, so recovery stops with a {@link CorruptStorageException} naming file, offset and repair.
 *
 * <p><b>Leftovers of lost writes.</b> A write lost in a crash may still leave bytes behind in its
 * slot. If those bytes stayed there, a later write of the same sequence number, torn in turn at the
 * next crash, could complete them into a valid slot and revive a state that recovery had already
 * passed over (found by the storage model test, seed 33). So {@link #open} rewrites both slots
 * with the recovered state (the other slot first, each synced) before anything new is written;
 * this also restores the invariant above, and moves a file of the older format to this one.
 */
final class HardStateFile {
  static final String NAME = "HARDSTATE";
  private static final System.Logger LOG = System.getLogger(HardStateFile.class.getName());
  /** "RKH2": every term or vote change is in both slots. */
  private static final int MAGIC = 0x524B4832;
  /** "RKVH": the older format, where a term or vote change went to one slot only. */
  private static final int LEGACY_MAGIC = 0x524B5648;
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
      f.write(offset(0), encode(seed, 1, HardState.EMPTY));
      f.write(offset(1), encode(seed, 0, HardState.EMPTY));
      f.sync();
    }
    disk.rename(tmp, dir.resolve(NAME));
    disk.syncDirectory(dir);
  }

  /** Opens the file and reads the newest valid slot (see the class comment for which is safe). */
  static HardStateFile open(Disk disk, Path dir, int seed, Failure failure) throws IOException {
    Path path = dir.resolve(NAME);
    DiskFile file = disk.open(path);
    try {
      return recover(file, path, seed, failure);
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  private static HardStateFile recover(DiskFile file, Path path, int seed, Failure failure)
      throws IOException {
    Slot[] slots = new Slot[2];
    for (int i = 0; i < 2; i++) {
      ByteBuffer b = ByteBuffer.allocate(SLOT_BYTES);
      int n = 0;
      while (b.hasRemaining() && n >= 0) {
        n = file.read(offset(i) + b.position(), b);
      }
      slots[i] = b.hasRemaining() ? null : decode(seed, b.array());
    }
    int best = slots[0] == null ? 1 : slots[1] == null ? 0 : slots[0].seq >= slots[1].seq ? 0 : 1;
    if (slots[best] == null) {
      throw new CorruptStorageException(path, 0, "both hard state slots fail their checksum");
    }
    if (slots[1 - best] == null) {
      if (slots[best].legacy) {
        throw new CorruptStorageException(path, offset(1 - best), "the hard state slot at offset "
            + offset(1 - best) + " fails its checksum, and the other slot is of the older format"
            + " that kept a new term or vote in one slot only, so it may hold an older term or"
            + " vote than this node promised");
      }
      LOG.log(Level.WARNING, "Hard state slot at offset {0} of {1} is invalid (a write torn by a"
          + " crash, or damage); the other slot holds every term and vote saved: {2}",
          offset(1 - best), path, slots[best].state);
    }
    // What we read may be only in the page cache (after a process kill); make it durable before
    // the node acts on it. And overwrite both slots with it, the other one first: it may hold
    // what is left of a write lost in the crash, which must never come back, and afterwards both
    // hold the recovered term and vote (see the class comment).
    long seq = slots[best].seq;
    HardState state = slots[best].state;
    file.write(offset(1 - best), encode(seed, seq + 1, state));
    file.sync();
    file.write(offset(best), encode(seed, seq + 2, state));
    file.sync();
    return new HardStateFile(file, seed, failure, seq + 2, best, state);
  }

  private static long offset(int slot) {
    return (long) slot * SLOT_STRIDE_BYTES;
  }

  HardState state() {
    return current;
  }

  /** Whether storing {@code state} would change the synced term or vote (and so sync). */
  boolean termOrVoteDiffers(HardState state) {
    return state.term() != synced.term() || state.vote() != synced.vote();
  }

  /**
   * Stores {@code state}. A change of term or vote is written to both slots, each synced, before
   * this returns (see the class comment); a commit-only change is written to the slot not holding
   * the last synced state, and not synced.
   */
  void save(HardState state) {
    failure.check();
    boolean mustSync = termOrVoteDiffers(state);
    if (state.equals(current) && !mustSync) {
      return;
    }
    write(1 - syncedSlot, state);
    current = state;
    if (mustSync) {
      syncFile();
      write(syncedSlot, state); // now the newest, synced
      syncFile();
      synced = state;
    }
  }

  private void write(int slot, HardState state) {
    try {
      file.write(offset(slot), encode(seed, seq + 1, state));
    } catch (IOException e) {
      throw failure.fail("writing the hard state to " + file.path(), e);
    }
    seq++;
  }

  private void syncFile() {
    try {
      file.sync();
    } catch (IOException e) {
      throw failure.fail("fdatasync of " + file.path(), e);
    }
  }

  /** Makes an unsynced commit-only update durable too (used before a clean close). */
  void sync() {
    failure.check();
    if (current.equals(synced)) {
      return;
    }
    syncFile();
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

  /** A valid slot: its sequence number, state, and whether it is of the older one-slot format. */
  private record Slot(long seq, HardState state, boolean legacy) {}

  private static Slot decode(int seed, byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int magic = b.getInt();
    if ((magic != MAGIC && magic != LEGACY_MAGIC)
        || ByteBuffer.wrap(bytes, SLOT_BYTES - 4, 4).getInt()
            != Checksums.of(seed, bytes, 0, SLOT_BYTES - 4)) {
      return null;
    }
    long seq = b.getLong();
    long term = b.getLong();
    int vote = b.getInt();
    long commit = b.getLong();
    if (term < 0 || commit < 0) {
      return null;
    }
    return new Slot(seq, new HardState(term, vote, commit), magic == LEGACY_MAGIC);
  }
}
