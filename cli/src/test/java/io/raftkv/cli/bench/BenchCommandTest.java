package io.raftkv.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.cli.BenchCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code raftkv bench}: argument checks, without any cluster. */
class BenchCommandTest {
  private static List<String> problems(String... args) {
    BenchCommand cmd = new BenchCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.validate();
  }

  private static void assertProblem(String expected, String... args) {
    List<String> p = problems(args);
    assertTrue(p.stream().anyMatch(s -> s.contains(expected)),
        "expected a problem containing '" + expected + "', got " + p);
  }

  @Test
  void goodArgumentsPass() {
    assertEquals(List.of(), problems("--servers", "127.0.0.1:7001,localhost:7002", "--op", "get",
        "--concurrency", "64", "--seconds", "2.5", "--warmup", "0", "--keys", "10",
        "--value-size", "0", "--read", "serializable"));
    assertEquals(List.of(), problems("--cluster-up", "3"));
    assertEquals(List.of(), problems("--cluster-up", "3", "--kill-leader-after", "5"));
    assertEquals(List.of(), problems("--servers", "h:1", "--op", "MIXED", "--read-ratio", "0.9"));
    assertEquals(List.of(), problems("--cluster-up", "3", "--follower-first", "--routing",
        "listed"));
  }

  @Test
  void badValuesAreNamed() {
    assertProblem("--op must be put, get or mixed, got 'scan'", "--servers", "h:1", "--op",
        "scan");
    assertProblem("--concurrency must be 1..10000, got 0", "--servers", "h:1", "--concurrency",
        "0");
    assertProblem("--seconds must be above 0", "--servers", "h:1", "--seconds", "0");
    assertProblem("--warmup must be 0..86400", "--servers", "h:1", "--warmup", "-1");
    assertProblem("--keys must be at least 1", "--servers", "h:1", "--keys", "0");
    assertProblem("--value-size must be 0..1048576", "--servers", "h:1", "--value-size",
        "2000000");
    assertProblem("--read must be linearizable or serializable", "--servers", "h:1", "--read",
        "stale");
    assertProblem("--read serializable needs --op get or mixed", "--servers", "h:1", "--read",
        "serializable");
    assertProblem("--read-ratio must be 0..1", "--servers", "h:1", "--op", "mixed",
        "--read-ratio", "1.5");
    assertProblem("--deadline-ms must be 0", "--servers", "h:1", "--deadline-ms", "-5");
    assertProblem("'nohost' is not host:port", "--servers", "nohost");
    assertProblem("'h:99999' is not host:port", "--servers", "h:99999");
    assertProblem("--cluster-up must be 1..7, got 8", "--cluster-up", "8");
    assertProblem("--routing must be leader or listed, got 'nearest'", "--servers", "h:1",
        "--routing", "nearest");
    assertProblem("--follower-first needs --cluster-up 2 or more", "--servers", "h:1",
        "--follower-first");
    assertProblem("--matrix-concurrency: 0 is not", "--cluster-up", "3",
        "--matrix-concurrency", "1,0");
  }

  @Test
  void targetsAndFaultsMustFit() {
    assertProblem("give exactly one of --servers and --cluster-up");
    assertProblem("give exactly one of --servers and --cluster-up", "--servers", "h:1",
        "--cluster-up", "3");
    assertProblem("--kill-leader-after needs --cluster-up", "--servers", "h:1",
        "--kill-leader-after", "5");
    assertProblem("--kill-leader-after needs --cluster-up 3 or more", "--cluster-up", "1",
        "--kill-leader-after", "5");
    assertEquals(List.of(), problems("--cluster-up", "3", "--remove-leader-after", "5"));
    assertEquals(List.of(), problems("--cluster-up", "3", "--add-member-after", "5"));
    assertProblem("need --cluster-up 3 or more", "--cluster-up", "1", "--remove-leader-after",
        "5");
    assertProblem("need --cluster-up 3 or more", "--servers", "h:1", "--add-member-after", "5");
    assertProblem("one at a time", "--cluster-up", "3", "--add-member-after", "5",
        "--kill-leader-after", "5");
    assertProblem("must be less than --seconds", "--cluster-up", "3", "--add-member-after", "20");
    assertProblem("must be less than --seconds", "--cluster-up", "3", "--kill-leader-after",
        "5", "--seconds", "5");
    assertProblem("--kill-leader-after must be above 0", "--cluster-up", "3",
        "--kill-leader-after", "-1");
  }

  @Test
  void problemsAreReportedWithExitCode2() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    BenchCommand cmd = new BenchCommand().streams(
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    int code = new CommandLine(cmd).execute("--concurrency", "0", "--op", "x");
    assertEquals(2, code);
    String e = err.toString(StandardCharsets.UTF_8);
    assertTrue(e.contains("raftkv bench: --op must be put, get or mixed"), e);
    assertTrue(e.contains("raftkv bench: --concurrency must be 1..10000"), e);
    assertTrue(e.contains("raftkv bench: give exactly one of --servers and --cluster-up"), e);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }
}
