package io.raftkv.trace.render;

import java.util.Locale;

/**
 * The static drawing: a standalone SVG document of a {@link Diagram}, with the same elements and
 * classes the HTML page's script builds (one {@code g.host} per column, one {@code circle.ev} per
 * event, one {@code line.msg} per message, {@code .selected} on the highlighted operation), and a
 * {@code <title>} tooltip per event listing its fields.
 */
final class SvgDrawing {
  private SvgDrawing() {
  }

  static String svg(Diagram d, String title) {
    int width = Look.width(d.hosts.size());
    int height = Look.height(d.rowCount());
    StringBuilder sb = new StringBuilder(256 + d.events.size() * 400);
    sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"spacetime")
        .append(d.highlighted.isEmpty() ? "" : " has-selection")
        .append("\" width=\"").append(width).append("\" height=\"").append(height)
        .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\">\n");
    sb.append("<style>\n").append(Resources.text("diagram.css")).append("</style>\n");
    markers(sb);
    sb.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    sb.append("<text class=\"title\" x=\"").append(Look.LEFT).append("\" y=\"18\">")
        .append(esc(title)).append("</text>\n");
    sb.append("<g class=\"hosts\">\n");
    for (int c = 0; c < d.hosts.size(); c++) {
      int x = Look.x(c);
      sb.append("<g class=\"host\" data-host=\"").append(esc(d.hosts.get(c))).append("\">")
          .append("<line class=\"lifeline\" x1=\"").append(x).append("\" y1=\"").append(Look.TOP)
          .append("\" x2=\"").append(x).append("\" y2=\"").append(height - Look.BOTTOM / 2)
          .append("\"/><text class=\"hostname\" x=\"").append(x - Look.DOT_OFFSET + 4)
          .append("\" y=\"").append(Look.TOP - 10).append("\">").append(esc(d.hosts.get(c)))
          .append("</text></g>\n");
    }
    sb.append("</g>\n<g class=\"arrows\">\n");
    for (Event[] a : d.arrows) {
      boolean sel = d.highlighted(a);
      double[] p = arrowLine(Look.x(d.column(a[0])), Look.y(d.row(a[0])),
          Look.x(d.column(a[1])), Look.y(d.row(a[1])));
      sb.append("<line class=\"msg").append(sel ? " selected" : "").append("\" data-from=\"")
          .append(a[0].position).append("\" data-to=\"").append(a[1].position)
          .append("\" x1=\"").append(num(p[0])).append("\" y1=\"").append(num(p[1]))
          .append("\" x2=\"").append(num(p[2])).append("\" y2=\"").append(num(p[3]))
          .append("\" marker-end=\"url(#").append(sel ? "arrow-sel" : "arrow").append(")\"/>\n");
    }
    sb.append("</g>\n<g class=\"events\">\n");
    for (Event e : d.events) {
      boolean sel = d.highlighted.contains(e);
      int x = Look.x(d.column(e));
      int y = Look.y(d.row(e));
      sb.append("<circle class=\"ev fam-").append(Look.family(e.action))
          .append(sel ? " selected" : "").append("\" data-i=\"").append(e.position)
          .append("\" data-host=\"").append(esc(e.host)).append("\" data-seq=\"").append(e.seq)
          .append("\" data-action=\"").append(esc(e.action)).append("\" cx=\"").append(x)
          .append("\" cy=\"").append(y).append("\" r=\"").append(Look.RADIUS).append("\"><title>")
          .append(esc(tooltip(e))).append("</title></circle>")
          .append("<text class=\"label").append(sel ? " selected" : "").append("\" data-i=\"")
          .append(e.position).append("\" x=\"").append(x + Look.LABEL_OFFSET).append("\" y=\"")
          .append(y + 4).append("\">").append(esc(e.action)).append("</text>\n");
    }
    sb.append("</g>\n</svg>\n");
    return sb.toString();
  }

  /** The arrow from one dot to another, cut short by the dots' radius so the head stays visible. */
  static double[] arrowLine(double x1, double y1, double x2, double y2) {
    double dx = x2 - x1;
    double dy = y2 - y1;
    double len = Math.max(Math.hypot(dx, dy), 1e-9);
    double ux = dx / len;
    double uy = dy / len;
    double start = Look.RADIUS;
    double end = Look.RADIUS + 2;
    return new double[] {x1 + ux * start, y1 + uy * start, x2 - ux * end, y2 - uy * end};
  }

  static void markers(StringBuilder sb) {
    sb.append("<defs>");
    for (String id : new String[] {"arrow", "arrow-sel"}) {
      sb.append("<marker id=\"").append(id).append("\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" ")
          .append("markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" markerHeight=\"9\" ")
          .append("orient=\"auto-start-reverse\">")
          .append("<path class=\"arrowhead").append(id.equals("arrow") ? "" : " selected")
          .append("\" d=\"M0,0 L10,5 L0,10 z\"/></marker>");
    }
    sb.append("</defs>\n");
  }

  /** Position, host and seq, action, trace id, fields and clock, one per line. */
  static String tooltip(Event e) {
    StringBuilder sb = new StringBuilder();
    sb.append('#').append(e.position).append(' ').append(e.host).append(" seq ").append(e.seq)
        .append('\n').append(e.action).append(' ');
    Json.object(sb, e.fields);
    sb.append("\ntrace ").append(e.traceId).append("\nclock ");
    Json.object(sb, e.clock);
    return sb.toString();
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static String esc(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<':
          sb.append("&lt;");
          break;
        case '>':
          sb.append("&gt;");
          break;
        case '&':
          sb.append("&amp;");
          break;
        case '"':
          sb.append("&quot;");
          break;
        default:
          sb.append(c < 0x20 && c != '\n' && c != '\t' ? '?' : c);
      }
    }
    return sb.toString();
  }
}
