package io.raftkv.cli;

import io.raftkv.nemesis.launch.ServerLauncher;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The tracing options of commands that start server processes ({@code cluster up}, {@code
 * cluster restart}): passed on to each {@code raftkv server} as {@code --trace-dir} and {@code
 * --trace-heartbeats}.
 */
final class TraceSwitches {
  @Option(names = "--trace-dir", paramLabel = "DIR", description = "servers record traces in "
      + "DIR (serverN.trace.jsonl, raftN.trace.jsonl); off by default")
  Path traceDir;

  @Option(names = "--trace-heartbeats", description = "with --trace-dir, also record heartbeats "
      + "and empty AppendEntries")
  boolean traceHeartbeats;

  ServerLauncher.Builder apply(ServerLauncher.Builder servers) {
    return servers.trace(traceDir, traceHeartbeats);
  }
}
