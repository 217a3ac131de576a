package io.raftkv.trace.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CausalGraphTest {

  static Event ev(String host, long seq, String clock, String action, long wallMicros) {
    Map<String, Long> c = new LinkedHashMap<>();
    for (String part : clock.split(",")) {
      String[] kv = part.split("=");
      c.put(kv[0].trim(), Long.parseLong(kv[1].trim()));
    }
    return new Event(host, seq, c, "t", action, new LinkedHashMap<>(), wallMicros);
  }

  static Event ev(String host, long seq, String clock) {
    return ev(host, seq, clock, "Act", seq);
  }

  @Test
  void when_receiver_learns_of_sender_then_one_arrow_from_senders_latest_known_event() {
    Event a1 = ev("a", 1, "a=1");
    Event a2 = ev("a", 2, "a=2");
    Event b1 = ev("b", 1, "b=1");
    Event b2 = ev("b", 2, "a=2,b=2");
    Event b3 = ev("b", 3, "a=2,b=3");
    CausalGraph g = new CausalGraph(List.of(b3, a1, b2, b1, a2));
    assertEquals(List.of(), g.senders(b1));
    assertEquals(List.of(a2), g.senders(b2));
    assertEquals(List.of(), g.senders(b3), "nothing new about a: no second arrow");
  }

  @Test
  void when_knowledge_came_through_a_third_host_then_only_the_direct_sender_is_kept() {
    Event a1 = ev("a", 1, "a=1");
    Event c1 = ev("c", 1, "a=1,c=1");
    Event b1 = ev("b", 1, "a=1,b=1,c=1");
    CausalGraph g = new CausalGraph(List.of(a1, b1, c1));
    assertEquals(List.of(c1), g.senders(b1));
    assertEquals(List.of(a1), g.senders(c1));
  }

  @Test
  void when_two_concurrent_hosts_are_learned_at_once_then_both_are_senders() {
    Event a1 = ev("a", 1, "a=1");
    Event c1 = ev("c", 1, "c=1");
    Event b1 = ev("b", 1, "a=1,b=1,c=1");
    CausalGraph g = new CausalGraph(List.of(a1, b1, c1));
    assertEquals(List.of(a1, c1), g.senders(b1));
  }

  @Test
  void when_the_clock_names_a_seq_without_event_then_the_latest_earlier_event_sends() {
    // a recorded seq 1, then generated a token (tick to 2, no event); b received the token
    Event a1 = ev("a", 1, "a=1");
    Event b2 = ev("b", 2, "a=2,b=2");
    CausalGraph g = new CausalGraph(List.of(a1, b2));
    assertEquals(List.of(a1), g.senders(b2));
  }

  @Test
  void when_the_sender_host_left_no_events_then_no_arrow() {
    Event b1 = ev("b", 1, "a=3,b=1");
    CausalGraph g = new CausalGraph(List.of(b1));
    assertEquals(List.of(), g.senders(b1));
  }

  @Test
  void order_puts_senders_first_even_when_wall_clocks_disagree() {
    Event a1 = ev("a", 1, "a=1", "Send", 500);    // a's wall clock runs ahead
    Event b1 = ev("b", 1, "b=1", "Local", 100);
    Event b2 = ev("b", 2, "a=1,b=2", "Recv", 200);
    CausalGraph g = new CausalGraph(List.of(b2, a1, b1));
    assertEquals(List.of(b1, a1, b2), g.order());
    assertEquals(2, b2.position);
  }

  @Test
  void when_clocks_form_a_cycle_then_the_error_says_so() {
    Event a1 = ev("a", 1, "a=1,b=1");
    Event b1 = ev("b", 1, "a=1,b=1");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CausalGraph(List.of(a1, b1)));
    assertTrue(e.getMessage().contains("contradict"), e.getMessage());
  }

  @Test
  void when_two_events_of_a_host_share_a_seq_then_the_error_names_them() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CausalGraph(List.of(ev("a", 1, "a=1"), ev("a", 1, "a=1"))));
    assertTrue(e.getMessage().contains("host a have seq 1"), e.getMessage());
  }

  @Test
  void previous_on_host_follows_seq_order() {
    List<Event> events = new ArrayList<>(List.of(ev("a", 3, "a=3"), ev("a", 1, "a=1")));
    CausalGraph g = new CausalGraph(events);
    assertEquals(1, g.previousOnHost(events.get(0)).seq);
    assertEquals(null, g.previousOnHost(events.get(1)));
  }
}
