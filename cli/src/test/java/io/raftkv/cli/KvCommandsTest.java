package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftkv.kv.KvLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key-value commands as a user meets them (issue 13, items 1, 2, 3, 5): bytes round-trip,
 * output formats, exit codes, errors that name each server tried, the status table asked of the
 * leader. In-process through {@link Main#run} against one real 3-server cluster.
 */
class KvCommandsTest {
  @TempDir
  static Path tmp;

  static RealCluster c;
  static String servers;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void up() throws Exception {
    c = RealCluster.start(tmp, "KvCommandsTest", 3, RealCluster.FAST);
    c.awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
    servers = String.join(",", c.addresses());
  }

  @AfterAll
  static void down() {
    if (c != null) {
      c.close();
    }
  }

  record Run(int code, byte[] out, String err) {
    String text() {
      return new String(out, StandardCharsets.UTF_8);
    }
  }

  static synchronized Run cli(byte[] stdin, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    InputStream in = System.in;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    System.setIn(new ByteArrayInputStream(stdin == null ? new byte[0] : stdin));
    try {
      int code = Main.run(args);
      System.out.flush();
      return new Run(code, o.toByteArray(), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
      System.setIn(in);
    }
  }

  static Run cli(String... args) {
    return cli(null, args);
  }

  /** {@code args} with {@code --servers} of the test cluster first. */
  static String[] at(String command, String... args) {
    String[] all = new String[args.length + 3];
    all[0] = command;
    all[1] = "--servers";
    all[2] = servers;
    System.arraycopy(args, 0, all, 3, args.length);
    return all;
  }

  static byte[] allBytes() {
    byte[] b = new byte[256 + 6];
    b[0] = (byte) 0xff;
    b[1] = (byte) 0xfe;
    b[2] = 1;
    b[3] = 'a';
    b[4] = 'b';
    b[5] = 'c';
    for (int i = 0; i < 256; i++) {
      b[6 + i] = (byte) i;
    }
    return b;
  }

  @Test
  void when_a_binary_value_comes_on_stdin_then_get_writes_back_the_same_bytes() throws Exception {
    byte[] key = {(byte) 0xff, (byte) 0xfe, 0, 'k'};
    String keyHex = HexFormat.of().formatHex(key);
    byte[] value = allBytes();
    Run put = cli(value, at("put", "--key-hex", keyHex, "-"));
    assertEquals(0, put.code(), put.err());
    assertTrue(put.text().startsWith("OK (index "), put.text());

    Run raw = cli(at("get", "--key-hex", keyHex));
    assertEquals(0, raw.code(), raw.err());
    assertArrayEquals(value, raw.out(), "raw bytes, no newline when stdout is not a terminal");

    Run b64key = cli(at("get", "--key-base64", Base64.getEncoder().encodeToString(key), "--hex"));
    assertEquals(HexFormat.of().formatHex(value) + System.lineSeparator(), b64key.text());
    Run base64 = cli(at("get", "--key-hex", keyHex, "--base64"));
    assertArrayEquals(value, Base64.getDecoder().decode(base64.text().strip()));

    Run json = cli(at("get", "--key-hex", keyHex, "-w", "json"));
    assertEquals(0, json.code(), json.err());
    JsonNode j = JSON.readTree(json.out());
    assertArrayEquals(key, Base64.getDecoder().decode(j.get("key").asText()));
    assertTrue(j.get("found").asBoolean());
    assertArrayEquals(value, Base64.getDecoder().decode(j.get("value").asText()));
    assertTrue(j.get("index").asLong() > 0 && j.has("server"), json.text());
  }

  @Test
  void when_a_value_is_a_megabyte_file_then_it_is_stored_whole_and_a_bigger_one_is_refused()
      throws Exception {
    byte[] value = new byte[KvLimits.MAX_VALUE_BYTES];
    new Random(7).nextBytes(value);
    Path f = tmp.resolve("big.bin");
    Files.write(f, value);
    Run put = cli(at("put", "--timeout-ms", "20000", "big", "--file", f.toString()));
    assertEquals(0, put.code(), put.err());
    Run get = cli(at("get", "--timeout-ms", "20000", "big"));
    assertEquals(0, get.code(), get.err());
    assertArrayEquals(value, get.out());

    Files.write(f, new byte[KvLimits.MAX_VALUE_BYTES + 1]);
    Run tooBig = cli(at("put", "big", "--file", f.toString()));
    assertEquals(2, tooBig.code(), tooBig.err());
    assertTrue(tooBig.err().contains("limit of " + KvLimits.MAX_VALUE_BYTES), tooBig.err());
    Run both = cli(at("put", "big", "v", "--file", f.toString()));
    assertEquals(2, both.code(), both.err());
  }

  @Test
  void when_an_argument_lost_bytes_in_decoding_then_it_is_refused_not_stored_changed() {
    // What the JVM makes of an argument with bytes invalid in the locale's encoding.
    Run key = cli(at("put", "bad\uFFFDkey", "v"));
    assertEquals(2, key.code(), key.err());
    assertTrue(key.err().contains("--key-hex"), key.err());
    Run value = cli(at("put", "k", "\uFFFD\uFFFD\u0001abc"));
    assertEquals(2, value.code(), value.err());
    assertTrue(value.err().contains("standard input"), value.err());
    assertEquals(1, cli(at("get", "k")).code(), "nothing was written");
  }

  @Test
  void when_a_key_is_missing_then_get_prints_nothing_and_exits_1() throws Exception {
    Run get = cli(at("get", "never-written"));
    assertEquals(1, get.code(), get.err());
    assertEquals(0, get.out().length);
    assertTrue(get.err().contains("'never-written' not found"), get.err());
    Run json = cli(at("get", "-w", "json", "never-written"));
    assertEquals(1, json.code());
    assertFalse(JSON.readTree(json.out()).get("found").asBoolean());
    // A stored value "(not found)" is a value.
    assertEquals(0, cli(at("put", "nf", "(not found)")).code());
    Run stored = cli(at("get", "nf"));
    assertEquals(0, stored.code());
    assertEquals("(not found)", stored.text());
  }

  @Test
  void when_json_is_asked_then_put_delete_and_status_write_one_object() throws Exception {
    JsonNode put = JSON.readTree(cli(at("put", "-w", "json", "jk", "v1")).out());
    assertEquals("jk", new String(Base64.getDecoder().decode(put.get("key").asText())));
    assertTrue(put.get("previous").isNull() && put.get("index").asLong() > 0, put.toString());
    JsonNode again = JSON.readTree(cli(at("put", "-w", "json", "jk", "v2")).out());
    assertEquals("v1", new String(Base64.getDecoder().decode(again.get("previous").asText())));
    JsonNode del = JSON.readTree(cli(at("delete", "-w", "json", "jk")).out());
    assertTrue(del.get("existed").asBoolean());
    Run status = cli(at("status", "-w", "json"));
    assertEquals(0, status.code(), status.err());
    JsonNode s = JSON.readTree(status.out());
    assertEquals(3, s.get("members").size());
    assertTrue(s.get("leader_id").asInt() > 0);
    assertEquals(2, cli(at("put", "-w", "hex", "jk", "v")).code(), "hex is for get only");
  }

  @Test
  void when_status_is_asked_of_a_follower_then_the_leader_answers_with_every_match_index()
      throws Exception {
    int leader = c.awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(30));
    int follower = leader % 3 + 1;
    cli(at("put", "for-match", "v"));
    Run r = cli("status", "--servers", c.address(follower));
    assertEquals(0, r.code(), r.err());
    String table = r.text();
    assertTrue(table.contains("answered by server " + leader + " at " + c.address(leader)), table);
    for (String line : table.lines().skip(2).toList()) {
      String match = line.trim().split("\\s+")[6];
      assertTrue(match.matches("\\d+"), "match index known for every member: " + table);
    }
  }

  @Test
  void when_servers_are_down_or_misnamed_then_one_line_names_each_and_what_it_said() {
    String down1 = "127.0.0.1:" + RealCluster.unusedPort();
    String down2 = "127.0.0.1:" + RealCluster.unusedPort();
    Run none = cli("put", "--timeout-ms", "800", "--servers", down1 + "," + down2, "k", "v");
    assertEquals(3, none.code(), none.err());
    assertEquals(1, none.err().lines().filter(l -> l.startsWith("raftkv put: ")).count(),
        none.err());
    assertFalse(none.err().contains("\tat "), "no stack trace: " + none.err());
    assertTrue(none.err().contains(down1 + ": connection refused")
        && none.err().contains(down2 + ": connection refused")
        && none.err().contains("may have been applied"), none.err());

    Run noPort = cli("get", "--servers", "localhost", "k");
    assertEquals(2, noPort.code(), noPort.err());
    assertTrue(noPort.err().contains("'localhost' is not host:port"), noPort.err());
    Run badPort = cli("get", "--servers", "localhost:99999", "k");
    assertEquals(2, badPort.code(), badPort.err());
    assertTrue(badPort.err().contains("99999"), badPort.err());

    Run unknown = cli("get", "--timeout-ms", "800", "--servers", "no-such-host.invalid:7001",
        "k");
    assertEquals(3, unknown.code(), unknown.err());
    assertTrue(unknown.err().contains("no-such-host.invalid:7001: unknown host"), unknown.err());
  }

  /** The same in a process of its own: standard error holds the one line, no stack trace. */
  @Test
  void when_the_host_is_unknown_then_a_real_process_prints_no_stack_trace() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp",
        RealCluster.stableClassPath(), Main.class.getName(), "get", "--timeout-ms", "1500",
        "--servers", "no-such-host.invalid:7001,127.0.0.1:" + RealCluster.unusedPort(), "k")
        .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(3, p.exitValue(), err);
    assertEquals(1, err.strip().lines().count(), err);
    assertTrue(err.contains("unknown host") && err.contains("connection refused"), err);
  }

  @Test
  void when_only_one_of_three_servers_runs_then_the_error_says_no_leader_yet() throws Exception {
    try (RealCluster lonely = RealCluster.create(tmp.resolve("lonely"), "lonely", 3,
        RealCluster.FAST)) {
      lonely.start(1);
      String list = String.join(",", lonely.addresses());
      Run r = null;
      for (int i = 0; i < 20; i++) { // until server 1 listens
        r = cli("get", "--timeout-ms", "1500", "--servers", list, "k");
        if (r.err().contains(lonely.address(1) + ": no leader yet")) {
          break;
        }
      }
      assertEquals(3, r.code(), r.err());
      assertTrue(r.err().contains(lonely.address(1) + ": no leader yet")
          && r.err().contains(lonely.address(2) + ": connection refused"), r.err());
    }
  }

  @Test
  void when_no_servers_are_given_then_the_environment_or_the_local_cluster_file_says_which()
      throws Exception {
    Path file = tmp.resolve("cl/cluster.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, LocalCluster.configJson("x", 3, null, 9000, 9100));
    assertEquals(List.of("a:1", "b:2"),
        Endpoints.resolve(null, " a:1, b:2 ", file).servers());
    assertEquals(List.of("127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"),
        Endpoints.resolve(null, null, file).servers());
    assertEquals(List.of("127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003"),
        Endpoints.resolve(null, null, tmp.resolve("none.json")).servers(),
        "cluster up's three servers, not seven");
    assertEquals(List.of("c:3"), Endpoints.resolve(List.of("c:3"), "a:1", file).servers());

    var env = Endpoints.environment;
    Endpoints.environment = name -> name.equals(Endpoints.ENV) ? servers : null;
    try {
      assertEquals(0, cli("put", "from-env", "v").code());
      Endpoints.environment = name -> name.equals(Endpoints.ENV) ? "localhost" : null;
      Run bad = cli("get", "k");
      assertEquals(2, bad.code());
      assertTrue(bad.err().contains("RAFTKV_ENDPOINTS"), bad.err());
    } finally {
      Endpoints.environment = env;
    }
  }
}
