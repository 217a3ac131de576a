package io.raftkv.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The byte budget of the sessions' recorded answers, the answer a retry then gets, unsigned ids,
 * and snapshots of both (issue 12, items 1 and 3).
 */
class SessionBudgetTest {
  private static final int VALUE = 100;
  private static final long ALL = -1L; // 2^64-1
  private static final long HALF = Long.MIN_VALUE; // 2^63

  private static String value(char c) {
    return String.valueOf(c).repeat(VALUE);
  }

  /** Distinct clients each put a distinct value to one key; each answer holds the previous. */
  private static Driver distinctPuts(KvConfig config, int clients) {
    Driver d = new Driver(config);
    for (int c = 1; c <= clients; c++) {
      d.put(c, 1, "k", value((char) ('a' + c % 26)));
    }
    return d;
  }

  @Test
  void when_distinct_clients_put_large_values_then_answers_stay_within_the_byte_budget() {
    // the old bound was maxSessions x value: 1,000 x 100 bytes here, against a budget of 250
    Driver d = distinctPuts(new KvConfig(10_000, 1_000, 250), 1_000);
    assertEquals(1_000, d.sm.sessionCount(), "no session is dropped for bytes");
    assertTrue(d.sm.sessionAnswerBytes() <= 250, "answer bytes " + d.sm.sessionAnswerBytes());
    assertEquals(200, d.sm.sessionAnswerBytes(), "the two most recent answers are kept whole");
  }

  @Test
  void when_answer_value_forgotten_then_retry_is_told_its_index_and_not_applied_again() {
    Driver d = distinctPuts(new KvConfig(10_000, 1_000, 250), 5);
    // client 1's answer (previous null) held nothing; client 2's (index 2) was the oldest value
    ApplyResult retry = d.put(2, 1, "k", "something else");
    assertEquals(new ApplyResult.ValueForgotten(ApplyResult.WriteKind.PUT, 2, false), retry);
    assertEquals(value((char) ('a' + 5)), d.get("k"), "the retry must not be applied again");
    // the latest answers are whole: client 5's previous value is client 4's
    assertArrayEquals(Driver.b(value((char) ('a' + 4))),
        assertInstanceOf(ApplyResult.Put.class, d.put(5, 1, "k", "x")).previous());
  }

  @Test
  void when_answer_larger_than_budget_then_first_answer_whole_and_retry_forgotten() {
    Driver d = new Driver(new KvConfig(10_000, 100, 50));
    d.put(1, 1, "k", value('a'));
    ApplyResult first = d.put(2, 1, "k", value('b'));
    assertArrayEquals(Driver.b(value('a')),
        assertInstanceOf(ApplyResult.Put.class, first).previous());
    assertEquals(0, d.sm.sessionAnswerBytes());
    assertEquals(new ApplyResult.ValueForgotten(ApplyResult.WriteKind.PUT, 2, false),
        d.put(2, 1, "k", value('b')));
  }

  @Test
  void when_cas_answer_forgotten_then_retry_keeps_swapped() {
    Driver d = new Driver(new KvConfig(10_000, 100, 50));
    d.put(1, 1, "k", "a");
    d.cas(2, 1, "k", "a", value('c'));
    assertEquals(new ApplyResult.ValueForgotten(ApplyResult.WriteKind.CAS, 2, true),
        d.cas(2, 1, "k", "a", value('c')));
  }

  @Test
  void when_budget_forgets_values_then_snapshot_restores_identically() {
    Driver d = distinctPuts(new KvConfig(10_000, 1_000, 250), 50);
    d.cas(ALL, HALF, "k", null, "x"); // a failing Cas keeps the current 100-byte value
    Driver copy = new Driver(d.sm.config());
    Snapshots.restore(copy.sm, Snapshots.bytes(d.sm));
    assertEquals(d.sm.stateHash(), copy.sm.stateHash());
    assertEquals(d.sm.snapshotSizeBytes(), Snapshots.bytes(d.sm).length);
    assertEquals(d.put(10, 1, "k", "z"), copy.put(10, 1, "k", "z"));
    assertEquals(d.sm.stateHash(), copy.sm.stateHash());
  }

