package io.raftkv.cli;

import io.raftkv.server.ServerLogging;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code raftkv} command: one entry point, one subcommand per job. */
@Command(
    name = "raftkv",
    mixinStandardHelpOptions = true,
    version = "raftkv 0.1.0",
    description = "RaftKV: a fault-tolerant, replicated key-value store built on Raft.",
    subcommands = {
        ServerCommand.class,
        ClusterCommand.class,
        KvCommands.Put.class,
        KvCommands.Get.class,
        KvCommands.Delete.class,
        KvCommands.StatusCmd.class,
        SimCommand.class,
        BenchCommand.class,
        BenchRestartCommand.class,
        NemesisCommand.class,
        TraceCommand.class,
        io.raftkv.cli.demo.DemoCommand.class,
        CommandLine.HelpCommand.class})
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // One log backend: gRPC's java.util.logging output (and storage's, in `server`) goes to SLF4J.
    ServerLogging.routeJavaUtilLogging();
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (for tests). */
  static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }
}
