package io.raftkv.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class VectorClockTest {
  @Test
  void tick_raises_only_the_hosts_entry_and_leaves_the_original_alone() {
    VectorClock a = VectorClock.empty().tick("s1");
    VectorClock b = a.tick("s1").tick("c1");
    assertEquals(Map.of("s1", 1L), a.entries());
    assertEquals(Map.of("s1", 2L, "c1", 1L), b.entries());
    assertEquals(0, b.get("s9"));
  }

  @Test
  void merge_takes_the_entrywise_maximum() {
    VectorClock a = VectorClock.of(Map.of("a", 3L, "b", 1L));
    VectorClock b = VectorClock.of(Map.of("b", 5L, "c", 2L));
    assertEquals(Map.of("a", 3L, "b", 5L, "c", 2L), a.merge(b).entries());
  }

  @Test
  void happenedBefore_is_strict_and_concurrency_is_neither_way() {
    VectorClock a = VectorClock.of(Map.of("a", 1L));
    VectorClock b = VectorClock.of(Map.of("a", 1L, "b", 1L));
    VectorClock c = VectorClock.of(Map.of("a", 2L));
    assertTrue(a.happenedBefore(b));
    assertFalse(b.happenedBefore(a));
    assertFalse(a.happenedBefore(a));
    assertFalse(a.concurrentWith(a));
    assertTrue(b.concurrentWith(c));
    assertTrue(c.concurrentWith(b));
    assertFalse(a.concurrentWith(c));
    assertTrue(VectorClock.empty().happenedBefore(a));
  }

  @Test
  void toJson_lists_hosts_in_name_order() {
    VectorClock c = VectorClock.of(Map.of("server3", 17L, "client1", 4L));
    assertEquals("{\"client1\":4,\"server3\":17}", c.toJson());
    assertEquals("{}", VectorClock.empty().toJson());
  }

  @Test
  void of_rejects_bad_hosts_and_values_below_one() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> VectorClock.of(Map.of("a b", 1L)));
    assertTrue(e.getMessage().contains("a b"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> VectorClock.of(Map.of("a", 0L)));
    assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> VectorClock.of(Map.of("", 1L)));
    assertThrows(IllegalArgumentException.class, () -> VectorClock.of(Map.of("..", 1L)));
  }
}
