package io.raftkv.cli;

import io.raftkv.client.RaftKvClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code raftkv leader transfer ID}: hands leadership to another voter. */
@Command(name = "leader", mixinStandardHelpOptions = true,
    header = "Hand leadership to another voter.",
    subcommands = {LeaderCommand.Transfer.class})
final class LeaderCommand {
  private LeaderCommand() {}

  @Command(name = "transfer", mixinStandardHelpOptions = true, sortOptions = false,
      header = "Make voter ID the leader.",
      description = {"Asks the leader to hand leadership to voter ID (Raft thesis section "
          + "3.10): it brings ID's log up to date and tells it to campaign at once, so no "
          + "election timeout passes. Prints the new leader once it leads."},
      exitCodeListHeading = MemberCommands.EXIT_HEADING, exitCodeList = {"0:ID leads",
          "2:usage error: nothing was sent",
          "3:no server answered in time, or the transfer did not finish in time",
          "4:refused (INVALID_CHANGE: ID is not a voter)"})
  static final class Transfer extends MemberCommands.MemberBase {
    @Parameters(index = "0", paramLabel = "ID", description = "the voter to lead") int id;

    @Override
    String verb() {
      return "leader transfer";
    }

    @Override
    String method() {
      return "LeaderTransfer";
    }

    @Override
    int run(RaftKvClient client) {
      int leader = await(client.leaderTransfer(MemberCommands.ChangeBase.checkId(id),
          deadline()));
      if (format == KvCommands.Format.json) {
        var o = KvCommands.JSON.createObjectNode();
        o.put("leader_id", leader);
        printJson(o);
      } else {
        System.out.println("leader is now " + leader);
      }
      return CliException.OK;
    }
  }
}
