package io.raftkv.lincheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a failing key's history as a self-contained HTML page (inline SVG, no scripts, no
 * external resources) that any browser opens from disk or from a CI artifact.
 *
 * <p>The page shows the minimal failing history as a timeline: one row per client, a bar from
 * each call's invocation to its return (ambiguous calls hatched and running off the right
 * edge), labelled with the operation and its value. Operations in the longest linearization
 * the search found are green and numbered in linearization order; the operation it got stuck
 * at is red. Below follow the textual report and, when it is not too large, the whole key
 * history with the minimal history's operations outlined.
 */
public final class Visualizer {

  /** Key histories above this size are left out of the page (the minimal one is always in). */
  static final int MAX_FULL_HISTORY = 2000;

  private Visualizer() {
  }

  /**
   * Writes the page for {@code result}'s violation to {@code file}.
   *
   * @throws IllegalArgumentException if the result has no violation to draw
   */
  public static void writeHtml(CheckResult result, Path file) throws IOException {
    Violation v = result.violation().orElseThrow(
        () -> new IllegalArgumentException("nothing to draw: verdict " + result.verdict()));
    Files.writeString(file, html(result, v), StandardCharsets.UTF_8);
  }

  static String html(CheckResult result, Violation v) {
    StringBuilder sb = new StringBuilder(64 * 1024);
    sb.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>lincheck: key ")
        .append(Timeline.esc(v.key())).append("</title>\n<style>")
        .append("body{font-family:sans-serif;margin:20px}pre{background:#f6f6f6;padding:8px}")
        .append("svg text{font-family:monospace;font-size:11px}.legend span{margin-right:16px}")
        .append("</style></head><body>\n");
    sb.append("<h1>Not linearizable: key <code>").append(Timeline.esc(v.key()))
        .append("</code></h1>\n");
    sb.append("<p>").append(v.keyHistory().size()).append(" operations on this key; minimal ")
        .append("failing sub-history: ").append(v.minimalHistory().size())
        .append(" operations; longest linearization found: ").append(v.linearization().size())
        .append(" operations.</p>\n");
    sb.append("<p class=\"legend\"><span style=\"color:#2e7d32\">&#9632; linearized (order "
        + "number)</span><span style=\"color:#c62828\">&#9632; stuck here</span>"
        + "<span style=\"color:#888\">&#9632; not linearized</span><span>hatched: ambiguous "
        + "(may or may not have happened)</span></p>\n");
    sb.append("<h2>Minimal failing history</h2>\n");
    new Timeline("minimal", v.minimalHistory(), v.linearization(), v.stuckAt(), List.of()).appendSvg(sb);
    sb.append("<h2>Report</h2>\n<pre>").append(Timeline.esc(result.report())).append("</pre>\n");
    if (v.keyHistory().size() != v.minimalHistory().size()) {
      sb.append("<h2>Whole key history</h2>\n");
      if (v.keyHistory().size() <= MAX_FULL_HISTORY) {
        sb.append("<p>Operations of the minimal failing history are outlined in blue.</p>\n");
        new Timeline("whole", v.keyHistory(), List.of(), null, v.minimalHistory()).appendSvg(sb);
      } else {
        sb.append("<p>").append(v.keyHistory().size()).append(" operations: too many to draw; "
            + "save the history with HistoryIO to inspect it.</p>\n");
      }
    }
    sb.append("</body></html>\n");
    return sb.toString();
  }
}
