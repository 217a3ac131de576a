package io.raftkv.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceLogTest {
  @TempDir
  Path dir;

  private static String line(String host, long seq, String clock, String action,
      String fields) {
    return "{\"host\":\"" + host + "\",\"seq\":" + seq + ",\"clock\":" + clock
        + ",\"trace\":\"t1\",\"action\":\"" + action + "\",\"fields\":" + fields
        + ",\"wallMicros\":5}";
  }

  private static final String GOOD1 = line("s1", 1, "{\"s1\":1}", "ServerStart",
      "{\"serverId\":1}");
  private static final String GOOD2 = line("s1", 2, "{\"s1\":2}", "ServerListening",
      "{\"serverId\":1}");

  private void write(String host, String content) throws IOException {
    Files.write(dir.resolve(host + ".trace.jsonl"), content.getBytes(StandardCharsets.UTF_8));
  }

  private String errorFor(String content) throws IOException {
    write("s1", content);
    TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceLog.read(dir));
    return e.getMessage();
  }

  @Test
  void reads_every_trace_file_and_ignores_other_files() throws Exception {
    write("s1", GOOD1 + "\n" + GOOD2 + "\n");
    write("c1", line("c1", 1, "{\"c1\":1,\"s1\":2}", "KvslibStart", "{\"clientId\":\"c1\"}")
        + "\n");
    Files.writeString(dir.resolve("notes.txt"), "not a trace");
    List<TraceEvent> events = TraceLog.read(dir);
    assertEquals(List.of("c1#1", "s1#1", "s1#2"),
        events.stream().map(e -> e.host() + "#" + e.seq()).toList());
    TraceEvent e = events.get(0);
    assertEquals("t1", e.traceId());
    assertEquals(5, e.wallMicros());
    assertEquals("c1", e.stringField("clientId"));
    assertEquals(2, e.clock().get("s1"));
  }

  @Test
  void a_torn_last_line_is_skipped_with_a_warning() throws Exception {
    write("s1", GOOD1 + "\n" + GOOD2.substring(0, 30));
    List<String> warnings = new ArrayList<>();
    assertEquals(1, TraceLog.read(dir, warnings::add).size());
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains("s1.trace.jsonl:2"), warnings.get(0));
  }

  @Test
  void a_complete_last_line_without_newline_is_kept() throws Exception {
    write("s1", GOOD1 + "\n" + GOOD2);
    assertEquals(2, TraceLog.read(dir, w -> { }).size());
  }

  @Test
  void a_malformed_line_with_its_newline_is_an_error_naming_file_and_line() throws Exception {
    String m = errorFor(GOOD1 + "\n" + GOOD2.substring(0, 30) + "\n");
    assertTrue(m.contains("s1.trace.jsonl:2: "), m);
  }

  @Test
  void each_broken_rule_of_the_format_is_named() throws Exception {
    assertTrue(errorFor(GOOD2 + "\n").contains("seq 2 where 1 was expected"));
    assertTrue(errorFor(GOOD1 + "\n\n").contains(":2: empty line"));
    assertTrue(errorFor(line("s1", 1, "{\"s1\":2}", "ServerStart", "{\"serverId\":1}") + "\n")
        .contains("seq is 1"));
    assertTrue(errorFor(line("s1", 1, "{\"s1\":1}", "Bogus", "{}") + "\n")
        .contains("unknown action \"Bogus\""));
    assertTrue(errorFor(line("s1", 1, "{\"s1\":1}", "ServerStart", "{}") + "\n")
        .contains("missing field \"serverId\""));
    assertTrue(errorFor(line("s1", 1, "{\"s1\":1}", "ServerStart", "{\"serverId\":\"1\"}")
        + "\n").contains("ServerStart.serverId must be an integer"));
    assertTrue(errorFor(line("s1", 1, "{\"s1\":1}", "ServerStart",
        "{\"serverId\":1,\"x\":1}") + "\n").contains("unknown field \"x\""));
    assertTrue(errorFor(line("s2", 1, "{\"s2\":1}", "ServerStart", "{\"serverId\":1}") + "\n")
        .contains("named s1.trace.jsonl"));
    assertTrue(errorFor(line("s1", 1, "{\"s1\":0}", "ServerStart", "{\"serverId\":1}") + "\n")
        .contains("at least 1"));
    assertTrue(errorFor(GOOD1.replace("\"wallMicros\":5", "\"wallMicros\":5,\"host\":\"s1\"")
        + "\n").contains("duplicate key \"host\""));
    assertTrue(errorFor(GOOD1.replace(",\"wallMicros\":5", "") + "\n")
        .contains("missing key \"wallMicros\""));
    assertTrue(errorFor(GOOD1.replace("\"wallMicros\":5", "\"wallMicros\":null") + "\n")
        .contains("null is not allowed"));
    assertTrue(errorFor(GOOD1 + " x\n").contains("unexpected text after the object"));
    assertTrue(errorFor(GOOD1.replace("\"t1\"", "\"t 1\"") + "\n").contains("bad trace id"));
    assertTrue(errorFor(GOOD1.replace("\"seq\":1", "\"seq\":01") + "\n")
        .contains("leading zero"));
    assertTrue(errorFor(GOOD1.replace("\"seq\":1", "\"seq\":99999999999999999999") + "\n")
        .contains("64-bit range"));
  }

  @Test
  void bytes_that_are_not_utf8_are_an_error() throws Exception {
    byte[] bad = (GOOD1 + "\n").getBytes(StandardCharsets.UTF_8);
    bad[3] = (byte) 0xff;
    Files.write(dir.resolve("s1.trace.jsonl"), bad);
    TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceLog.read(dir));
    assertTrue(e.getMessage().contains("s1.trace.jsonl:1: not valid UTF-8"), e.getMessage());
  }

  @Test
  void a_missing_directory_is_an_IOException() {
    IOException e = assertThrows(IOException.class, () -> TraceLog.read(dir.resolve("nope")));
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
  }
}
