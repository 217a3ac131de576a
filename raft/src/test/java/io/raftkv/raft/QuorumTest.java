package io.raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuorumTest {

  @Test
  void when_sizes_vary_then_majority_is_more_than_half() {
    assertEquals(1, new Quorum(List.of(1)).majority());
    assertEquals(2, new Quorum(List.of(1, 2)).majority());
    assertEquals(2, new Quorum(List.of(1, 2, 3)).majority());
    assertEquals(3, new Quorum(List.of(1, 2, 3, 4)).majority());
    assertEquals(3, new Quorum(List.of(1, 2, 3, 4, 5)).majority());
  }

  @Test
  void when_voters_given_unsorted_then_sorted_copy_and_membership() {
    Quorum q = new Quorum(List.of(5, 1, 3));
    assertArrayEquals(new int[] {1, 3, 5}, q.voters());
    q.voters()[0] = 99;
    assertEquals(1, q.voters()[0]);
    assertTrue(q.contains(3));
    assertFalse(q.contains(2));
    assertEquals(3, q.size());
  }

  @Test
  void when_committed_value_then_largest_value_a_majority_reached() {
    Quorum q = new Quorum(List.of(1, 2, 3, 4, 5));
    Map<Integer, Long> m = Map.of(1, 9L, 2, 7L, 3, 5L, 4, 3L, 5, 1L);
    assertEquals(5, q.committedValue(m::get));
    Quorum four = new Quorum(List.of(1, 2, 3, 4));
    assertEquals(5, four.committedValue(v -> m.get(v)));
    assertEquals(4, new Quorum(List.of(7)).committedValue(v -> 4));
  }

  @Test
  void when_tallying_then_won_lost_or_pending() {
    Quorum q = new Quorum(List.of(1, 2, 3, 4));
    Map<Integer, Boolean> v = new HashMap<>();
    v.put(1, true);
    v.put(9, true); // not a voter: ignored
    assertEquals(Quorum.VoteResult.PENDING, q.tally(v));
    v.put(2, true);
    assertEquals(Quorum.VoteResult.PENDING, q.tally(v));
    v.put(3, false);
    assertEquals(Quorum.VoteResult.PENDING, q.tally(v));
    v.put(4, false);
    assertEquals(Quorum.VoteResult.LOST, q.tally(v));
    v.put(4, true);
    assertEquals(Quorum.VoteResult.WON, q.tally(v));
    Quorum three = new Quorum(List.of(1, 2, 3));
    assertEquals(Quorum.VoteResult.LOST, three.tally(Map.of(1, true, 2, false, 3, false)));
    assertEquals(Quorum.VoteResult.PENDING, three.tally(Map.of(1, true, 2, false)));
    assertEquals(Quorum.VoteResult.WON, new Quorum(List.of(1)).tally(Map.of(1, true)));
  }
}
