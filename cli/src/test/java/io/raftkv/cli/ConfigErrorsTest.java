package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.server.ClusterConfig;
import io.raftkv.server.ClusterConfigLoader;
import io.raftkv.server.ConfigException;
import io.raftkv.server.RaftKvServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every configuration error is refused, naming the field it is in; the server command stops with
 * exit code 2 and says why.
 */
class ConfigErrorsTest {
  @TempDir
  Path tmp;

  static final String M1 = "{\"id\": 1, \"peerAddress\": \"127.0.0.1:17101\", "
      + "\"clientAddress\": \"127.0.0.1:17001\"}";
  static final String M2 = "{\"id\": 2, \"peerAddress\": \"127.0.0.1:17102\", "
      + "\"clientAddress\": \"127.0.0.1:17002\"}";

  static String config(String members) {
    return "{\"clusterId\": \"t\", \"members\": [" + members + "]}";
  }

  static String configWithOptions(String options) {
    return "{\"clusterId\": \"t\", \"members\": [" + M1 + "], \"options\": " + options + "}";
  }

  /** Parses {@code json}, expects a refusal, and checks its message holds every fragment. */
  static String refused(String json, String... fragments) {
    ConfigException e = assertThrows(ConfigException.class, () -> ClusterConfigLoader.parse(json));
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
    }
    return e.getMessage();
  }

  @Test
  void when_the_config_is_valid_then_it_loads() {
    ClusterConfig c = ClusterConfigLoader.parse(config(M1 + "," + M2));
    assertEquals(2, c.members().size());
  }

  @Test
  void when_peer_routes_are_given_then_they_load_and_bad_ones_are_named() {
    String base = "{\"clusterId\": \"t\", \"members\": [" + M1 + "], \"peerRoutes\": ";
    ClusterConfig c = ClusterConfigLoader.parse(base + "{\"2\": \"127.0.0.1:19002\"}}");
    assertEquals("127.0.0.1:19002", c.peerRoutes().get(2).toString());
    refused(base + "{\"x\": \"127.0.0.1:1\"}}", "peerRoutes.x", "not a positive node id");
    refused(base + "{\"2\": \"nowhere\"}}", "peerRoutes.2", "is not host:port");
    refused(base + "[1]}", "peerRoutes: must be an object");
  }

  @Test
  void when_a_field_is_missing_then_the_error_names_it() {
    refused("{\"members\": [" + M1 + "]}", "clusterId: missing");
    refused("{\"clusterId\": \"t\"}", "members: missing");
    refused(config(M1 + ", {\"peerAddress\": \"127.0.0.1:17102\", "
        + "\"clientAddress\": \"127.0.0.1:17002\"}"), "members[1].id: missing");
    refused(config(M1 + ", {\"id\": 2, \"clientAddress\": \"127.0.0.1:17002\"}"),
        "members[1].peerAddress: missing");
    refused(config(M1 + ", {\"id\": 2, \"peerAddress\": \"127.0.0.1:17102\"}"),
        "members[1].clientAddress: missing");
  }

  @Test
  void when_an_id_is_repeated_then_the_error_names_both_members() {
    refused(config(M1 + ", " + M2.replace("\"id\": 2", "\"id\": 1")),
        "members[1].id", "already the id of members[0]");
  }

  @Test
  void when_an_address_is_repeated_then_the_error_names_both_fields() {
    refused(config(M1 + ", " + M2.replace("127.0.0.1:17102", "127.0.0.1:17101")),
        "members[1].peerAddress", "already used by members[0].peerAddress");
    // A client address equal to another member's peer address collides too.
    refused(config(M1 + ", " + M2.replace("127.0.0.1:17002", "127.0.0.1:17101")),
        "members[1].clientAddress", "already used by members[0].peerAddress");
  }

  @Test
  void when_an_address_is_bad_then_the_error_names_the_field_and_the_problem() {
    refused(config(M1.replace("127.0.0.1:17101", "127.0.0.1")),
        "members[0].peerAddress", "is not host:port");
    refused(config(M1.replace("127.0.0.1:17101", "127.0.0.1:70000")),
        "members[0].peerAddress", "70000", "outside 1..65535");
    refused(config(M1.replace("127.0.0.1:17001", "127.0.0.1:http")),
        "members[0].clientAddress", "not a number");
    refused(config(M1.replace("127.0.0.1:17001", "%%%:garbage:!")),
        "members[0].clientAddress");
    refused(config(M1.replace("127.0.0.1:17001", "")), "members[0].clientAddress", "empty");
    refused(config(M1.replace("\"127.0.0.1:17001\"", "17001")),
        "members[0].clientAddress", "must be a string");
    refused(config(M1.replace("\"id\": 1", "\"id\": 0")), "members[0].id",
        "not a positive whole number");
  }

  @Test
  void when_there_are_no_members_then_n_below_one_is_refused() {
    refused(config(""), "members: empty", "N >= 1");
    refused("{\"clusterId\": \"t\", \"members\": {}}", "members: must be a list");
  }

  @Test
  void when_a_field_is_unknown_or_an_option_out_of_range_then_the_error_names_it() {
    refused(config(M1.replace("{\"id\": 1", "{\"port\": 3, \"id\": 1")),
        "members[0].port: unknown field");
    refused("{\"clusterId\": \"t\", \"member\": [" + M1 + "]}", "member: unknown field");
    refused(configWithOptions("{\"tickMilis\": 20}"), "options.tickMilis: unknown field");
    refused(configWithOptions("{\"heartbeatTicks\": 10, \"electionTicks\": 10}"),
        "options.heartbeatTicks", "must be smaller than electionTicks");
    refused(configWithOptions("{\"tickMillis\": 0}"), "options.tickMillis");
    refused(configWithOptions("{\"snapshotEntries\": -1}"), "options.snapshotEntries");
  }

  @Test
  void when_several_fields_are_wrong_then_every_problem_is_listed() {
    String msg = refused(config(M1.replace("127.0.0.1:17101", "x") + ", "
        + M2.replace("\"id\": 2", "\"id\": 1")), "2 problems", "members[0].peerAddress",
        "members[1].id");
    assertTrue(msg.contains("\n"), msg);
  }

  @Test
  void when_the_file_is_not_json_then_the_error_says_where() {
    refused("{\"clusterId\": ", "not valid JSON", "line 1");
  }

  // ---- through the server command: exit code 2 and the reason on stderr

  record Run(int code, String err) {}

  static synchronized Run server(String... args) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      String[] all = new String[args.length + 1];
      all[0] = "server";
      System.arraycopy(args, 0, all, 1, args.length);
      int code = Main.run(all);
      return new Run(code, buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(old);
    }
  }

  @Test
  void when_the_server_gets_a_bad_config_then_it_exits_2_naming_the_file_and_field()
      throws Exception {
    Path f = tmp.resolve("bad.json");
    Files.writeString(f, config(M1 + ", " + M2.replace("\"id\": 2", "\"id\": 1")));
    Run r = server("--cluster", f.toString(), "--id", "1", "--data-dir",
        tmp.resolve("d").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("bad.json") && r.err().contains("members[1].id"), r.err());

    Run missing = server("--cluster", tmp.resolve("nope.json").toString(), "--id", "1",
        "--data-dir", tmp.resolve("d").toString());
    assertEquals(2, missing.code(), missing.err());
    assertTrue(missing.err().contains("no such file"), missing.err());
  }

  /**
   * Issue 12.A: an empty data directory is either a new cluster's member or a member that lost
   * its data, and only the operator knows which; the server refuses to guess (one line, exit 2),
   * creating nothing.
   */
  @Test
  void when_the_data_directory_is_empty_and_no_initial_state_is_said_then_the_server_exits_2()
      throws Exception {
    Path f = tmp.resolve("ok.json");
    Files.writeString(f, config(M1 + ", " + M2));
    Path d = tmp.resolve("empty");
    Run r = server("--cluster", f.toString(), "--id", "1", "--data-dir", d.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--initial-cluster-state new") && r.err().contains("existing"),
        r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(!Files.exists(d), "nothing was created");
    Run bad = server("--cluster", f.toString(), "--id", "1", "--data-dir", d.toString(),
        "--initial-cluster-state", "old");
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("must be 'new' or 'existing', not 'old'"), bad.err());
  }

  @Test
  void when_the_id_is_not_a_member_then_the_server_exits_2_listing_the_members()
      throws Exception {
    Path f = tmp.resolve("ok.json");
    Files.writeString(f, config(M1 + ", " + M2));
    Run r = server("--cluster", f.toString(), "--id", "9", "--data-dir",
        tmp.resolve("d9").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--id 9 is not a member") && r.err().contains("[1, 2]"), r.err());
  }

  @Test
  void when_the_data_dir_belongs_to_another_node_then_the_server_exits_2_saying_so()
      throws Exception {
    int base = 20_000 + new java.util.Random().nextInt(19_000);
    String json = "{\"clusterId\": \"t\", \"members\": ["
        + "{\"id\": 1, \"peerAddress\": \"127.0.0.1:" + (base + 101) + "\", \"clientAddress\": "
        + "\"127.0.0.1:" + (base + 1) + "\"},"
        + "{\"id\": 2, \"peerAddress\": \"127.0.0.1:" + (base + 102) + "\", \"clientAddress\": "
        + "\"127.0.0.1:" + (base + 2) + "\"}]}";
    Path f = tmp.resolve("ok.json");
    Files.writeString(f, json);
    Path dir2 = tmp.resolve("node-2");
    // Node 2 creates its directory (and is stopped at once).
    RaftKvServer s = RaftKvServer.start(ClusterConfigLoader.load(f), 2, dir2, t -> { });
    s.close();

    Run r = server("--cluster", f.toString(), "--id", "1", "--data-dir", dir2.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(dir2.toString()) && r.err().contains("belongs to node 2"),
        r.err());

    // The same id of another cluster is refused too.
    Path other = tmp.resolve("other.json");
    Files.writeString(other, json.replace("\"clusterId\": \"t\"", "\"clusterId\": \"u\""));
    Run wrongCluster = server("--cluster", other.toString(), "--id", "2", "--data-dir",
        dir2.toString());
    assertEquals(2, wrongCluster.code(), wrongCluster.err());
    assertTrue(wrongCluster.err().contains("of cluster 't'"), wrongCluster.err());
  }
}
