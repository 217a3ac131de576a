package io.raftkv.lincheck;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Lays out one history as an SVG timeline for {@link Visualizer}.
 *
 * <p>The x axis is event order, not nanoseconds: real gaps between calls vary by orders of
 * magnitude and would squash the overlaps that matter into invisible slivers. Each client gets
 * as many lanes as it needs, because an ambiguous call stays open while the client moves on.
 */
final class Timeline {

  private static final int LEFT = 70;
  private static final int LANE = 30;
  private static final int BAR = 20;
  private static final int TOP = 20;

  private final String id;
  private final List<Operation> ops;
  private final Map<Operation, Integer> order = new IdentityHashMap<>();
  private final Operation stuck;
  private final Map<Operation, Boolean> outlined = new IdentityHashMap<>();
  private final TreeMap<Long, Integer> rank = new TreeMap<>();
  private final double step;
  private final int infinityX;

  /** {@code id} keeps the SVG ids of several timelines on one page apart. */
  Timeline(String id, List<Operation> ops, List<Operation> linearization, Operation stuck,
      List<Operation> outline) {
    this.id = id;
    this.ops = ops;
    this.stuck = stuck;
    for (int i = 0; i < linearization.size(); i++) {
      order.put(linearization.get(i), i + 1);
    }
    outline.forEach(op -> outlined.put(op, true));
    TreeSet<Long> times = new TreeSet<>();
    for (Operation op : ops) {
      times.add(op.invokeNanos());
      if (op.returnNanos() != Long.MAX_VALUE) {
        times.add(op.returnNanos());
      }
    }
    int r = 0;
    for (long t : times) {
      rank.put(t, r++);
    }
    this.step = Math.max(3, Math.min(90, 1400.0 / Math.max(1, times.size())));
    this.infinityX = x(Math.max(0, times.size() - 1)) + 60;
  }

  private int x(int rankIndex) {
    return LEFT + (int) Math.round(rankIndex * step);
  }

  void appendSvg(StringBuilder sb) {
    // Lanes: per client, greedily reuse the first lane free at this call's invocation.
    TreeMap<Integer, List<Long>> laneEnds = new TreeMap<>();
    Map<Operation, Integer> laneOf = new IdentityHashMap<>();
    List<Operation> sorted = new ArrayList<>(ops);
    sorted.sort(Comparator.comparingLong(Operation::invokeNanos));
    for (Operation op : sorted) {
      List<Long> ends = laneEnds.computeIfAbsent(op.clientId(), c -> new ArrayList<>());
      int lane = 0;
      while (lane < ends.size() && ends.get(lane) >= op.invokeNanos()) {
        lane++;
      }
      if (lane == ends.size()) {
        ends.add(op.returnNanos());
      } else {
        ends.set(lane, op.returnNanos());
      }
      laneOf.put(op, lane);
    }
    Map<Integer, Integer> firstRow = new TreeMap<>();
    int rows = 0;
    for (Map.Entry<Integer, List<Long>> e : laneEnds.entrySet()) {
      firstRow.put(e.getKey(), rows);
      rows += e.getValue().size();
    }
    int width = infinityX + 40;
    int height = TOP + rows * LANE + 20;
    boolean labels = step >= 12;
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width)
        .append("\" height=\"").append(height).append("\">\n")
        .append("<defs><pattern id=\"hatch-").append(id).append("\" width=\"6\" height=\"6\" "
            + "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
            + "<rect width=\"6\" height=\"6\" fill=\"white\"/>"
            + "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#999\" stroke-width=\"3\"/>"
            + "</pattern></defs>\n");
    for (Map.Entry<Integer, Integer> e : firstRow.entrySet()) {
      int y = TOP + e.getValue() * LANE + BAR / 2 + 4;
      sb.append("<text x=\"4\" y=\"").append(y).append("\">client ").append(e.getKey())
          .append("</text>\n");
    }
    for (Operation op : sorted) {
      int row = firstRow.get(op.clientId()) + laneOf.get(op);
      int y = TOP + row * LANE;
      int x1 = x(rank.get(op.invokeNanos()));
      boolean open = op.returnNanos() == Long.MAX_VALUE;
      int x2 = open ? infinityX : x(rank.get(op.returnNanos()));
      int w = Math.max(3, x2 - x1);
      Integer n = order.get(op);
      String color = op == stuck ? "#c62828" : n != null ? "#2e7d32" : "#888";
      String fill = op.isAmbiguous() ? "url(#hatch-" + id + ")" : color;
      String stroke = outlined.containsKey(op) ? "#1565c0" : color;
      sb.append("<g><title>").append(esc(op.toString()))
          .append(n != null ? esc(" | linearized #" + n) : "")
          .append(op == stuck ? " | stuck here" : "").append("</title>")
          .append("<rect x=\"").append(x1).append("\" y=\"").append(y).append("\" width=\"")
          .append(w).append("\" height=\"").append(BAR).append("\" rx=\"3\" fill=\"")
          .append(fill).append("\" fill-opacity=\"").append(op.isAmbiguous() ? "1" : "0.35")
          .append("\" stroke=\"").append(stroke).append("\" stroke-width=\"")
          .append(outlined.containsKey(op) || op == stuck ? 3 : 1.5).append("\"/>");
      if (labels) {
        String text = (n != null ? "#" + n + " " : "") + (op == stuck ? "STUCK " : "")
            + op.label();
        sb.append("<text x=\"").append(x1 + 3).append("\" y=\"").append(y + 14).append("\">")
            .append(esc(text)).append("</text>");
      }
      sb.append("</g>\n");
    }
    sb.append("</svg>\n");
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<':
          b.append("&lt;");
          break;
        case '>':
          b.append("&gt;");
          break;
        case '&':
          b.append("&amp;");
          break;
        case '"':
          b.append("&quot;");
          break;
        default:
          b.append(c);
      }
    }
    return b.toString();
  }
}
