package io.raftkv.kv;

import static io.raftkv.kv.Driver.b;
import static io.raftkv.kv.Driver.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.Entry;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvStateMachineTest {
  private final Driver d = new Driver();

  @Test
  void when_put_then_get_sees_value_at_applied_index_and_result_has_previous() {
    assertEquals(new ApplyResult.Put(null), d.put(1, 1, "a", "x"));
    assertEquals(new ApplyResult.Put(b("x")), d.put(1, 2, "a", "y"));
    ReadResult read = d.sm.get(b("a"));
    assertEquals("y", s(read.value()));
    assertEquals(2, read.appliedIndex());
    assertFalse(d.sm.get(b("missing")).found());
    assertEquals(1, d.sm.size());
    assertEquals(2, d.sm.dataBytes());
  }

  @Test
  void when_delete_then_result_says_whether_key_existed() {
    d.put(1, 1, "a", "x");
    assertEquals(new ApplyResult.Delete(true), d.delete(1, 2, "a"));
    assertNull(d.get("a"));
    assertEquals(new ApplyResult.Delete(false), d.delete(1, 3, "a"));
    assertEquals(0, d.sm.size());
  }

  @Test
  void when_cas_expects_absent_then_succeeds_only_if_absent() {
    assertEquals(new ApplyResult.Cas(true, b("one")), d.cas(1, 1, "k", null, "one"));
    assertEquals(new ApplyResult.Cas(false, b("one")), d.cas(1, 2, "k", null, "two"));
    assertEquals("one", d.get("k"));
  }

  @Test
  void when_cas_expects_value_then_swaps_only_on_match() {
    d.put(1, 1, "k", "one");
    assertEquals(new ApplyResult.Cas(false, b("one")), d.cas(1, 2, "k", "nope", "two"));
    assertEquals(new ApplyResult.Cas(true, b("two")), d.cas(1, 3, "k", "one", "two"));
    assertEquals("two", d.get("k"));
    assertEquals(new ApplyResult.Cas(false, null), d.cas(1, 4, "absent", "one", "two"));
    assertNull(d.get("absent"));
  }

  @Test
  void when_cas_expects_empty_value_then_absent_key_does_not_match() {
    assertEquals(new ApplyResult.Cas(false, null), d.cas(1, 1, "k", "", "v"));
    d.put(1, 2, "k", "");
    assertEquals(new ApplyResult.Cas(true, b("v")), d.cas(1, 3, "k", "", "v"));
  }

  @Test
  void when_noop_then_only_applied_index_moves() {
    d.put(1, 1, "a", "x");
    long hash = d.sm.stateHash();
    d.term = 2;
    assertInstanceOf(ApplyResult.Noop.class, d.noop());
    assertEquals(2, d.sm.appliedIndex());
    assertEquals(2, d.sm.appliedTerm());
    assertEquals(hash, d.sm.stateHash());
  }

  @Test
  void when_entry_skips_ahead_then_rejected_and_nothing_changes() {
    d.put(1, 1, "a", "x");
    IllegalStateException e = assertThrows(IllegalStateException.class, () ->
        d.sm.apply(Entry.normal(3, 1, CommandCodec.encode(
            new Command.Put(1, 2, 0, b("a"), b("y"))))));
    assertTrue(e.getMessage().contains("entry 3 skips ahead of applied index 1"), e.getMessage());
    assertEquals("x", d.get("a"));
    assertEquals(1, d.sm.appliedIndex());
  }

  @Test
  void when_entry_repeats_then_rejected() {
    d.put(1, 1, "a", "x");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> d.sm.apply(Entry.noop(1, 1)));
    assertTrue(e.getMessage().contains("entry 1 is already applied"), e.getMessage());
  }

  @Test
  void when_entry_term_goes_backwards_then_rejected() {
    d.term = 3;
    d.noop();
    d.term = 2;
    IllegalStateException e = assertThrows(IllegalStateException.class, d::noop);
    assertTrue(e.getMessage().contains("below the last applied term 3"), e.getMessage());
  }

  @Test
  void when_entry_bytes_malformed_then_rejected_as_invalid_and_index_advances() {
    d.put(1, 1, "a", "x");
    long hash = d.sm.stateHash();
    ApplyResult r = d.sm.apply(Entry.normal(2, 1, new byte[] {1, 9}));
    ApplyResult.Rejected rejected = assertInstanceOf(ApplyResult.Rejected.class, r);
    assertEquals(ApplyResult.Reason.INVALID_COMMAND, rejected.reason());
    assertTrue(rejected.message().contains("entry 2: malformed command: unknown command type 9"),
        rejected.message());
    assertEquals(2, d.sm.appliedIndex());
    assertEquals(hash, d.sm.stateHash());
  }

  @Test
  void when_keys_are_stored_then_the_map_keeps_them_in_unsigned_order() {
    d.apply(new Command.Put(1, 1, 0, new byte[] {(byte) 0x80}, b("high")));
    d.apply(new Command.Put(1, 2, 0, new byte[] {0x01}, b("low")));
    d.apply(new Command.Put(1, 3, 0, new byte[] {0x01, 0x00}, b("low0")));
    d.apply(new Command.Put(1, 4, 0, new byte[] {(byte) 0xff}, b("top")));

    assertEquals(List.of("low", "low0", "high", "top"),
        Snapshots.entries(d.sm).stream().map(e -> s(e.getValue())).toList());
  }

  @Test
  void when_read_result_modified_then_stored_value_unchanged() {
    d.put(1, 1, "a", "x");
    d.sm.get(b("a")).value()[0] = 'z';
    assertEquals("x", d.get("a"));
  }

  @Test
  void when_get_key_breaks_limits_then_rejected() {
    assertThrows(IllegalArgumentException.class, () -> d.sm.get(new byte[0]));
    assertThrows(IllegalArgumentException.class,
        () -> d.sm.get(new byte[KvLimits.MAX_KEY_BYTES + 1]));
  }

  @Test
  void when_same_content_reached_in_different_orders_then_hashes_are_equal() {
    Driver other = new Driver();
    d.put(1, 1, "a", "1");
    d.put(1, 2, "b", "2");
    d.put(1, 3, "c", "3");
    d.delete(1, 4, "c");
    other.put(1, 1, "b", "2");
    other.put(1, 2, "c", "x");
    other.put(1, 3, "a", "0");
    other.put(1, 4, "a", "1");
    other.delete(1, 5, "c");
    // sessions differ (last op 4 vs 5, different answers), so compare map hashes only
    assertEquals(d.sm.size(), other.sm.size());
    assertNotEquals(d.sm.stateHash(), other.sm.stateHash());
    KvMap left = new KvMap();
    KvMap right = new KvMap();
    left.put(b("a"), b("1"));
    left.put(b("b"), b("2"));
    right.put(b("b"), b("2"));
    right.put(b("a"), b("9"));
    right.put(b("a"), b("1"));
    right.put(b("z"), b("z"));
    right.remove(b("z"));
    assertEquals(left.hashSum(), right.hashSum());
    assertArrayEquals(left.get(b("a")), right.get(b("a")));
  }

  @Test
  void when_value_changes_then_hash_changes_and_returns_when_restored() {
    d.put(1, 1, "a", "1");
    KvMap map = new KvMap();
    map.put(b("a"), b("1"));
    long before = map.hashSum();
    map.put(b("a"), b("2"));
    assertNotEquals(before, map.hashSum());
    map.put(b("a"), b("1"));
    assertEquals(before, map.hashSum());
    map.put(b("ab"), b(""));
    map.remove(b("ab"));
    assertEquals(before, map.hashSum());
  }
}
