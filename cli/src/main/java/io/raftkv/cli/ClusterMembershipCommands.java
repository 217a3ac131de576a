package io.raftkv.cli;

import io.raftkv.client.ClusterMember;
import io.raftkv.client.MemberList;
import io.raftkv.client.OpOptions;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.RaftKvException;
import io.raftkv.nemesis.launch.Ports;
import io.raftkv.nemesis.launch.ServerLauncher;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code raftkv cluster add|remove}: grow and shrink the local cluster {@code raftkv cluster up}
 * runs, through the Cluster API, keeping {@link LocalMembers} ({@code members.json}) up to date.
 */
final class ClusterMembershipCommands {
  private ClusterMembershipCommands() {}

  /**
   * A launcher for the directory's nodes on the cluster's ports (every local member listens on
   * client base + id and peer base + id), joiners started with their {@code --join}.
   */
  static ServerLauncher launcher(Path dir, LocalMembers members) {
    return LocalCluster.launcher(dir, LocalCluster.MAX_NODES).ports(members.ports())
        .joinArgs(members::joinArgs).build();
  }

  static RaftKvClient client(List<String> servers) {
    return RaftKvClient.builder().servers(servers).perAttemptTimeout(Duration.ofSeconds(2))
        .build();
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = {"Start a new server for the local cluster (the next id never used in "
          + "--dir, on the cluster's ports: clients on 127.0.0.1:70ID, peers on :71ID for "
          + "`cluster up`'s): it joins the running cluster "
          + "with `raftkv server --join`, is added as a learner, catches up, and is promoted; "
          + "the command waits until it is a voter."},
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:the new server is a voter",
          "1:it did not become a voter in time (it may still; see raftkv member list)",
          "2:no cluster in --dir, or no id left"})
  static final class Add implements Callable<Integer> {
    @Option(names = "--dir", description = "the directory `raftkv cluster up` was given "
        + "(default: " + ClusterCommand.DEFAULT_DIR + ")")
    Path dir = Path.of(ClusterCommand.DEFAULT_DIR);

    @Option(names = "--timeout-ms", paramLabel = "MS", description = "how long to wait for it "
        + "to become a voter (default: ${DEFAULT-VALUE})")
    long timeoutMillis = 60_000;

    @Override
    public Integer call() throws IOException, InterruptedException {
      LocalMembers members;
      int id;
      try {
        members = LocalMembers.load(dir);
        id = members.nextId(dir);
        if (id > members.maxId()) {
          throw new CliException(CliException.USAGE, "no id left: this local cluster's ports "
              + "allow ids up to " + members.maxId());
        }
      } catch (CliException e) {
        System.err.println("raftkv cluster add: " + e.getMessage());
        return e.exitCode();
      }
      List<String> existing = members.clientAddresses();
      Ports ports = members.ports();
      members.put(new LocalMembers.Node(id, LocalCluster.HOST + ":" + ports.peer(id),
          LocalCluster.HOST + ":" + ports.client(id), true));
      members.save(dir);
      ServerLauncher launcher = launcher(dir, members);
      Process p = launcher.start(id);
      System.out.println("started server " + id + " (clients on " + launcher.clientAddress(id)
          + "); waiting until it is a voter");
      Optional<String> failed = awaitVoter(id, p, launcher, existing);
      if (failed.isPresent()) {
        System.err.println("raftkv cluster add: " + failed.get());
        return 1;
      }
      System.out.println("server " + id + " is a voter");
      return 0;
    }

    /** Empty once {@code id} is a voter; else why it is not. */
    private Optional<String> awaitVoter(int id, Process p, ServerLauncher launcher,
        List<String> servers) throws InterruptedException {
      long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
      String last = "no answer yet";
      try (RaftKvClient client = client(servers)) {
        while (System.nanoTime() < deadline) {
          if (!p.isAlive()) {
            String[] lines = launcher.logSince(id, 0).strip().split("\n");
            return Optional.of("server " + id + " exited (code " + p.exitValue() + "): "
                + lines[lines.length - 1].strip());
          }
          try {
            MemberList list = client.memberList(OpOptions.defaults()
                .withDeadline(Duration.ofSeconds(5))).join();
            Optional<ClusterMember> me = list.members().stream().filter(m -> m.id() == id)
                .findFirst();
            if (me.isPresent() && !me.get().learner()) {
              return Optional.empty();
            }
            last = me.isPresent() ? "a learner, " + MemberOutput.progress(list, me.get())
                : "not a member yet";
          } catch (CompletionException e) {
            last = e.getCause() instanceof RaftKvException k ? k.getMessage() : e.toString();
          }
          Thread.sleep(200);
        }
      }
      return Optional.of("server " + id + " is not a voter after " + timeoutMillis + " ms ("
          + last + "); see " + launcher.logFile(id));
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = {"Remove member N from the local cluster (raftkv member remove) and stop "
          + "its server. Its data stays in --dir; its id is never used again."},
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:removed and stopped",
          "2:no cluster in --dir, or N is not one of its members",
          "3:no server answered in time; the removal may have been made",
          "4:refused (the last voter, a change in progress...)"})
  static final class Remove implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "N") int id;

    @Option(names = "--dir", description = "the directory `raftkv cluster up` was given "
        + "(default: " + ClusterCommand.DEFAULT_DIR + ")")
    Path dir = Path.of(ClusterCommand.DEFAULT_DIR);

    @Option(names = "--timeout-ms", paramLabel = "MS", description = "how long the removal "
        + "may take (default: ${DEFAULT-VALUE})")
    long timeoutMillis = 10_000;

    @Override
    public Integer call() throws IOException {
      try {
        LocalMembers members = LocalMembers.load(dir);
        if (members.get(id) == null) {
          throw new CliException(CliException.USAGE, "server " + id + " is not a member of the "
              + "local cluster in " + dir + " (members: " + members.nodes().stream()
                  .map(n -> String.valueOf(n.id())).reduce((a, b) -> a + ", " + b).orElse("")
              + ")");
        }
        try (RaftKvClient client = client(members.clientAddresses())) {
          client.memberRemove(id, java.util.OptionalLong.empty(), OpOptions.defaults()
              .withDeadline(Duration.ofMillis(timeoutMillis))).join();
        } catch (CompletionException e) {
          throw removeFailed(e.getCause());
        }
        members.remove(id);
        members.save(dir);
        boolean killed = launcher(dir, members).kill(id);
        System.out.println("removed member " + id + (killed ? " and stopped its server"
            : " (its server was not running)"));
        return 0;
      } catch (CliException e) {
        System.err.println("raftkv cluster remove: " + e.getMessage());
        return e.exitCode();
      }
    }

    private CliException removeFailed(Throwable t) {
      if (!(t instanceof RaftKvException e)) {
        return new CliException(CliException.INTERNAL, String.valueOf(t));
      }
      boolean refused = e.kind() == RaftKvException.Kind.INVALID_ARGUMENT
          || e.kind() == RaftKvException.Kind.FAILED_PRECONDITION;
      return new CliException(refused ? CliException.REFUSED : CliException.UNAVAILABLE,
          e.getMessage());
    }
  }
}
