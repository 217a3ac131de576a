package io.raftkv.kv;

import static io.raftkv.kv.Driver.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.Entry;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMeta;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SnapshotTest {
  private static final KvConfig CONFIG = new KvConfig(10_000, 100);

  private Driver source;
  /** A replica with different state, to show a failed restore leaves it untouched. */
  private Driver target;

  @BeforeEach
  void setUp() {
    source = new Driver(CONFIG);
    source.term = 3;
    source.put(1, 1, "alpha", "1");
    source.put(1, 2, "beta", "2");
    source.apply(new Command.Put(2, 1, source.nowMillis, new byte[] {(byte) 0xfe}, new byte[0]));
    source.cas(2, 2, "gamma", null, "3");
    source.delete(3, 1, "beta");
    source.cas(3, 2, "alpha", "nope", "x");
    source.noop();

    target = new Driver(CONFIG);
    target.put(9, 1, "other", "state");
  }

  private void assertRejectedAndUntouched(byte[] data, String expected) {
    long hash = target.sm.stateHash();
    long index = target.sm.appliedIndex();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Snapshots.restore(target.sm, data));
    assertTrue(e.getMessage().startsWith("invalid snapshot: "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should say " + expected);
    assertEquals(hash, target.sm.stateHash());
    assertEquals(index, target.sm.appliedIndex());
    assertEquals("state", target.get("other"));
  }

  @Test
  void when_snapshot_restored_then_content_sessions_index_and_hash_are_equal() {
    Snapshots.restore(target.sm, Snapshots.bytes(source.sm));
    assertEquals(source.sm.stateHash(), target.sm.stateHash());
    assertEquals(source.sm.appliedIndex(), target.sm.appliedIndex());
    assertEquals(3, target.sm.appliedTerm());
    assertEquals(source.sm.clockMillis(), target.sm.clockMillis());
    assertEquals(Snapshots.content(source.sm), Snapshots.content(target.sm));
    assertEquals(null, target.get("other"));
    assertEquals(3, target.sm.sessionCount());
    assertArrayEquals(Snapshots.bytes(source.sm), Snapshots.bytes(target.sm));
  }

  @Test
  void when_restored_replica_gets_a_retry_then_it_answers_with_the_first_result() {
    Snapshots.restore(target.sm, Snapshots.bytes(source.sm));
    target.term = 3;
    assertEquals(new ApplyResult.Cas(true, b("3")), target.cas(2, 2, "gamma", null, "3"));
    assertEquals(new ApplyResult.Cas(false, b("1")), target.cas(3, 2, "alpha", "nope", "x"));
    // and both replicas go on identically once they have seen the same entries
    source.cas(2, 2, "gamma", null, "3");
    source.cas(3, 2, "alpha", "nope", "x");
    source.put(1, 3, "alpha", "again");
    target.put(1, 3, "alpha", "again");
    assertEquals(source.sm.stateHash(), target.sm.stateHash());
  }

  @Test
  void when_restored_then_next_entry_must_follow_the_snapshot_index() {
    Snapshots.restore(target.sm, Snapshots.bytes(source.sm));
    assertThrows(IllegalStateException.class,
        () -> target.sm.apply(Entry.noop(source.sm.appliedIndex() + 2, 3)));
    target.sm.apply(Entry.noop(source.sm.appliedIndex() + 1, 3));
  }

  @Test
  void when_streamed_then_same_bytes_and_same_restore() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    source.sm.snapshot(out);
    assertArrayEquals(Snapshots.bytes(source.sm), out.toByteArray());
    target.sm.restore(new ByteArrayInputStream(out.toByteArray()));
    assertEquals(source.sm.stateHash(), target.sm.stateHash());
  }

  @Test
  void when_raft_snapshot_meta_matches_then_restored_else_rejected() {
    byte[] data = Snapshots.bytes(source.sm);
    long index = source.sm.appliedIndex();
    Snapshot wrong = new Snapshot(new SnapshotMeta(index + 1, 3, List.of(1)), data);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> target.sm.restore(wrong));
    assertTrue(e.getMessage().contains("metadata says index " + (index + 1)), e.getMessage());
    assertEquals("state", target.get("other"));
    target.sm.restore(new Snapshot(new SnapshotMeta(index, 3, List.of(1)), data));
    assertEquals(source.sm.stateHash(), target.sm.stateHash());
  }

  @Test
  void when_empty_state_snapshotted_then_restores_to_empty() {
    Driver empty = new Driver(CONFIG);
    Snapshots.restore(target.sm, Snapshots.bytes(empty.sm));
    assertEquals(empty.sm.stateHash(), target.sm.stateHash());
    assertEquals(0, target.sm.appliedIndex());
    assertEquals(0, target.sm.size());
  }

  @Test
  void when_any_single_byte_flipped_then_rejected_and_state_untouched() {
    byte[] good = Snapshots.bytes(source.sm);
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x5a;
      assertRejectedAndUntouched(bad, "");
    }
  }

  @Test
  void when_value_byte_flipped_then_crc_mismatch_is_reported() {
    byte[] good = Snapshots.bytes(source.sm);
    byte[] bad = good.clone();
    int at = indexOf(good, b("alpha")) + 5 + 4; // the value "1" after the key and its length
    bad[at] = '7';
    assertRejectedAndUntouched(bad, "CRC32C mismatch");
  }

  @Test
  void when_truncated_anywhere_then_rejected_and_state_untouched() {
    byte[] good = Snapshots.bytes(source.sm);
    for (int length = 0; length < good.length; length++) {
      assertRejectedAndUntouched(Arrays.copyOf(good, length), "");
    }
    assertRejectedAndUntouched(Arrays.copyOf(good, good.length - 1),
        "the data ends early: truncated");
  }

  @Test
  void when_magic_wrong_then_rejected_as_not_a_snapshot() {
    byte[] bad = Snapshots.bytes(source.sm);
    bad[0] = 'X';
    assertRejectedAndUntouched(bad, "bad magic");
  }

  @Test
  void when_version_unknown_then_rejected_naming_it() {
    byte[] bad = Snapshots.bytes(source.sm);
    bad[4] = 3;
    assertRejectedAndUntouched(bad, "unknown version 3 (this build reads versions 1 to 2)");
  }

  @Test
  void when_trailing_bytes_then_rejected() {
    byte[] good = Snapshots.bytes(source.sm);
    assertRejectedAndUntouched(Arrays.copyOf(good, good.length + 1), "trailing bytes");
  }

  @Test
  void when_written_with_other_config_then_rejected_naming_both() {
    Driver other = new Driver(new KvConfig(5, 100));
    other.put(1, 1, "a", "b");
    assertRejectedAndUntouched(Snapshots.bytes(other.sm), "sessionTimeoutMillis=5 maxSessions=100"
        + " maxSessionAnswerBytes=67108864 but this replica has sessionTimeoutMillis=10000");
  }

  @Test
  void when_restored_at_lower_index_then_state_is_the_snapshot_state() {
    byte[] early = Snapshots.bytes(source.sm);
    long hash = source.sm.stateHash();
    source.put(1, 3, "late", "x");
    Snapshots.restore(source.sm, early);
    assertEquals(hash, source.sm.stateHash());
    assertEquals(null, source.get("late"));
  }

  @Test
  void when_session_restored_then_its_answer_is_the_same_object_on_retry() {
    Driver d = new Driver(CONFIG);
    ApplyResult first = d.put(5, 1, "k", "v");
    Snapshots.restore(d.sm, Snapshots.bytes(d.sm));
    ApplyResult retry = d.put(5, 1, "k", "v");
    assertEquals(first, retry);
    assertSame(retry, d.put(5, 1, "k", "v"));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }
}
