package io.raftkv.trace.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Which AppendEntries events count as heartbeats when the traces do not share ids. */
class HeartbeatsTest {

  private static Event ev(String host, long seq, String clock, String trace, String action,
      Object entries) {
    Event plain = CausalGraphTest.ev(host, seq, clock, action, seq);
    Map<String, Object> fields = new LinkedHashMap<>();
    if (entries != null) {
      fields.put("entries", entries);
    }
    return new Event(host, seq, plain.clock, trace, action, fields, seq);
  }

  private static Set<String> heartbeats(List<Event> events) {
    Set<String> names = new TreeSet<>();
    for (Event e : Heartbeats.find(new CausalGraph(events))) {
      names.add(e.host + "#" + e.seq);
    }
    return names;
  }

  @Test
  void a_res_is_judged_by_the_recv_before_it_on_its_host_when_no_trace_is_shared() {
    List<Event> events = List.of(
        ev("leader", 1, "leader=1", "t1", "AppendEntries", 0L),
        ev("f", 1, "leader=1,f=1", "t2", "AppendEntriesRecv", 0L),
        ev("f", 2, "leader=1,f=2", "t3", "AppendEntriesRes", null),
        ev("leader", 2, "leader=2", "t4", "AppendEntries", 3L),
        ev("f", 3, "leader=2,f=3", "t5", "AppendEntriesRecv", 3L),
        ev("f", 4, "leader=2,f=4", "t6", "AppendEntriesRes", null));
    assertEquals(Set.of("leader#1", "f#1", "f#2"), heartbeats(events));
  }

  @Test
  void a_res_recorded_by_the_leader_is_judged_by_the_recv_that_sent_it() {
    List<Event> events = List.of(
        ev("leader", 1, "leader=1", "a", "AppendEntries", 0L),
        ev("f", 1, "leader=1,f=1", "b", "AppendEntriesRecv", 0L),
        ev("leader", 2, "leader=2,f=1", "c", "AppendEntriesRes", null));
    assertEquals(Set.of("leader#1", "f#1", "leader#2"), heartbeats(events));
  }

  @Test
  void a_res_of_the_same_trace_follows_its_recv_even_across_other_events() {
    List<Event> events = List.of(
        ev("leader", 1, "leader=1", "hb", "AppendEntries", 0L),
        ev("f", 1, "leader=1,f=1", "hb", "AppendEntriesRecv", 0L),
        ev("f", 2, "leader=1,f=2", "other", "Apply", null),
        ev("f", 3, "leader=1,f=3", "hb", "AppendEntriesRes", null));
    assertEquals(Set.of("leader#1", "f#1", "f#3"), heartbeats(events));
  }

  @Test
  void a_res_with_an_entries_field_or_no_recv_to_answer_is_judged_alone() {
    List<Event> events = List.of(
        ev("f", 1, "f=1", "x", "AppendEntriesRes", 0L),
        ev("f", 2, "f=2", "y", "AppendEntriesRes", 2L),
        ev("f", 3, "f=3", "z", "AppendEntriesRes", null),
        ev("f", 4, "f=4", "w", "AppendEntries", 0L));
    assertEquals(Set.of("f#1", "f#4"), heartbeats(events));
  }
}
