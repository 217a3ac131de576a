package io.raftkv.trace.render;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The interactive page: one self-contained HTML file (inline stylesheet and script, no network)
 * with the diagram's events embedded as JSON in {@code <script id="trace-data">}; the script draws
 * the SVG in the browser and handles clicks, zoom and the URL fragment. See page.js for the
 * page's contract ({@code data-rendered} on body, {@code #errors}).
 */
final class HtmlPage {
  private HtmlPage() {
  }

  static String html(Diagram d, String title, String summary) {
    StringBuilder sb = new StringBuilder(4096 + d.events.size() * 300);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
        .append(SvgDrawing.esc(title)).append("</title>\n<style>\n")
        .append(Resources.text("diagram.css")).append(Resources.text("page.css"))
        .append("</style>\n</head>\n<body data-rendered=\"pending\">\n");
    sb.append(Resources.text("page-body.html"));
    sb.append("<script type=\"application/json\" id=\"trace-data\">");
    data(sb, d, title, summary);
    sb.append("</script>\n<script>\n").append(Resources.text("page.js"))
        .append("</script>\n</body></html>\n");
    return sb.toString();
  }

  private static void data(StringBuilder sb, Diagram d, String title, String summary) {
    sb.append("{\"title\":");
    Json.string(sb, title);
    sb.append(",\"summary\":");
    Json.string(sb, summary);
    Map<String, Object> geometry = new LinkedHashMap<>();
    geometry.put("left", Look.LEFT);
    geometry.put("top", Look.TOP);
    geometry.put("columnWidth", Look.COLUMN_WIDTH);
    geometry.put("rowHeight", Look.ROW_HEIGHT);
    geometry.put("dotOffset", Look.DOT_OFFSET);
    geometry.put("radius", Look.RADIUS);
    geometry.put("bottom", Look.BOTTOM);
    geometry.put("labelOffset", Look.LABEL_OFFSET);
    sb.append(",\"geometry\":");
    Json.object(sb, geometry);
    sb.append(",\"hosts\":[");
    for (int c = 0; c < d.hosts.size(); c++) {
      sb.append(c == 0 ? "" : ",");
      Json.string(sb, d.hosts.get(c));
    }
    sb.append("],\"rows\":").append(d.rowCount()).append(",\"events\":[\n");
    Map<Event, Integer> index = new IdentityHashMap<>();
    for (int i = 0; i < d.events.size(); i++) {
      Event e = d.events.get(i);
      index.put(e, i);
      sb.append(i == 0 ? "" : ",\n").append("{\"p\":").append(e.position)
          .append(",\"h\":").append(d.column(e)).append(",\"r\":").append(d.row(e))
          .append(",\"s\":").append(e.seq).append(",\"a\":");
      Json.string(sb, e.action);
      sb.append(",\"k\":");
      Json.string(sb, Look.family(e.action));
      sb.append(",\"t\":");
      Json.value(sb, e.traceId);
      sb.append(",\"w\":").append(e.wallMicros).append(",\"f\":");
      Json.object(sb, e.fields);
      sb.append(",\"c\":");
      Json.object(sb, e.clock);
      OperationRef op = e.operation();
      if (op != null) {
        sb.append(",\"o\":");
        Json.string(sb, op.toString());
      }
      sb.append('}');
    }
    sb.append("\n],\"arrows\":[");
    for (int i = 0; i < d.arrows.size(); i++) {
      Event[] a = d.arrows.get(i);
      sb.append(i == 0 ? "" : ",").append('[').append(index.get(a[0])).append(',')
          .append(index.get(a[1])).append(']');
    }
    sb.append("],\"selected\":");
    Json.value(sb, d.options.operation().map(OperationRef::toString).orElse(null));
    sb.append("}");
  }
}
