package io.raftkv.cli;

import io.raftkv.server.ServerLogging;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code raftkv} command: one entry point, one subcommand per job. */
@Command(
    name = "raftkv",
    mixinStandardHelpOptions = true,
    version = "raftkv 0.1.0",
    description = "RaftKV: a fault-tolerant, replicated key-value store built on Raft.",
    exitCodeListHeading = "%nExit codes of put, get, delete and status (other commands say "
        + "theirs in their --help):%n",
    exitCodeList = {
        "0:the command did what it was asked",
        "1:get, delete: the key does not exist (nothing on standard output)",
        "2:usage or configuration error (bad option, bad --servers): nothing was sent",
        "3:no server answered in time (down, unreachable, no leader yet); a write may have "
            + "been applied",
        "4:a server refused the request (too large, not a RaftKV server); nothing was applied",
        "5:an internal error (a bug; RAFTKV_DEBUG=1 shows its stack trace)"},
    subcommands = {
        ServerCommand.class,
        ClusterCommand.class,
        KvCommands.Put.class,
        KvCommands.Get.class,
        KvCommands.Delete.class,
        StatusCommand.StatusCmd.class,
        MemberCommands.class,
        LeaderCommand.class,
        SimCommand.class,
        BenchCommand.class,
        BenchRestartCommand.class,
        NemesisCommand.class,
        TraceCommand.class,
        io.raftkv.cli.demo.DemoCommand.class,
        CommandLine.HelpCommand.class})
public final class Main {
  /**
   * gRPC and Netty log through java.util.logging, which prints multi-line records with stack
   * traces on standard error (a failed name resolution, a refused connection). The key-value
   * commands say what went wrong in one line of their own, so these loggers are turned off for
   * them; held here because java.util.logging keeps loggers only weakly.
   */
  private static final List<Logger> QUIET = List.of(Logger.getLogger("io.grpc"),
      Logger.getLogger("io.grpc.netty.shaded.io.netty"), Logger.getLogger("io.netty"));

  private static final List<String> CLIENT_COMMANDS = List.of("put", "get", "delete", "status",
      "member", "leader");

  private Main() {}

  public static void main(String[] args) {
    // One log backend: gRPC's java.util.logging output (and storage's, in `server`) goes to SLF4J.
    ServerLogging.routeJavaUtilLogging();
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (for tests). */
  static int run(String... args) {
    if (args.length > 0 && CLIENT_COMMANDS.contains(args[0])) {
      QUIET.forEach(l -> l.setLevel(Level.OFF));
      // The client's own INFO lines (each failover) would repeat what the one error line says.
      System.setProperty("org.slf4j.simpleLogger.log.io.raftkv.client", "warn");
    }
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      // One line, never a stack trace, unless asked for.
      System.err.println("raftkv " + line.getCommandName() + ": internal error: " + e);
      if (System.getenv("RAFTKV_DEBUG") != null) {
        e.printStackTrace();
      }
      return CLIENT_COMMANDS.contains(line.getCommandName()) ? CliException.INTERNAL
          : line.getCommandSpec().exitCodeOnExecutionException();
    });
    return cli.execute(args);
  }
}
