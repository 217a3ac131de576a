package io.raftkv.trace.render;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Draws the space-time diagram of a traced run: one column per host, time flowing down, each
 * event a dot labelled with its action, each message an arrow. Messages are derived from the
 * vector clocks alone (see {@link CausalGraph}); rows follow causality, so arrows point down.
 *
 * <p>Two outputs: a self-contained interactive HTML page (inline script and style, the events
 * embedded as JSON; click an event to highlight its operation, zoom, scroll) and a static SVG of
 * the same drawing. {@link RenderOptions} picks a window of positions in the run's topological
 * order, hides heartbeats, selects hosts and highlights one operation.
 */
public final class TraceRenderer {
  private TraceRenderer() {
  }

  /** The output format a file name asks for. */
  public enum Format {
    HTML, SVG;

    /**
     * The format of {@code file} by its extension: {@code .html}/{@code .htm} or {@code .svg}.
     *
     * @throws IllegalArgumentException naming the file for any other extension
     */
    public static Format of(Path file) {
      String name = file.getFileName() == null ? "" : file.getFileName().toString()
          .toLowerCase(Locale.ROOT);
      if (name.endsWith(".html") || name.endsWith(".htm")) {
        return HTML;
      }
      if (name.endsWith(".svg")) {
        return SVG;
      }
      throw new IllegalArgumentException("--out " + file + ": unknown format; the name must end "
          + "in .html (interactive page) or .svg (static drawing)");
    }
  }

  /**
   * Renders {@code events} to {@code out}, HTML or SVG by its extension, creating parent
   * directories.
   *
   * @param title a heading for the drawing, e.g. the trace directory
   * @throws IllegalArgumentException if there are no events, the options do not fit the run
   *     (unknown host, window past the end, an operation with no event) or the clocks
   *     contradict each other
   */
  public static RenderSummary render(List<io.raftkv.trace.TraceEvent> events,
      RenderOptions options, Path out, String title) throws IOException {
    Format format = Format.of(out);
    Diagram d = diagram(Events.from(events), options);
    String text = format == Format.HTML ? HtmlPage.html(d, title, summary(d).describe())
        : SvgDrawing.svg(d, title + ": " + summary(d).describe());
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(out, text, StandardCharsets.UTF_8);
    return summary(d);
  }

  /** The interactive page of {@code events} as a string. */
  public static String html(List<io.raftkv.trace.TraceEvent> events, RenderOptions options,
      String title) {
    Diagram d = diagram(Events.from(events), options);
    return HtmlPage.html(d, title, summary(d).describe());
  }

  /** The static SVG drawing of {@code events} as a string. */
  public static String svg(List<io.raftkv.trace.TraceEvent> events, RenderOptions options,
      String title) {
    Diagram d = diagram(Events.from(events), options);
    return SvgDrawing.svg(d, title + ": " + summary(d).describe());
  }

  static Diagram diagram(List<Event> events, RenderOptions options) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("no trace events to draw");
    }
    return new Diagram(new CausalGraph(events), options);
  }

  static RenderSummary summary(Diagram d) {
    return new RenderSummary(d.totalEvents, d.events.size(), d.hosts.size(), d.arrows.size(),
        d.heartbeatsHidden, d.highlighted.size(), d.options.fromPosition(),
        Math.min(d.options.toPosition(), d.totalEvents));
  }
}
