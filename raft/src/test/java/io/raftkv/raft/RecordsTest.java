package io.raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendEntriesResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordsTest {

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void when_entry_index_or_term_below_one_then_rejected() {
    assertThrows(IllegalArgumentException.class, () -> Entry.normal(0, 1, b("x")));
    assertThrows(IllegalArgumentException.class, () -> Entry.normal(1, 0, b("x")));
    assertThrows(NullPointerException.class, () -> Entry.normal(1, 1, null));
    assertThrows(NullPointerException.class, () -> new Entry(1, 1, null, b("x")));
    Entry.normal(1, 1, b("x"));
  }

  @Test
  void when_entries_have_equal_contents_then_equal_and_same_hash() {
    Entry a = Entry.normal(3, 2, b("set x"));
    Entry c = Entry.normal(3, 2, b("set x"));
    assertEquals(a, c);
    assertEquals(a.hashCode(), c.hashCode());
    assertNotEquals(a, Entry.normal(3, 2, b("set y")));
    assertNotEquals(a, Entry.normal(4, 2, b("set x")));
    assertNotEquals(a, Entry.normal(3, 3, b("set x")));
    assertNotEquals(Entry.noop(3, 2), new Entry(3, 2, EntryType.NORMAL, new byte[0]));
    assertNotEquals(a, "3/2 set x");
    assertNotEquals(a.hashCode(), Entry.normal(3, 2, b("set y")).hashCode());
  }

  @Test
  void when_entry_hashed_then_the_value_is_the_same_in_every_run() {
    // Deterministic simulation needs hashes that do not depend on the JVM run (no identity
    // hashes), so the exact values are pinned.
    assertEquals(137958490, Entry.normal(3, 2, b("set x")).hashCode());
    assertEquals(6890, Entry.noop(7, 5).hashCode());
    assertEquals(6112, Entry.normal(1L << 33, 4, b("ab")).hashCode());
  }

  @Test
  void when_entry_printed_then_index_term_and_printable_data() {
    assertEquals("3/2 x", Entry.normal(3, 2, b("x")).toString());
    assertEquals("1/1 noop", Entry.noop(1, 1).toString());
    assertEquals("1/1 0x00ff20", Entry.normal(1, 1, new byte[] {0, (byte) 0xff, 0x20}).toString());
    assertEquals("!~", Bytes.printable(b("!~")));
    assertEquals("0x7f", Bytes.printable(new byte[] {0x7f}));
    assertEquals("0x20", Bytes.printable(new byte[] {0x20}));
    assertEquals("", Bytes.printable(new byte[0]));
    assertEquals(25, Entry.normal(1, 1, b("x")).sizeBytes());
    assertEquals(24, Entry.noop(1, 1).sizeBytes());
    assertEquals(EntryType.NOOP, Entry.noop(1, 1).type());
  }

  @Test
  void when_hard_state_negative_then_rejected() {
    assertThrows(IllegalArgumentException.class, () -> new HardState(-1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new HardState(0, 0, -1));
    assertEquals(new HardState(0, 0, 0), HardState.EMPTY);
  }

  @Test
  void when_snapshot_meta_inconsistent_then_rejected() {
    assertThrows(IllegalArgumentException.class, () -> new SnapshotMeta(-1, 1, List.of()));
    assertThrows(IllegalArgumentException.class, () -> new SnapshotMeta(1, -1, List.of()));
    assertThrows(IllegalArgumentException.class, () -> new SnapshotMeta(0, 1, List.of()));
    assertThrows(IllegalArgumentException.class, () -> new SnapshotMeta(1, 0, List.of()));
    new SnapshotMeta(0, 0, List.of());
    List<Integer> voters = new ArrayList<>(List.of(1));
    SnapshotMeta m = new SnapshotMeta(1, 1, voters);
    voters.add(2);
    assertEquals(List.of(1), m.voters());
    assertThrows(NullPointerException.class, () -> new Snapshot(null, new byte[0]));
    assertThrows(NullPointerException.class, () -> new Snapshot(m, (byte[]) null));
    assertThrows(NullPointerException.class, () -> new Snapshot(m, (SnapshotData) null));
    assertEquals("Snapshot[index=1 term=1 bytes=3]", new Snapshot(m, new byte[3]).toString());
  }

  @Test
  void when_ready_has_nothing_then_empty_and_lists_are_copied() {
    Ready empty = new Ready(null, null, List.of(), null, List.of(), List.of(), List.of(), false);
    assertTrue(empty.isEmpty());
    List<Entry> es = new ArrayList<>(List.of(Entry.noop(1, 1)));
    Ready r = new Ready(null, null, es, null, List.of(), List.of(), List.of(), true);
    es.clear();
    assertEquals(1, r.entries().size());
    assertFalse(r.isEmpty());
    assertFalse(new Ready(new SoftState(1, Role.LEADER), null, List.of(), null, List.of(),
        List.of(), List.of(), false).isEmpty());
    assertFalse(new Ready(null, HardState.EMPTY, List.of(), null, List.of(), List.of(),
        List.of(), false).isEmpty());
    assertFalse(new Ready(null, null, List.of(), new Snapshot(new SnapshotMeta(1, 1, List.of()),
        new byte[0]), List.of(), List.of(), List.of(), false).isEmpty());
    assertFalse(new Ready(null, null, List.of(), null,
        List.of(AppendEntriesResponse.accept(1, 2, 1, 1)), List.of(), List.of(), false).isEmpty());
    assertFalse(new Ready(null, null, List.of(), null, List.of(), List.of(Entry.noop(1, 1)),
        List.of(), false).isEmpty());
    assertFalse(new Ready(null, null, List.of(), null, List.of(), List.of(),
        List.of(new ReadState(1, 1, ReadState.Outcome.READY)), false).isEmpty());
  }

  @Test
  void when_propose_result_built_then_status_and_fields() {
    ProposeResult ok = ProposeResult.accepted(4, 2);
    assertTrue(ok.isAccepted());
    assertEquals(4, ok.index());
    assertEquals(RaftConfig.NONE, ok.leaderHint());
    ProposeResult no = ProposeResult.refused(ProposeResult.Status.NOT_LEADER, 3);
    assertFalse(no.isAccepted());
    assertEquals(3, no.leaderHint());
    assertEquals(0, no.index());
  }

  @Test
  void when_messages_built_then_helpers_agree() {
    AppendEntries a = new AppendEntries(1, 2, 3, 5, 2, List.of(Entry.noop(6, 3)), 4);
    assertEquals(6, a.lastIndex());
    assertEquals(5, new AppendEntries(1, 2, 3, 5, 2, List.of(), 4).lastIndex());
    AppendEntriesResponse r = AppendEntriesResponse.reject(2, 1, 3, 5, 2, 4);
    assertFalse(r.success());
    assertEquals(5, r.rejectedIndex());
    assertEquals(2, r.conflictTerm());
    assertEquals(4, r.conflictIndex());
    assertTrue(AppendEntriesResponse.accept(2, 1, 3, 6).success());
    assertEquals("Raft safety rule broken: x 1", new RaftSafetyException("x 1").getMessage());
    RaftSafetyException e = assertThrows(RaftSafetyException.class,
        () -> RaftSafetyException.check(false, "rule %d", 7));
    assertEquals("Raft safety rule broken: rule 7", e.getMessage());
    RaftSafetyException plain = assertThrows(RaftSafetyException.class,
        () -> RaftSafetyException.check(false, "100%"));
    assertEquals("Raft safety rule broken: 100%", plain.getMessage());
    RaftSafetyException.check(true, "never");
  }
}