  @Test
  void when_budget_differs_then_snapshot_refused_and_hashes_differ() {
    Driver a = distinctPuts(new KvConfig(10_000, 1_000, 250), 3);
    Driver b = distinctPuts(new KvConfig(10_000, 1_000, 251), 3);
    assertTrue(a.sm.stateHash() != b.sm.stateHash(), "the budget is mixed into the hash");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Snapshots.restore(b.sm, Snapshots.bytes(a.sm)));
    assertTrue(e.getMessage().contains("maxSessionAnswerBytes=250"), e.getMessage());
  }

  @Test
  void when_version_1_snapshot_restored_then_read_and_answers_fitted_to_the_budget()
      throws IOException {
    byte[] v1;
    try (InputStream in = getClass().getResourceAsStream("/snapshot-v1.hex")) {
      v1 = HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
    }
    // written by the version-1 build: clients 1..3 put 100-byte values to "a", client 4 deleted
    // "b"; the answers of clients 2 and 3 hold 100 bytes each, over a budget of 150
    Driver d = new Driver(new KvConfig(10_000, 100, 150));
    Snapshots.restore(d.sm, v1);
    assertEquals(4, d.sm.appliedIndex());
    assertEquals(4, d.sm.sessionCount());
    assertEquals(100, d.sm.sessionAnswerBytes());
    assertEquals(new ApplyResult.ValueForgotten(ApplyResult.WriteKind.PUT, 2, false),
        d.put(2, 1, "a", "again"));
    assertArrayEquals(Driver.b("2".repeat(100)),
        assertInstanceOf(ApplyResult.Put.class, d.put(3, 1, "a", "again")).previous());
    assertEquals(new ApplyResult.Delete(false), d.delete(4, 1, "b"));
    assertEquals("3".repeat(100), d.get("a"));
    // and it is written back as version 2, which reads to the same state
    Driver copy = new Driver(d.sm.config());
    Snapshots.restore(copy.sm, Snapshots.bytes(d.sm));
    assertEquals(d.sm.stateHash(), copy.sm.stateHash());
  }

  @Test
  void when_ids_are_above_2_to_the_63_then_they_order_as_unsigned() {
    Driver d = new Driver(new KvConfig(10_000, 100));
    assertInstanceOf(ApplyResult.Put.class, d.put(ALL, 1, "k", "1"));
    ApplyResult half = d.put(ALL, HALF, "k", "2");
    assertInstanceOf(ApplyResult.Put.class, half);
    ApplyResult last = d.put(ALL, ALL, "k", "3");
    assertInstanceOf(ApplyResult.Put.class, last);
    assertSame(last, d.put(ALL, ALL, "k", "3"), "a retry of op 2^64-1");
    ApplyResult.Rejected stale =
        assertInstanceOf(ApplyResult.Rejected.class, d.put(ALL, HALF, "k", "4"));
    assertEquals(ApplyResult.Reason.STALE_REQUEST, stale.reason());
    assertTrue(stale.message().contains("op 9223372036854775808 is older than its latest applied op"
        + " 18446744073709551615"), stale.message());
    assertEquals("3", d.get("k"));
    ApplyResult.Rejected expired =
        assertInstanceOf(ApplyResult.Rejected.class, d.put(7, ALL, "k", "5"));
    assertTrue(expired.message().contains("op 18446744073709551615 may"), expired.message());
  }

  @Test
  void when_op_id_is_zero_then_refused_and_2_to_the_64_minus_1_is_accepted() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Command.Put(ALL, 0, 0, Driver.b("k"), Driver.b("v")));
    assertEquals("opId must be 1 to 2^64-1 (unsigned), got 0", e.getMessage());
    Command c = new Command.Put(ALL, ALL, 0, Driver.b("k"), Driver.b("v"));
    assertEquals(c, CommandCodec.decode(CommandCodec.encode(c)));
    assertTrue(c.toString().contains("op=18446744073709551615"), c.toString());
  }
}
