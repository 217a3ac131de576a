package io.raftkv.kv;

import static io.raftkv.kv.Driver.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Exactly-once semantics of client sessions (Raft thesis §6.3). */
class SessionTest {
  private static final long TIMEOUT = 10_000;

  private final Driver d = new Driver(new KvConfig(TIMEOUT, 3));

  private static ApplyResult.Reason rejection(ApplyResult r) {
    return assertInstanceOf(ApplyResult.Rejected.class, r).reason();
  }

  @Test
  void when_put_retried_after_failover_then_applied_once_and_answered_with_first_result() {
    d.put(1, 1, "k", "a");
    ApplyResult first = d.put(1, 2, "k", "b");
    // another client writes between the original and the retry
    d.put(2, 1, "k", "c");
    d.term = 2;
    d.nowMillis += 500; // the new leader stamps the retry with its own time
    ApplyResult retry = d.put(1, 2, "k", "b");
    assertSame(first, retry);
    assertEquals(new ApplyResult.Put(new byte[] {'a'}), retry);
    assertEquals("c", d.get("k"), "the retry must not be applied again");
  }

  @Test
  void when_cas_and_delete_retried_then_first_result_returned() {
    d.put(1, 1, "k", "a");
    ApplyResult cas = d.cas(1, 2, "k", "a", "b");
    assertEquals(new ApplyResult.Cas(true, b("b")), cas);
    // retried CAS would now fail if re-evaluated; it must report the original success
    assertEquals(cas, d.cas(1, 2, "k", "a", "b"));
    ApplyResult delete = d.delete(1, 3, "k");
    assertEquals(new ApplyResult.Delete(true), delete);
    assertEquals(delete, d.delete(1, 3, "k"));
  }

  @Test
  void when_retry_applied_then_state_hash_changes_only_by_session_use() {
    d.put(1, 1, "k", "a");
    int size = d.sm.size();
    long hash = d.sm.stateHash();
    d.put(1, 1, "k", "a");
    assertEquals(size, d.sm.size());
    assertNotEquals(hash, d.sm.stateHash(), "the retry refreshes the session's last use");
  }

  @Test
  void when_op_older_than_latest_then_stale_request_and_not_applied() {
    d.put(1, 1, "k", "a");
    d.put(1, 2, "k", "b");
    ApplyResult r = d.put(1, 1, "k", "old");
    assertEquals(ApplyResult.Reason.STALE_REQUEST, rejection(r));
    assertTrue(((ApplyResult.Rejected) r).message().contains("op 1 is older than its latest"));
    assertEquals("b", d.get("k"));
  }

  @Test
  void when_op_ids_skip_then_later_op_applied() {
    d.put(1, 1, "k", "a");
    assertEquals(new ApplyResult.Put(b("a")), d.put(1, 5, "k", "b"));
    assertEquals(ApplyResult.Reason.STALE_REQUEST, rejection(d.put(1, 3, "k", "c")));
  }

  @Test
  void when_unknown_client_starts_above_op_one_then_session_expired() {
    ApplyResult r = d.put(9, 2, "k", "a");
    assertEquals(ApplyResult.Reason.SESSION_EXPIRED, rejection(r));
    assertEquals(null, d.get("k"));
    assertEquals(0, d.sm.sessionCount());
  }

  @Test
  void when_idle_longer_than_timeout_by_proposal_time_then_session_expires() {
    d.put(1, 1, "k", "a");
    d.nowMillis += TIMEOUT;
    d.put(2, 1, "x", "x"); // exactly the timeout idle: still alive
    assertEquals(2, d.sm.sessionCount());
    assertEquals(new ApplyResult.Put(b("a")), d.put(1, 2, "k", "b"));

    d.nowMillis += TIMEOUT + 1;
    assertEquals(ApplyResult.Reason.SESSION_EXPIRED, rejection(d.put(1, 3, "k", "c")));
    assertEquals("b", d.get("k"));
    assertEquals(0, d.sm.sessionCount(), "both idle sessions are gone");
  }

  @Test
  void when_retry_comes_after_expiry_then_it_is_refused_not_reapplied() {
    d.put(1, 1, "k", "a");
    d.put(1, 2, "n", "1");
    d.put(2, 1, "n", "2");
    d.nowMillis += TIMEOUT + 1;
    assertEquals(ApplyResult.Reason.SESSION_EXPIRED, rejection(d.put(1, 2, "n", "1")));
    assertEquals("2", d.get("n"));
  }

  @Test
  void when_new_leader_clock_lags_then_time_does_not_go_back() {
    d.nowMillis = 1_700_000_000_000L;
    d.put(1, 1, "k", "a");
    d.nowMillis += TIMEOUT + 1;
    d.put(2, 1, "x", "x"); // expires client 1
    assertEquals(d.nowMillis, d.sm.clockMillis());
    d.nowMillis -= 5 * TIMEOUT; // a lagging leader's proposal
    d.put(3, 1, "y", "y");
    assertEquals(d.nowMillis + 5 * TIMEOUT, d.sm.clockMillis());
    assertEquals(ApplyResult.Reason.SESSION_EXPIRED, rejection(d.put(1, 2, "k", "b")));
  }

  @Test
  void when_session_table_full_then_least_recently_used_session_is_evicted() {
    d.put(1, 1, "a", "1");
    d.put(2, 1, "b", "1");
    d.put(3, 1, "c", "1");
    d.put(1, 1, "a", "1"); // a retry counts as use: client 2 is now the least recently used
    d.put(4, 1, "d", "1");
    assertEquals(3, d.sm.sessionCount());
    assertEquals(ApplyResult.Reason.SESSION_EXPIRED, rejection(d.put(2, 2, "b", "2")));
    assertEquals(new ApplyResult.Put(b("1")), d.put(1, 2, "a", "2"));
    assertEquals(new ApplyResult.Put(b("1")), d.put(3, 2, "c", "2"));
    assertEquals(new ApplyResult.Put(b("1")), d.put(4, 2, "d", "2"));
  }

  @Test
  void when_rejected_requests_arrive_then_sessions_unchanged() {
    d.put(1, 1, "k", "a");
    d.put(1, 2, "k", "b");
    long hash = d.sm.stateHash();
    d.put(1, 1, "k", "stale");
    d.put(7, 3, "k", "expired");
    assertEquals(hash, d.sm.stateHash());
  }

  @Test
  void when_config_differs_then_hash_differs() {
    Driver other = new Driver(new KvConfig(TIMEOUT + 1, 3));
    assertNotEquals(d.sm.stateHash(), other.sm.stateHash());
  }
}
