package io.raftkv.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftkv.api.MemberRoles;
import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.StatusResponse;
import io.raftkv.client.OpOptions;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.Routing;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;

/**
 * {@code raftkv status}: the members as the leader sees them (voters and learners, the
 * configuration index, each learner's catch-up), as a table or JSON.
 */
final class StatusCommand {
  private StatusCommand() {}

  @Command(name = "status",
      header = "Show the cluster's members (voters and learners) as the leader sees them.",
      mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Show the cluster's members, roles (voter or learner), terms and indexes, "
          + "the configuration index, and each learner's catch-up progress, as the leader sees "
          + "them (only the leader knows each member's match index), and which server answered. "
          + "Without a leader, or if the leader does not answer, shows what the first server "
          + "that answers knows."},
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
          "0:a server answered", "2:usage error", "3:no server answered in time"})
  static final class StatusCmd extends KvCommands.Base {
    @Override
    String verb() {
      return "status";
    }

    @Override
    String method() {
      return "Status";
    }

    @Override
    void check() {
      onlySimpleOrJson();
    }

    @Override
    int run(RaftKvClient client) {
      StatusResponse r = await(client.status(deadline()));
      String note = "";
      int leader = r.getLeaderId();
      if (leader != 0 && r.getHeader().getServerId() != leader) {
        Optional<String> address = r.getMembersList().stream().filter(m -> m.getId() == leader)
            .map(MemberStatus::getClientAddress).findFirst();
        long left = options.timeoutMillis
            - (System.nanoTime() - startNanos) / 1_000_000;
        if (address.isPresent() && left > 0) {
          try (RaftKvClient direct = RaftKvClient.builder().servers(address.get())
              .routing(Routing.LISTED).perAttemptTimeout(Duration.ofMillis(left)).build()) {
            r = direct.status(OpOptions.defaults().withDeadline(Duration.ofMillis(left))).join();
          } catch (RuntimeException e) {
            note = "the leader (server " + leader + ") did not answer, so match indexes are "
                + "unknown";
          }
        }
      }
      if (format == KvCommands.Format.json) {
        printJson(json(r, note));
      } else {
        System.out.print(table(r));
        if (!note.isEmpty()) {
          System.out.println("(" + note + ")");
        }
      }
      return CliException.OK;
    }
  }


  /** The member's role: the Raft role, or REMOVED for a server that was removed. */
  static String role(MemberStatus m) {
    return m.getRemoved() ? "REMOVED" : MemberRoles.of(m).name();
  }

  /** The leader's commit index in this Status, if the leader is among its members. */
  static Optional<Long> leaderCommit(StatusResponse r) {
    return r.getMembersList().stream().filter(m -> m.getId() == r.getLeaderId())
        .map(MemberStatus::getCommitIndex).findFirst();
  }

  /**
   * A learner's catch-up progress: its match index against the leader's commit index, like
   * {@code 850/1000 (85%)}; {@code -} for voters and when the answer does not say.
   */
  static String catchUp(StatusResponse r, MemberStatus m) {
    Optional<Long> commit = leaderCommit(r);
    if (!m.getLearner() || commit.isEmpty() || commit.get() == 0 || m.getMatchIndex() == 0) {
      return "-";
    }
    long match = Math.min(m.getMatchIndex(), commit.get());
    return match + "/" + commit.get() + " (" + (match * 100 / commit.get()) + "%)";
  }

  static ObjectNode json(StatusResponse r, String note) {
    ObjectNode o = KvCommands.JSON.createObjectNode();
    o.put("cluster_id", r.getClusterId());
    o.put("leader_id", r.getLeaderId());
    o.put("term", r.getTerm());
    o.put("config_index", r.getConfigIndex());
    o.put("answered_by", r.getHeader().getServerId());
    if (!note.isEmpty()) {
      o.put("note", note);
    }
    var members = o.putArray("members");
    for (MemberStatus m : r.getMembersList()) {
      ObjectNode j = members.addObject();
      j.put("id", m.getId());
      j.put("role", role(m));
      j.put("learner", m.getLearner());
      j.put("client_address", m.getClientAddress());
      j.put("peer_address", m.getPeerAddress());
      j.put("healthy", m.getHealthy());
      j.put("term", m.getTerm());
      j.put("commit_index", m.getCommitIndex());
      j.put("applied_index", m.getAppliedIndex());
      j.put("match_index", m.getMatchIndex());
      j.put("state_hash", String.format("%016x", m.getStateHash()));
      j.put("forwarded_requests", m.getForwardedRequests());
      String progress = catchUp(r, m);
      if (!progress.equals("-")) {
        j.put("catch_up", progress);
      }
    }
    return o;
  }

  static String table(StatusResponse r) {
    int answered = r.getHeader().getServerId();
    String from = r.getMembersList().stream().filter(m -> m.getId() == answered)
        .map(m -> " at " + m.getClientAddress()).findFirst().orElse("");
    long voters = r.getMembersList().stream().filter(m -> !m.getLearner()).count();
    StringBuilder sb = new StringBuilder(String.format("cluster %s  leader %d  term %d  "
        + "configuration index %d: %d voters, %d learners  (answered by server %d%s)%n",
        r.getClusterId(), r.getLeaderId(), r.getTerm(), r.getConfigIndex(), voters,
        r.getMembersCount() - voters, answered, from));
    // New columns go last, so scripts reading the earlier ones by position keep working.
    String row = "%-4s %-14s %-20s %6s %9s %9s %9s %9s  %-16s  %-8s %s%n";
    sb.append(String.format(row, "id", "role", "client", "term", "commit", "applied", "match",
        "lag", "state hash", "member", "catch-up"));
    long maxApplied = r.getMembersList().stream().mapToLong(MemberStatus::getAppliedIndex).max()
        .orElse(0);
    for (MemberStatus m : r.getMembersList()) {
      boolean up = m.getHealthy();
      sb.append(String.format(row, m.getId(), role(m), m.getClientAddress(),
          up ? m.getTerm() : "-", up ? m.getCommitIndex() : "-",
          up ? m.getAppliedIndex() : "-", m.getMatchIndex() > 0 ? m.getMatchIndex() : "-",
          up ? maxApplied - m.getAppliedIndex() : "-",
          up ? String.format("%016x", m.getStateHash()) : "-",
          m.getLearner() ? "learner" : "voter", catchUp(r, m)));
    }
    return sb.toString();
  }
}
