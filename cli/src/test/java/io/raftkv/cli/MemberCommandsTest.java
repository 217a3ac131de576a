package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftkv.client.OpOptions;
import io.raftkv.client.RaftKvClient;
import io.raftkv.nemesis.launch.Ports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code raftkv member ...}, {@code leader transfer}, {@code status} and {@code cluster
 * add|remove} against real server processes: one cluster grown, changed and shrunk in turn, each
 * step's output and exit code checked.
 */
class MemberCommandsTest {
  @TempDir
  Path tmp;

  RealCluster c;
  final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void down() throws Exception {
    if (c != null) {
      for (LocalMembers.Node n : LocalMembers.load(c.cluster.dir()).nodes()) {
        c.cluster.kill(n.id()); // the nodes cluster add started
      }
      c.close();
    }
  }

  private String servers() {
    return String.join(",", LocalMembers.load(c.cluster.dir()).clientAddresses());
  }

  private KvCommandsTest.Run cli(String command, String sub, String... args) {
    List<String> all = new ArrayList<>(List.of(command, sub, "--servers", servers()));
    all.addAll(List.of(args));
    return KvCommandsTest.cli(all.toArray(new String[0]));
  }

  private JsonNode memberList() throws Exception {
    KvCommandsTest.Run r = cli("member", "list", "-w", "json");
    assertEquals(0, r.code(), r.err());
    return json.readTree(r.out());
  }

  @Test
  void when_the_cluster_is_grown_changed_and_shrunk_then_each_command_says_what_it_did()
      throws Exception {
    c = RealCluster.start(tmp, "MemberCommandsTest", 3, RealCluster.FAST);
    c.awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
    String dir = c.cluster.dir().toString();

    JsonNode list = memberList();
    assertEquals(3, list.get("members").size(), list.toString());
    long index = list.get("config_index").asLong();

    Ports ports = c.cluster.ports();
    String peer9 = "127.0.0.1:" + ports.peer(9);
    String client9 = "127.0.0.1:" + ports.client(9);
    KvCommandsTest.Run stale = cli("member", "add", "9", "--peer-url", peer9, "--client-url",
        client9, "--expect-config-index", String.valueOf(index + 100));
    assertEquals(4, stale.code(), stale.err());
    assertTrue(errorLine(stale.err(), "raftkv member add: refused: CONFIG_INDEX_MISMATCH"),
        stale.err());
    assertEquals(1, stale.err().lines().count(), stale.err());

    KvCommandsTest.Run grown = KvCommandsTest.cli("cluster", "add", "--dir", dir);
    assertEquals(0, grown.code(), grown.text() + grown.err());
    assertTrue(grown.text().contains("server 4 is a voter"), grown.text());
    assertTrue(memberList().get("members").toString().contains("\"id\":4,\"role\":\"voter\""));

    // A learner that never starts cannot catch up: its promotion is refused, named so.
    KvCommandsTest.Run added = cli("member", "add", "9", "--peer-url", peer9, "--client-url",
        client9);
    assertEquals(0, added.code(), added.err());
    assertTrue(added.text().startsWith("added as a learner: member 9"), added.text());
    KvCommandsTest.Run table = cli("member", "list");
    assertTrue(table.text().lines().anyMatch(l -> l.startsWith("9    learner")), table.text());
    KvCommandsTest.Run status = KvCommandsTest.cli("status", "--servers", servers());
    assertEquals(0, status.code(), status.err());
    assertTrue(status.text().contains(": 4 voters, 1 learners"), status.text());
    KvCommandsTest.Run notReady = cli("member", "promote", "9");
    assertEquals(4, notReady.code(), notReady.err());
    assertTrue(errorLine(notReady.err(),
        "raftkv member promote: refused: LEARNER_NOT_READY"),
        notReady.err());
    assertEquals(0, cli("member", "remove", "9").code());
    KvCommandsTest.Run unknown = cli("member", "remove", "77");
    assertEquals(4, unknown.code(), unknown.err());
    assertTrue(unknown.err().contains("INVALID_CHANGE"), unknown.err());

    KvCommandsTest.Run transfer = cli("leader", "transfer", "4");
    assertEquals(0, transfer.code(), transfer.err());
    assertEquals("leader is now 4", transfer.text().strip());

    KvCommandsTest.Run shrunk = KvCommandsTest.cli("cluster", "remove", "1", "--dir", dir);
    assertEquals(0, shrunk.code(), shrunk.err());
    assertTrue(shrunk.text().contains("removed member 1 and stopped its server"), shrunk.text());
    assertEquals(List.of(2, 3, 4), ids(memberList()));

    // A client given the removed server first still works, and stops using it.
    try (RaftKvClient client = RaftKvClient.builder().servers(c.address(1), c.address(2))
        .build()) {
      client.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8),
          OpOptions.defaults().withDeadline(Duration.ofSeconds(10))).join();
    }
    KvCommandsTest.Run missing = KvCommandsTest.cli("cluster", "remove", "1", "--dir", dir);
    assertEquals(2, missing.code(), missing.err());
    assertTrue(missing.err().contains("server 1 is not a member"), missing.err());
  }

  private static List<Integer> ids(JsonNode list) {
    List<Integer> out = new ArrayList<>();
    list.get("members").forEach(m -> out.add(m.get("id").asInt()));
    return out;
  }

  /**
   * Whether the command's error output has a line starting with {@code prefix} (client log lines
   * may precede it when an earlier test in this JVM created the client's loggers at INFO).
   */
  private static boolean errorLine(String err, String prefix) {
    return err.lines().anyMatch(l -> l.startsWith(prefix));
  }
}
