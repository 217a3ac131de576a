package io.raftkv.trace.render;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A random run of hosts exchanging messages with a tracer's clock rules (record: tick and write;
 * send: record, then generate a token; receive: merge the token, then record), delivered in
 * random order. With {@code tokensTick} the clock also ticks when a token is generated or
 * received (no event), as a tracer may, leaving clock entries that name no event. Knows which
 * messages it delivered.
 */
final class SimulatedRun {
  final List<Event> events = new ArrayList<>();
  /** (send event, receive event) of each message whose send the receiver did not know yet. */
  final List<Event[]> newsMessages = new ArrayList<>();

  private final Map<String, Map<String, Long>> clocks = new HashMap<>();
  private final Map<String, Event> last = new HashMap<>();

  private record InFlight(String to, Event send, Map<String, Long> token) {
  }

  SimulatedRun(long seed, int hosts, int steps, boolean tokensTick) {
    Random random = new Random(seed);
    List<InFlight> inFlight = new ArrayList<>();
    for (int h = 0; h < hosts; h++) {
      clocks.put("h" + h, new LinkedHashMap<>());
    }
    for (int step = 0; step < steps; step++) {
      String host = "h" + random.nextInt(hosts);
      int kind = random.nextInt(3);
      if (kind == 0 || (kind == 2 && inFlight.isEmpty())) {
        record(host, "Local", step);
      } else if (kind == 1) {
        Event send = record(host, "Send", step);
        if (tokensTick) {
          tick(host);   // generateToken
        }
        String to = "h" + random.nextInt(hosts);
        if (!to.equals(host)) {
          inFlight.add(new InFlight(to, send, new LinkedHashMap<>(clocks.get(host))));
        }
      } else {
        InFlight m = inFlight.remove(random.nextInt(inFlight.size()));
        Event previous = last.get(m.to);
        boolean news = previous == null || previous.clockOf(m.send.host) < m.send.seq;
        Map<String, Long> c = clocks.get(m.to);
        m.token.forEach((k, v) -> c.merge(k, v, Math::max));
        if (tokensTick) {
          tick(m.to);   // receiveToken
        }
        Event recv = record(m.to, "Recv", step);
        if (news) {
          newsMessages.add(new Event[] {m.send, recv});
        }
      }
    }
  }

  private void tick(String host) {
    clocks.get(host).merge(host, 1L, Long::sum);
  }

  private Event record(String host, String action, long wallMicros) {
    tick(host);
    Map<String, Long> c = clocks.get(host);
    Event e = new Event(host, c.get(host), new LinkedHashMap<>(c), "t", action,
        new LinkedHashMap<>(), wallMicros);
    events.add(e);
    last.put(host, e);
    return e;
  }
}
