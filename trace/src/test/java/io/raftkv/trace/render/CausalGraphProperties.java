package io.raftkv.trace.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class CausalGraphProperties {

  @Property(tries = 300)
  void derived_arrows_are_exactly_the_messages_that_brought_news(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 6) int hosts, @ForAll @IntRange(min = 1, max = 120) int steps,
      @ForAll boolean tokensTick) {
    SimulatedRun run = new SimulatedRun(seed, hosts, steps, tokensTick);
    List<Event> shuffled = new ArrayList<>(run.events);
    Collections.shuffle(shuffled, new java.util.Random(seed));
    CausalGraph g = new CausalGraph(shuffled);
    Set<String> derived = new TreeSet<>();
    for (Event e : run.events) {
      for (Event s : g.senders(e)) {
        derived.add(s + " -> " + e);
      }
    }
    Set<String> expected = new TreeSet<>();
    for (Event[] m : run.newsMessages) {
      expected.add(m[0] + " -> " + m[1]);
    }
    assertEquals(expected, derived);
  }

  @Property(tries = 300)
  void order_and_rows_respect_causality(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 6) int hosts, @ForAll @IntRange(min = 1, max = 120) int steps,
      @ForAll boolean hideSome, @ForAll boolean tokensTick) {
    SimulatedRun run = new SimulatedRun(seed, hosts, steps, tokensTick);
    CausalGraph g = new CausalGraph(run.events);
    List<Event> order = g.order();
    assertEquals(run.events.size(), order.size());
    for (int i = 0; i < order.size(); i++) {
      assertEquals(i, order.get(i).position);
    }
    for (int i = 0; i < order.size(); i++) {
      for (int j = i + 1; j < order.size(); j++) {
        assertTrue(!order.get(j).happenedBeforeOrIs(order.get(i)),
            order.get(j) + " happened before " + order.get(i) + " but comes later");
      }
    }
    RenderOptions options = RenderOptions.all();
    if (hideSome && hosts > 1) {
      options = options.withHosts(List.of("h0", "h1"));
    }
    Set<String> present = new TreeSet<>();
    run.events.forEach(e -> present.add(e.host));
    if (!present.containsAll(options.hosts())) {
      return;
    }
    Diagram d = new Diagram(g, options);
    for (Event[] a : d.arrows) {
      assertTrue(d.row(a[1]) > d.row(a[0]), "arrow points down");
    }
    Map<String, Integer> lastRow = new HashMap<>();
    int previousRow = 0;
    for (Event e : d.events) {
      Integer before = lastRow.put(e.host, d.row(e));
      assertTrue(before == null || before < d.row(e), "rows rise along a host");
      assertTrue(d.row(e) >= previousRow, "rows never rise along the topological order");
      previousRow = d.row(e);
    }
  }
}
