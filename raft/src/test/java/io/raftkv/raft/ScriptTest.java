package io.raftkv.raft;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the scenario scripts in {@code src/test/resources/scripts/*.txt}, one dynamic test per file.
 *
 * <p>Format (in the style of etcd-io/raft's datadriven testdata): a command line, a line {@code
 * ----}, then the expected output up to the next blank line. Lines starting with {@code #} and
 * blank lines between blocks are comments. A command that prints nothing shows {@code ok}.
 *
 * <p>Run with {@code -Drewrite=true} to rewrite every expected output with what the harness prints
 * now (then review the diff with git).
 */
class ScriptTest {
  static final Path DIR = Paths.get("src/test/resources/scripts");

  @TestFactory
  Stream<DynamicTest> scripts() throws IOException {
    boolean rewrite = Boolean.parseBoolean(System.getProperty("rewrite", "false"));
    List<Path> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
    }
    if (files.isEmpty()) {
      fail("no scripts in " + DIR.toAbsolutePath());
    }
    return files.stream().map(f -> DynamicTest.dynamicTest(
        f.getFileName().toString(), f.toUri(), () -> runScript(f, rewrite)));
  }

  /** One parsed piece of a script: a raw line kept as is, or a command with expected output. */
  record Block(int line, String raw, String command, List<String> expected) {}

  static List<Block> parse(Path file, List<String> lines) {
    List<Block> blocks = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String l = lines.get(i);
      if (l.isBlank() || l.startsWith("#")) {
        blocks.add(new Block(i + 1, l, null, null));
        i++;
        continue;
      }
      if (i + 1 >= lines.size() || !lines.get(i + 1).equals("----")) {
        throw new AssertionError(file + ":" + (i + 1) + ": expected '----' after command: " + l);
      }
      List<String> expected = new ArrayList<>();
      int j = i + 2;
      while (j < lines.size() && !lines.get(j).isEmpty()) {
        expected.add(lines.get(j));
        j++;
      }
      blocks.add(new Block(i + 1, null, l, expected));
      i = j;
    }
    return blocks;
  }

  static void runScript(Path file, boolean rewrite) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<Block> blocks = parse(file, lines);
    ScriptHarness h = new ScriptHarness();
    StringBuilder rewritten = new StringBuilder();
    for (Block b : blocks) {
      if (b.command() == null) {
        rewritten.append(b.raw()).append('\n');
        continue;
      }
      String actualText;
      try {
        actualText = h.run(b.command());
      } catch (ScriptHarness.ScriptError e) {
        throw new AssertionError(file + ":" + b.line() + ": " + e.getMessage(), e);
      }
      List<String> actual = actualText.lines().toList();
      rewritten.append(b.command()).append("\n----\n");
      actual.forEach(l -> rewritten.append(l).append('\n'));
      if (!rewrite && !actual.equals(b.expected())) {
        fail(file + ":" + b.line() + ": output of '" + b.command() + "' differs"
            + " (- expected, + actual; rerun with -Drewrite=true to accept):\n"
            + diff(b.expected(), actual));
      }
    }
    if (rewrite) {
      String text = rewritten.toString();
      if (!text.equals(String.join("\n", lines) + "\n")) {
        Files.writeString(file, text, StandardCharsets.UTF_8);
      }
    }
  }

  /** A line diff (longest common subsequence), unified-style without hunk headers. */
  static String diff(List<String> a, List<String> b) {
    int[][] lcs = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        lcs[i][j] = a.get(i).equals(b.get(j))
            ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    StringBuilder sb = new StringBuilder();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
        sb.append("  ").append(a.get(i++)).append('\n');
        j++;
      } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
        sb.append("- ").append(a.get(i++)).append('\n');
      } else {
        sb.append("+ ").append(b.get(j++)).append('\n');
      }
    }
    return sb.toString();
  }

}
