package io.raftkv.cli;

import io.raftkv.trace.ShivizLog;
import io.raftkv.trace.TraceCheckResult;
import io.raftkv.trace.TraceChecker;
import io.raftkv.trace.TraceEvent;
import io.raftkv.trace.TraceFormatException;
import io.raftkv.trace.TraceLog;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code raftkv trace}: works on a run's trace directory (the {@code <host>.trace.jsonl} files
 * that servers and clients write with tracing on). Exit codes of the subcommands: 0 done (check:
 * no violations), 1 check found violations, 2 the directory could not be read or is not a
 * consistent trace.
 */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    description = {
        "Work on a run's trace directory: the <host>.trace.jsonl files servers and clients "
            + "write with tracing on."},
    subcommands = {
        TraceCommand.Shiviz.class,
        TraceCommand.Check.class,
        TraceRenderCommand.class})
final class TraceCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.err);
    System.err.println("raftkv trace: name a subcommand");
    return 2;
  }

  /** Reads dir, or prints why not to stderr and returns null. */
  static List<TraceEvent> read(String command, Path dir) {
    String prefix = "raftkv trace " + command + ": ";
    try {
      List<TraceEvent> events = TraceLog.read(dir, w -> System.err.println("warning: " + w));
      if (events.isEmpty()) {
        System.err.println(prefix + "no trace files (*" + TraceLog.SUFFIX
            + ") with events in " + dir);
        return null;
      }
      return events;
    } catch (TraceFormatException e) {
      System.err.println(prefix + "malformed trace: " + e.getMessage());
    } catch (NoSuchFileException e) {
      System.err.println(prefix + "cannot read " + e.getFile() + ": no such file or directory");
    } catch (NotDirectoryException e) {
      System.err.println(prefix + "cannot read " + e.getFile() + ": not a directory");
    } catch (AccessDeniedException e) {
      System.err.println(prefix + "cannot read " + e.getFile() + ": permission denied");
    } catch (IOException e) {
      System.err.println(prefix + "cannot read " + dir + ": " + e);
    }
    return null;
  }

  /** {@code raftkv trace shiviz DIR}. */
  @Command(
      name = "shiviz", header = "Merge a run's trace files into one log for ShiViz.",
      mixinStandardHelpOptions = true,
      description = {
          "Merge a run's trace files into one log for ShiViz "
              + "(https://bestchai.bitbucket.io/shiviz/): paste it there or open the file. "
              + "Events are in an order consistent with their vector clocks."})
  static final class Shiviz implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "the run's trace directory")
    Path dir;

    @Option(names = "--out", paramLabel = "FILE",
        description = "write the log to FILE instead of standard output")
    Path out;

    @Override
    public Integer call() throws IOException {
      List<TraceEvent> events = read("shiviz", dir);
      if (events == null) {
        return 2;
      }
      List<TraceEvent> ordered;
      try {
        ordered = ShivizLog.order(events);
      } catch (IllegalArgumentException e) {
        System.err.println("raftkv trace shiviz: " + dir + " is not a consistent trace: "
            + e.getMessage());
        return 2;
      }
      if (out == null) {
        PrintStream stdout = System.out;
        Writer w = new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8));
        ShivizLog.write(ordered, w);
        w.flush();
        return 0;
      }
      try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
        ShivizLog.write(ordered, w);
      }
      TreeSet<String> hosts = new TreeSet<>();
      events.forEach(e -> hosts.add(e.host()));
      System.out.println("wrote " + events.size() + " events of " + hosts.size() + " hosts "
          + hosts + " to " + out);
      return 0;
    }
  }

  /** {@code raftkv trace check DIR}. */
  @Command(
      name = "check", header = "Check a run's trace against the seed report's tracing rules.",
      mixinStandardHelpOptions = true,
      description = {
          "Check a run's trace against the tracing rules of the seed report (KvslibStart "
              + "first, KvslibStop last, each operation's Send/Recv/Fwd/Result/ResultFwd counts "
              + "and happens-before path, one LeaderElected per term, ServerListening after "
              + "ServerStart) and print each violation with its events. "
              + "Exit code 0: no violations; 1: violations; 2: unreadable trace."})
  static final class Check implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "the run's trace directory")
    Path dir;

    @Override
    public Integer call() {
      List<TraceEvent> events = read("check", dir);
      if (events == null) {
        return 2;
      }
      TraceCheckResult result = TraceChecker.check(events);
      System.out.print(result.report());
      System.out.flush();
      return result.clean() ? 0 : 1;
    }
  }
}
