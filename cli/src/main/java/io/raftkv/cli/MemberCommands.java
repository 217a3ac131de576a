package io.raftkv.cli;

import io.grpc.Status;
import io.raftkv.client.MemberChange;
import io.raftkv.client.MemberList;
import io.raftkv.client.MembershipException;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.RaftKvException;
import io.raftkv.server.HostPort;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code raftkv member list|add|promote|demote|remove}, in the style of {@code etcdctl member}:
 * the Cluster API through {@link RaftKvClient} (to the leader, failover, a deadline), one line and
 * an exit code on failure ({@link CliException}), the refusal's reason named.
 */
@Command(name = "member", mixinStandardHelpOptions = true,
    header = "List and change the cluster's members (voters and learners).",
    description = {"Membership changes go one server at a time: add a learner (it receives the "
        + "log but never votes), promote it once it has caught up, demote a voter, remove a "
        + "member. To replace a dead machine: `member add` the new one (--auto-promote, or "
        + "`member promote` later), start it with `raftkv server --join`, then `member remove` "
        + "the dead one. --expect-config-index N makes a change only if the configuration in "
        + "force is still the one `member list` showed (compare-and-set)."},
    subcommands = {MemberCommands.ListCmd.class, MemberCommands.Add.class,
        MemberCommands.Promote.class, MemberCommands.Demote.class, MemberCommands.Remove.class})
final class MemberCommands {
  private MemberCommands() {}

  static final String EXIT_HEADING = "%nExit codes:%n";

  /** What every membership command shares: its failures named by the cluster's reason. */
  abstract static class MemberBase extends KvCommands.Base {
    @Override
    void check() {
      onlySimpleOrJson();
    }

    @Override
    CliException failure(Throwable t) {
      if (t instanceof MembershipException e) {
        String said = Status.fromThrowable(e.getCause() == null ? e : e.getCause())
            .getDescription();
        if (e.kind() == RaftKvException.Kind.DEADLINE_EXCEEDED) {
          return new CliException(CliException.UNAVAILABLE, "the cluster was still busy after "
              + options.timeoutMillis + " ms: " + said);
        }
        String hint = switch (e.reason()) {
          case CONFIG_INDEX_MISMATCH -> " (run `raftkv member list` for the index in force)";
          case LEARNER_NOT_READY -> " (wait until `raftkv member list` shows it caught up)";
          default -> "";
        };
        return new CliException(CliException.REFUSED, "refused: " + said + hint
            + (e.mayHaveBeenApplied() ? "; an earlier attempt timed out and may have made the "
                + "change: check `raftkv member list`" : ""));
      }
      return super.failure(t);
    }

    /** Prints a change's result: one line, or its JSON. */
    int printChange(String done, int id, CompletableFuture<MemberChange> future) {
      MemberChange change = await(future);
      if (format == KvCommands.Format.json) {
        printJson(MemberOutput.json(change));
      } else {
        System.out.println(MemberOutput.changed(done, id, change));
      }
      return CliException.OK;
    }
  }

  /** A change that may name the configuration it expects (compare-and-set). */
  abstract static class ChangeBase extends MemberBase {
    @Option(names = "--expect-config-index", paramLabel = "N", description = "change only if "
        + "the configuration in force is at log index N (see `raftkv member list`); else "
        + "refused with CONFIG_INDEX_MISMATCH")
    Long expectConfigIndex;

    @Override
    void check() {
      super.check();
      if (expectConfigIndex != null && expectConfigIndex < 0) {
        throw new CliException(CliException.USAGE, "--expect-config-index must not be negative");
      }
    }

    OptionalLong expected() {
      return expectConfigIndex == null ? OptionalLong.empty() : OptionalLong.of(expectConfigIndex);
    }

    /** The address, trimmed, if it is host:port; else a usage error naming {@code option}. */
    static String hostPort(String address, String option) {
      try {
        return HostPort.parse(address.strip()).toString();
      } catch (IllegalArgumentException e) {
        throw new CliException(CliException.USAGE, option + ": " + e.getMessage());
      }
    }

    static int checkId(int id) {
      if (id < 1) {
        throw new CliException(CliException.USAGE, "ID must be a positive member id, got " + id);
      }
      return id;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
      header = "List the members: role, addresses, replication progress.",
      description = {"Lists the configuration in force on the leader: each member's id, role "
          + "(voter or learner), peer and client address, match index and progress (how far "
          + "behind the leader's last index), whether a learner is promoted automatically; and "
          + "the configuration's log index (give it to --expect-config-index) and whether it is "
          + "committed. -w json writes one object."},
      exitCodeListHeading = EXIT_HEADING, exitCodeList = {"0:listed", "2:usage error",
          "3:no server answered in time", "4:refused (not a RaftKV server with membership)"})
  static final class ListCmd extends MemberBase {
    @Override
    String verb() {
      return "member list";
    }

    @Override
    String method() {
      return "MemberList";
    }

