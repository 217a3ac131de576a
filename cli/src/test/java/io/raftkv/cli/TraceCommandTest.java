package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.trace.ShivizLog;
import io.raftkv.trace.Trace;
import io.raftkv.trace.TraceAction.GetRecv;
import io.raftkv.trace.TraceAction.GetResult;
import io.raftkv.trace.TraceAction.GetSend;
import io.raftkv.trace.TraceAction.GetStart;
import io.raftkv.trace.TraceAction.KvslibStart;
import io.raftkv.trace.TraceAction.KvslibStop;
import io.raftkv.trace.TraceAction.LeaderElected;
import io.raftkv.trace.TraceAction.ServerListening;
import io.raftkv.trace.TraceAction.ServerStart;
import io.raftkv.trace.TraceLog;
import io.raftkv.trace.Tracer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceCommandTest {
  @TempDir
  Path dir;

  /** Exit code, standard output and standard error of one command line. */
  record Outcome(int exit, String out, String err) {}

  private static Outcome run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int exit = Main.run(args);
      return new Outcome(exit, out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** A server, a client doing one Get, through the Tracer API with tokens as RPCs carry them. */
  private void writeCleanRun() {
    try (Tracer server = Tracer.toDirectory("server1", dir);
        Tracer client = Tracer.toDirectory("client1", dir)) {
      Trace boot = server.createTrace();
      boot.recordAction(new ServerStart(1));
      boot.recordAction(new ServerListening(1));
      boot.recordAction(new LeaderElected(1, 1));
      client.createTrace().recordAction(new KvslibStart("client1"));
      Trace op = client.createTrace();
      op.recordAction(new GetStart("client1", 1, "k"));
      op.recordAction(new GetSend("client1", 1, "k"));
      Trace atServer = server.receiveToken(op.generateToken());
      atServer.recordAction(new GetRecv("client1", 1, "k"));
      atServer.recordAction(new GetResult("client1", 1, "k", ""));
      client.receiveToken(atServer.generateToken());
      client.createTrace().recordAction(new KvslibStop("client1"));
    }
  }

  @Test
  void when_the_trace_keeps_the_rules_then_check_exits_0() {
    writeCleanRun();
    Outcome o = run("trace", "check", dir.toString());
    assertEquals(0, o.exit(), o.err());
    assertTrue(o.out().contains("9 events from 2 hosts, 1 clients, 1 operations: no violations"),
        o.out());
  }

  @Test
  void when_a_rule_is_broken_then_check_exits_1_naming_rule_and_events() {
    writeCleanRun();
    try (Tracer other = Tracer.toDirectory("server2", dir)) {
      other.createTrace().recordAction(new LeaderElected(2, 1));
    }
    Outcome o = run("trace", "check", dir.toString());
    assertEquals(1, o.exit(), o.out());
    assertTrue(o.out().contains("[LEADER_ELECTED_PER_TERM]"), o.out());
    assertTrue(o.out().contains("server1#3 LeaderElected {\"serverId\":1,\"term\":1}"), o.out());
    assertTrue(o.out().contains("server2#1 LeaderElected {\"serverId\":2,\"term\":1}"), o.out());
  }

  @Test
  void when_the_directory_is_missing_empty_or_malformed_then_exit_2_with_a_message()
      throws Exception {
    Outcome missing = run("trace", "check", dir.resolve("nope").toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("cannot read " + dir.resolve("nope")
        + ": no such file or directory"), missing.err());

    Outcome empty = run("trace", "shiviz", dir.toString());
    assertEquals(2, empty.exit());
    assertTrue(empty.err().contains("no trace files"), empty.err());

    Files.writeString(dir.resolve("server1.trace.jsonl"), "{\"host\":\"server1\"}\n");
    Outcome bad = run("trace", "check", dir.toString());
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("malformed trace: ")
        && bad.err().contains("server1.trace.jsonl:1: missing key"), bad.err());
  }

  @Test
  void shiviz_writes_the_merged_log_to_stdout_or_a_file() throws Exception {
    writeCleanRun();
    String expected = ShivizLog.toString(TraceLog.read(dir));
    Outcome toStdout = run("trace", "shiviz", dir.toString());
    assertEquals(0, toStdout.exit(), toStdout.err());
    assertEquals(expected, toStdout.out());
    assertTrue(toStdout.out().startsWith(ShivizLog.REGEX + "\n\n"), toStdout.out());

    Path file = dir.resolve("run.shiviz.log");
    Outcome toFile = run("trace", "shiviz", dir.toString(), "--out", file.toString());
    assertEquals(0, toFile.exit(), toFile.err());
    assertEquals(expected, Files.readString(file));
    assertTrue(toFile.out().contains("wrote 9 events of 2 hosts"), toFile.out());
  }

  @Test
  void trace_without_a_subcommand_shows_usage_and_exits_2() {
    Outcome o = run("trace");
    assertEquals(2, o.exit());
    assertTrue(o.err().contains("shiviz") && o.err().contains("check")
        && o.err().contains("render"), o.err());
  }
}
