package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.api.v1.MemberStatus;
import io.raftkv.api.v1.ResponseHeader;
import io.raftkv.api.v1.Role;
import io.raftkv.api.v1.StatusResponse;
import io.raftkv.client.ClusterMember;
import io.raftkv.client.MemberChange;
import io.raftkv.client.MemberList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How member, status and the local members file print and parse, without servers. */
class MemberOutputTest {
  @TempDir
  Path tmp;

  static final MemberList LIST = new MemberList(12, true, List.of(
      new ClusterMember(1, "127.0.0.1:7101", "127.0.0.1:7001", false, false),
      new ClusterMember(2, "127.0.0.1:7102", "127.0.0.1:7002", false, false),
      new ClusterMember(4, "127.0.0.1:7104", "127.0.0.1:7004", true, true)),
      Map.of(2, 40L, 4, 25L), 40, 1);

  @Test
  void theMemberTableShowsRolesAddressesAndProgress() {
    List<String> lines = MemberOutput.table(LIST).lines().toList();
    assertEquals("configuration index 12 (committed)  leader 1  leader last index 40",
        lines.get(0));
    assertTrue(lines.get(2).matches("1 +voter +127\\.0\\.0\\.1:7101 +127\\.0\\.0\\.1:7001 +- +"
        + "leader +-"), lines.get(2));
    assertTrue(lines.get(3).matches("2 +voter .* 40 +caught up +-"), lines.get(3));
    assertTrue(lines.get(4).matches("4 +learner .* 25 +15 behind +yes"), lines.get(4));
  }

  @Test
  void theMemberJsonHasEveryField() {
    String j = MemberOutput.json(LIST).toString();
    assertTrue(j.startsWith("{\"config_index\":12,\"config_committed\":true,\"leader_id\":1,"
        + "\"leader_last_index\":40,\"members\":["), j);
    assertTrue(j.contains("{\"id\":4,\"role\":\"learner\",\"peer_address\":\"127.0.0.1:7104\","
        + "\"client_address\":\"127.0.0.1:7004\",\"auto_promote\":true,\"match_index\":25}"), j);
    assertTrue(j.contains("\"auto_promote\":false,\"match_index\":null}"), j);
  }

  @Test
  void aChangeIsOneLine() {
    MemberChange change = new MemberChange(13, LIST.members(), 1);
    assertEquals("added as a learner: member 4 (configuration index 13; 1 voter, 2 voter, "
        + "4 learner)", MemberOutput.changed("added as a learner:", 4, change));
  }

  @Test
  void statusShowsVotersLearnersTheConfigurationAndCatchUp() {
    StatusResponse r = StatusResponse.newBuilder().setClusterId("local").setLeaderId(1).setTerm(3)
        .setConfigIndex(12).setHeader(ResponseHeader.newBuilder().setServerId(1))
        .addMembers(MemberStatus.newBuilder().setId(1).setRaftRole(Role.LEADER).setHealthy(true)
            .setCommitIndex(200).setAppliedIndex(200).setClientAddress("127.0.0.1:7001"))
        .addMembers(MemberStatus.newBuilder().setId(4).setRaftRole(Role.FOLLOWER).setLearner(true)
            .setHealthy(true).setCommitIndex(150).setMatchIndex(150)
            .setClientAddress("127.0.0.1:7004"))
        .build();
    String table = StatusCommand.table(r);
    assertTrue(table.startsWith("cluster local  leader 1  term 3  configuration index 12: "
        + "1 voters, 1 learners  (answered by server 1 at 127.0.0.1:7001)"), table);
    assertTrue(table.lines().anyMatch(l -> l.matches("4 +FOLLOWER +127.0.0.1:7004 .* learner +150/200 \\(75%\\)")),
        table);
    String json = StatusCommand.json(r, "").toString();
    assertTrue(json.contains("\"config_index\":12"), json);
    assertTrue(json.contains("\"learner\":true") && json.contains("\"catch_up\":\"150/200 (75%)\""),
        json);
  }

  @Test
  void theLocalMembersFileRoundTripsAndNeverReusesIds() throws Exception {
    Files.writeString(tmp.resolve("cluster.json"), LocalCluster.configJson("local", 3, null,
        7000, 7100));
    LocalMembers m = LocalMembers.load(tmp);
    assertEquals(List.of("127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003"),
        m.clientAddresses());
    assertEquals(99, m.maxId());
    Files.createDirectories(tmp.resolve("node-5"));
    assertEquals(6, m.nextId(tmp), "node-5's directory is there: 5 was used");
    m.put(new LocalMembers.Node(6, "127.0.0.1:7106", "127.0.0.1:7006", true));
    m.remove(1);
    m.save(tmp);

    LocalMembers back = LocalMembers.load(tmp);
    assertEquals(List.of(2, 3, 6), back.nodes().stream().map(LocalMembers.Node::id).toList());
    assertEquals(List.of("--join", "127.0.0.1:7002,127.0.0.1:7003", "--peer-address",
        "127.0.0.1:7106", "--client-address", "127.0.0.1:7006"), back.joinArgs(6));
    assertEquals(List.of(), back.joinArgs(2), "a bootstrap member starts from the cluster file");
    assertEquals(List.of("127.0.0.1:7002", "127.0.0.1:7003", "127.0.0.1:7006"),
        Endpoints.resolve(null, null, tmp.resolve("cluster.json")).servers());
  }

  @Test
  void badMemberArgumentsAreOneLineUsageErrors() {
    KvCommandsTest.Run badUrl = KvCommandsTest.cli("member", "add", "4", "--peer-url", "nohost",
        "--client-url", "127.0.0.1:7004", "--servers", "127.0.0.1:1");
    assertEquals(2, badUrl.code(), badUrl.err());
    assertTrue(badUrl.err().startsWith("raftkv member add: --peer-url: "), badUrl.err());
    assertEquals(1, badUrl.err().lines().count(), badUrl.err());

    KvCommandsTest.Run badId = KvCommandsTest.cli("member", "remove", "0", "--servers",
        "127.0.0.1:1");
    assertEquals(2, badId.code(), badId.err());
    assertEquals("raftkv member remove: ID must be a positive member id, got 0",
        badId.err().strip());

    KvCommandsTest.Run noCluster = KvCommandsTest.cli("cluster", "remove", "2", "--dir",
        tmp.resolve("none").toString());
    assertEquals(2, noCluster.code(), noCluster.err());
    assertTrue(noCluster.err().startsWith("raftkv cluster remove: no cluster in "),
        noCluster.err());
  }
}
