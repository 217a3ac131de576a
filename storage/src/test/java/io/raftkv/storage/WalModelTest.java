package io.raftkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Ready;
import io.raftkv.raft.RestoredState;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.storage.disk.SimulatedDisk;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Randomized, seeded model test: the real storage over the simulated disk against an in-memory
 * model of what must survive, through random appends, conflicting suffixes, snapshots from a
 * leader, local compactions, hard state changes, clean restarts and crashes. A failing seed is in
 * the assertion message and replays exactly.
 */
class WalModelTest {
  private static final int SEEDS = 60;
  private static final int STEPS = 250;

  @Test
  void when_random_operations_and_crashes_interleave_then_recovery_matches_the_model() {
    for (long seed = 0; seed < SEEDS; seed++) {
      new Run(seed).go();
    }
  }

  private static final class Run {
    final long seed;
    final SplittableRandom random;
    final SimulatedDisk disk;
    RaftStorage storage;
    // The model: what was written, what is guaranteed durable, and the durable metadata.
    final TreeMap<Long, Entry> written = new TreeMap<>();
    long mustKeep;
    long snapIndex;
    long term = 1;
    int vote;
    long commit;
    int crashes;

    Run(long seed) {
      this.seed = seed;
      this.random = new SplittableRandom(seed * 7919 + 1);
      this.disk = Fixtures.sim(seed);
      this.storage = Fixtures.open(disk, 2048);
      storage.save(new HardState(term, 0, 0), List.of(), null, true);
    }

    long last() {
      return written.isEmpty() ? snapIndex : written.lastKey();
    }

    void go() {
      for (int step = 0; step < STEPS; step++) {
        int op = random.nextInt(100);
        if (op < 50) {
          appendEntries();
        } else if (op < 60) {
          appendOneAndSync();
        } else if (op < 68) {
          newTermAndVote();
        } else if (op < 75) {
          compact();
        } else if (op < 78) {
          leaderSnapshot();
        } else if (op < 82) {
          failedSyncThenCrash();
        } else if (op < 90) {
          crash();
        } else {
          storage.close();
          storage = Fixtures.open(disk, 2048);
          verify(storage.restoredState(), "clean restart at step " + step);
        }
      }
      storage.close();
      assertTrue(crashes > 0);
    }

    Entry entry(long index) {
      byte[] data = new byte[random.nextInt(200)];
      random.nextBytes(data);
      return new Entry(index, term, random.nextInt(10) == 0 ? EntryType.NOOP : EntryType.NORMAL,
          random.nextInt(10) == 0 ? new byte[0] : data);
    }

    void appendEntries() {
      long from = last() + 1;
      long lowest = Math.max(commit, snapIndex) + 1;
      if (random.nextInt(5) == 0 && last() >= lowest) {
        // A conflicting suffix from a new leader: only above the commit index, as Raft guarantees.
        from = lowest + random.nextLong(last() - lowest + 1);
        term++;
        storage.save(new HardState(term, 0, commit), List.of(), null, true);
        vote = 0;
      }
      List<Entry> batch = new ArrayList<>();
      int count = 1 + random.nextInt(6);
      for (int i = 0; i < count; i++) {
        batch.add(entry(from + i));
      }
      boolean sync = random.nextInt(5) != 0;
      long newCommit = commit;
      if (sync && random.nextBoolean()) {
        newCommit = Math.max(commit, Math.min(from + count - 1, commit + random.nextInt(10)));
        newCommit = Math.min(newCommit, from + count - 1);
      }
      HardState hs = newCommit == commit ? null : new HardState(term, vote, newCommit);
      storage.save(hs, batch, null, sync);
      written.tailMap(from, true).clear();
      batch.forEach(e -> written.put(e.index(), e));
      mustKeep = sync ? last() : Math.min(mustKeep, from - 1);
      commit = newCommit;
    }

    void appendOneAndSync() {
      Entry e = entry(last() + 1);
      storage.save(null, List.of(e), null, true);
      assertEquals(e.index(), storage.lastIndex(), "seed " + seed);
      written.put(e.index(), e);
      mustKeep = e.index();
    }

    void newTermAndVote() {
      term++;
      vote = 1 + random.nextInt(3);
      storage.save(new HardState(term, vote, commit), List.of(), null, true);
    }

    void compact() {
      if (commit <= snapIndex) {
        return;
      }
      long at = snapIndex + 1 + random.nextLong(commit - snapIndex);
      storage.compact(new Snapshot(new SnapshotMeta(at, written.get(at).term(), List.of(1, 2, 3)),
          ("snap" + at).getBytes()));
      snapIndex = at;
      written.headMap(at, true).clear();
    }

    void leaderSnapshot() {
      long at = last() + 1 + random.nextInt(20);
      term++;
      vote = 0;
      Snapshot snap = new Snapshot(new SnapshotMeta(at, term, List.of(1, 2, 3)), new byte[] {1});
      storage.persist(new Ready(null, new HardState(term, vote, at), List.of(), snap, List.of(),
          List.of(), List.of(), true));
      snapIndex = at;
      commit = at;
      written.clear();
      mustKeep = at;
    }

    /**
     * A sync of the active segment fails mid-append: the storage must refuse all further work, and
     * after a crash the log must still hold everything acknowledged before (the failed batch may
     * or may not have reached the disk).
     */
    void failedSyncThenCrash() {
      List<String> names = storage.segmentFileNames();
      disk.failNextSync(Fixtures.DIR.resolve(names.get(names.size() - 1)));
      long from = last() + 1;
      List<Entry> batch = new ArrayList<>();
      int count = 1 + random.nextInt(6);
      for (int i = 0; i < count; i++) {
        batch.add(entry(from + i));
      }
      assertThrows(StorageFailedException.class, () -> storage.save(null, batch, null, true),
          "seed " + seed);
      Entry next = Entry.normal(from + count, term, new byte[1]);
      assertThrows(StorageFailedException.class,
          () -> storage.save(null, List.of(next), null, true), "seed " + seed);
      batch.forEach(e -> written.put(e.index(), e));
      storage.close();
      crash();
    }

    void crash() {
      crashes++;
      disk.crash();
      storage = Fixtures.open(disk, 2048);
      verify(storage.restoredState(), "crash " + crashes);
    }

    void verify(RestoredState restored, String when) {
      String where = "seed " + seed + ", " + when;
      long restoredSnap = restored.snapshot() == null ? 0 : restored.snapshot().meta().index();
      assertEquals(snapIndex, restoredSnap, where);
      HardState hs = restored.hardState();
      assertEquals(term, hs.term(), where);
      assertEquals(vote, hs.vote(), where);
      assertTrue(hs.commit() <= commit, where);
      List<Entry> entries = restored.entries();
      long lastRestored = snapIndex + entries.size();
      assertTrue(lastRestored >= mustKeep, where + ": lost acknowledged entries: restored up to "
          + lastRestored + ", acknowledged up to " + mustKeep);
      for (Entry e : entries) {
        assertEquals(written.get(e.index()), e, where + ": entry " + e.index());
      }
      written.tailMap(lastRestored, false).clear();
      mustKeep = lastRestored;
      commit = hs.commit();
    }
  }
}
