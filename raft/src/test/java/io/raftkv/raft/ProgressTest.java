package io.raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProgressTest {

  @Test
  void when_inflights_reach_count_then_full_and_freeing_acknowledged_makes_room() {
    Inflights in = new Inflights(2, 1000);
    assertFalse(in.full());
    in.add(5, 10);
    in.add(7, 10);
    assertTrue(in.full());
    assertEquals(2, in.count());
    assertThrows(RaftSafetyException.class, () -> in.add(9, 1));
    in.freeLe(4);
    assertEquals(2, in.count());
    in.freeLe(5);
    assertEquals(1, in.count());
    assertFalse(in.full());
    in.add(9, 10); // wraps around the ring
    in.freeLe(9);
    assertEquals(0, in.count());
  }

  @Test
  void when_inflight_bytes_reach_limit_then_full() {
    Inflights in = new Inflights(10, 100);
    in.add(1, 60);
    assertFalse(in.full());
    in.add(2, 40);
    assertTrue(in.full());
    in.freeFirst();
    assertFalse(in.full());
    assertEquals(1, in.count());
    in.reset();
    assertEquals(0, in.count());
    in.freeFirst(); // empty: nothing to free
    assertEquals(0, in.count());
    in.add(3, 99);
    assertFalse(in.full());
  }

  @Test
  void when_new_progress_then_probe_not_paused() {
    Progress pr = new Progress(5, 4, 1000);
    assertEquals(Progress.Mode.PROBE, pr.mode);
    assertEquals(0, pr.match);
    assertEquals(5, pr.next);
    assertFalse(pr.isPaused());
    pr.probeSent = true;
    assertTrue(pr.isPaused());
    assertEquals("PROBE match=0 next=5 paused", pr.toString());
  }

  @Test
  void when_update_then_match_and_next_only_move_forward() {
    Progress pr = new Progress(5, 4, 1000);
    pr.probeSent = true;
    assertTrue(pr.maybeUpdate(4));
    assertEquals(4, pr.match);
    assertEquals(5, pr.next);
    assertFalse(pr.probeSent);
    assertFalse(pr.maybeUpdate(3));
    assertEquals(4, pr.match);
    assertFalse(pr.maybeUpdate(4));
    assertTrue(pr.maybeUpdate(9));
    assertEquals(10, pr.next);
  }

  @Test
  void when_probe_rejection_matches_last_sent_then_next_backs_up_to_hint() {
    Progress pr = new Progress(10, 4, 1000);
    pr.match = 2;
    pr.probeSent = true;
    assertFalse(pr.maybeDecrTo(5, 3)); // stale: we did not send prev=5
    assertTrue(pr.probeSent);
    assertTrue(pr.maybeDecrTo(9, 6));
    assertEquals(6, pr.next);
    assertFalse(pr.probeSent);
    assertTrue(pr.maybeDecrTo(5, 1)); // hint below match: never below match + 1
    assertEquals(3, pr.next);
    pr.next = 8;
    assertTrue(pr.maybeDecrTo(7, 20)); // hint above rejected index: rejected index wins
    assertEquals(7, pr.next);
  }

  @Test
  void when_replicate_rejection_at_or_below_match_then_stale() {
    Progress pr = new Progress(10, 4, 1000);
    pr.match = 6;
    pr.becomeReplicate();
    assertEquals(7, pr.next);
    assertEquals(Progress.Mode.REPLICATE, pr.mode);
    assertFalse(pr.maybeDecrTo(6, 3));
    assertFalse(pr.maybeDecrTo(5, 3));
    pr.next = 12;
    assertTrue(pr.maybeDecrTo(9, 8));
    assertEquals(8, pr.next);
  }

  @Test
  void when_replicate_window_full_then_paused() {
    Progress pr = new Progress(1, 2, 1000);
    pr.becomeReplicate();
    assertFalse(pr.isPaused());
    pr.inflights.add(1, 1);
    pr.inflights.add(2, 1);
    assertTrue(pr.isPaused());
    assertEquals("REPLICATE match=0 next=1 inflight=2", pr.toString());
    pr.becomeProbe();
    assertEquals(0, pr.inflights.count());
    assertEquals(1, pr.next);
  }

  @Test
  void when_snapshot_then_paused_and_probe_resumes_after_it() {
    Progress pr = new Progress(3, 2, 1000);
    pr.match = 2;
    pr.becomeSnapshot(10);
    assertTrue(pr.isPaused());
    assertEquals(10, pr.pendingSnapshot);
    assertEquals("SNAPSHOT match=2 next=3 snapshot=10", pr.toString());
    pr.becomeProbe();
    assertEquals(11, pr.next);
    assertEquals(0, pr.pendingSnapshot);
    assertFalse(pr.isPaused());
    pr.match = 20;
    pr.becomeSnapshot(10);
    pr.becomeProbe();
    assertEquals(21, pr.next);
  }
}