    @Override
    int run(RaftKvClient client) {
      MemberList list = await(client.memberList(deadline()));
      if (format == KvCommands.Format.json) {
        printJson(MemberOutput.json(list));
      } else {
        System.out.print(MemberOutput.table(list));
      }
      return CliException.OK;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
      header = "Add a member as a learner.",
      description = {"Adds member ID as a learner: it receives the log but does not vote until "
          + "promoted (by `member promote`, or by the leader itself with --auto-promote once it "
          + "has caught up). Then start it: raftkv server --join <a member's client address> "
          + "--id ID --peer-address <peer> --client-address <client> ..."},
      exitCodeListHeading = EXIT_HEADING, exitCodeList = {"0:the change is committed",
          "2:usage error: nothing was sent",
          "3:no server answered in time, or another change kept the cluster busy; the change "
              + "may have been made (see `raftkv member list`)",
          "4:refused (INVALID_CHANGE, CONFIG_INDEX_MISMATCH): nothing changed"})
  static final class Add extends ChangeBase {
    @Parameters(index = "0", paramLabel = "ID", description = "the new member's id (never a "
        + "current or former member's)")
    int id;

    @Option(names = "--peer-url", required = true, paramLabel = "HOST:PORT",
        description = "where the other members reach it")
    String peerUrl;

    @Option(names = "--client-url", required = true, paramLabel = "HOST:PORT",
        description = "where clients reach it")
    String clientUrl;

    @Option(names = "--auto-promote", description = "let the leader promote it to voter by "
        + "itself once it has caught up")
    boolean autoPromote;

    @Override
    String verb() {
      return "member add";
    }

    @Override
    String method() {
      return "MemberAdd";
    }

    @Override
    void check() {
      super.check();
      checkId(id);
      peerUrl = hostPort(peerUrl, "--peer-url");
      clientUrl = hostPort(clientUrl, "--client-url");
    }

    @Override
    int run(RaftKvClient client) {
      return printChange("added as a learner:", id, client.memberAdd(id, peerUrl, clientUrl,
          autoPromote, expected(), deadline()));
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true, sortOptions = false,
      header = "Make a caught-up learner a voter.",
      description = {"Promotes learner ID to voter. Refused with LEARNER_NOT_READY while it "
          + "is behind the leader (see the progress column of `member list`)."},
      exitCodeListHeading = EXIT_HEADING, exitCodeList = {"0:the change is committed",
          "2:usage error: nothing was sent",
          "3:no server answered in time, or another change kept the cluster busy",
          "4:refused (LEARNER_NOT_READY, INVALID_CHANGE, CONFIG_INDEX_MISMATCH): nothing "
              + "changed"})
  static final class Promote extends ChangeBase {
    @Parameters(index = "0", paramLabel = "ID", description = "the learner's id") int id;

    @Override
    String verb() {
      return "member promote";
    }

    @Override
    String method() {
      return "MemberPromote";
    }

    @Override
    int run(RaftKvClient client) {
      return printChange("promoted to voter:", checkId(id),
          client.memberPromote(id, expected(), deadline()));
    }
  }

  @Command(name = "demote", mixinStandardHelpOptions = true, sortOptions = false,
      header = "Make a voter a learner.",
      description = {"Demotes voter ID to learner: it keeps receiving the log but no longer "
          + "votes or counts in any quorum."},
      exitCodeListHeading = EXIT_HEADING, exitCodeList = {"0:the change is committed",
          "2:usage error: nothing was sent",
          "3:no server answered in time, or another change kept the cluster busy",
          "4:refused (INVALID_CHANGE, CONFIG_INDEX_MISMATCH): nothing changed"})
  static final class Demote extends ChangeBase {
    @Parameters(index = "0", paramLabel = "ID", description = "the voter's id") int id;

    @Override
    String verb() {
      return "member demote";
    }

    @Override
    String method() {
      return "MemberDemote";
    }

    @Override
    int run(RaftKvClient client) {
      return printChange("demoted to learner:", checkId(id),
          client.memberDemote(id, expected(), deadline()));
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, sortOptions = false,
      header = "Remove a member.",
      description = {"Removes member ID (the leader too: it hands leadership to the most "
          + "up-to-date voter once the change commits). The removed server stops serving; its "
          + "id is never reused."},
      exitCodeListHeading = EXIT_HEADING, exitCodeList = {"0:the change is committed",
          "2:usage error: nothing was sent",
          "3:no server answered in time, or another change kept the cluster busy",
          "4:refused (INVALID_CHANGE, CONFIG_INDEX_MISMATCH): nothing changed"})
  static final class Remove extends ChangeBase {
    @Parameters(index = "0", paramLabel = "ID", description = "the member's id") int id;

    @Override
    String verb() {
      return "member remove";
    }

    @Override
    String method() {
      return "MemberRemove";
    }

    @Override
    int run(RaftKvClient client) {
      return printChange("removed", checkId(id), client.memberRemove(id, expected(), deadline()));
    }
  }
}
