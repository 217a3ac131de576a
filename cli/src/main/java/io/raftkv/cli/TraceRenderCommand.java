package io.raftkv.cli;

import io.raftkv.trace.TraceEvent;
import io.raftkv.trace.render.OperationRef;
import io.raftkv.trace.render.RenderOptions;
import io.raftkv.trace.render.RenderSummary;
import io.raftkv.trace.render.TraceRenderer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code raftkv trace render DIR --out FILE}: draws a traced run's space-time diagram, an
 * interactive HTML page or a static SVG (see {@link TraceRenderer}). Exit code 0 when the file
 * is written, 2 for bad options or an unreadable trace.
 */
@Command(
    name = "render", header = "Draw a traced run as a space-time diagram (HTML or SVG).",
    mixinStandardHelpOptions = true,
    description = {
        "Draw the space-time diagram of a traced run: one column per process (host), "
            + "time flowing down, each event a dot labelled with its action, each message an "
            + "arrow (derived from the vector clocks).",
        "",
        "--out run.html: a self-contained interactive page. Click an event to highlight "
            + "its operation (every event with the same clientId and opId) and its arrows; "
            + "Ctrl+wheel or +/- zooms; run.html#op=client1:5 or run.html#event=N opens with "
            + "a selection. --out run.svg: a static drawing of the same, a tooltip per event.",
        "",
        "Large runs: --from/--to keep a window of positions in the run's topological "
            + "order (the #N the page shows per event; the order of the ShiViz log), and "
            + "--hide-heartbeats and --hosts leave events out.",
        ""},
    footer = {"", "Examples:",
        "  raftkv trace render traces/ --out run.html",
        "  raftkv trace render traces/ --out put.svg --op client1:1 --hide-heartbeats",
        "  raftkv trace render traces/ --out part.html --from 2000 --to 3000 \\",
        "      --hosts client1,server1,server2"})
final class TraceRenderCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR",
      description = "the run's trace directory (its *.trace.jsonl files)")
  Path dir;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "output file: .html (interactive page) or .svg (static drawing)")
  Path out;

  @Option(names = "--op", paramLabel = "CLIENT:OPID",
      description = "highlight this operation, e.g. client1:5")
  String op;

  @Option(names = "--from", paramLabel = "N", description = "first position drawn, in the run's "
      + "topological order, 0-based (default: ${DEFAULT-VALUE})")
  int from = 0;

  @Option(names = "--to", paramLabel = "M", description = "first position NOT drawn: the window "
      + "is [N, M) (default: to the end)")
  Integer to;

  @Option(names = "--hide-heartbeats", description = "leave out AppendEntries, AppendEntriesRecv "
      + "and AppendEntriesRes of heartbeats (entries == 0)")
  boolean hideHeartbeats;

  @Option(names = "--hosts", split = ",", paramLabel = "HOST",
      description = "draw only these hosts (comma-separated; default: all)")
  List<String> hosts = List.of();

  @Override
  public Integer call() {
    try {
      RenderOptions options = new RenderOptions(
          op == null ? Optional.empty() : Optional.of(OperationRef.parse(op)),
          from, to == null ? Integer.MAX_VALUE : to, hideHeartbeats, hosts);
      TraceRenderer.Format.of(out);
      List<TraceEvent> events = TraceCommand.read("render", dir);
      if (events == null) {
        return 2;
      }
      RenderSummary summary = TraceRenderer.render(events, options, out, "trace " + dir);
      System.out.println("wrote " + out + ": " + summary.describe());
      return 0;
    } catch (IllegalArgumentException e) {
      return fail(e.getMessage());
    } catch (IOException e) {
      return fail("cannot write " + out + ": " + e.getMessage());
    }
  }

  private static int fail(String message) {
    System.err.println("raftkv trace render: " + message);
    return 2;
  }
}
