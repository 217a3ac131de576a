package io.raftkv.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every command's --help reads whole (issue 13.5): no sentences cut, no "null" defaults. */
class HelpTextTest {
  @TempDir
  Path tmp;

  static void all(CommandLine c, List<CommandLine> out) {
    out.add(c);
    c.getSubcommands().values().forEach(s -> all(s, out));
  }

  static List<CommandLine> commands() {
    List<CommandLine> out = new ArrayList<>();
    CommandLine root = new CommandLine(Main.class);
    root.setUsageHelpWidth(80);
    all(root, out);
    return out;
  }

  static String name(CommandLine c) {
    return c.getCommandSpec().qualifiedName();
  }

  @Test
  void when_help_is_shown_then_no_line_is_cut_mid_sentence() {
    for (CommandLine c : commands()) {
      c.setUsageHelpWidth(80);
      List<String> lines = c.getUsageMessage(CommandLine.Help.Ansi.OFF).lines().toList();
      for (int i = 0; i + 1 < lines.size(); i++) {
        String l = lines.get(i);
        String n = lines.get(i + 1);
        int indent = l.length() - l.stripLeading().length();
        int nextIndent = n.length() - n.stripLeading().length();
        boolean cut = !l.isBlank() && l.strip().length() < 40 && indent == nextIndent
            && !n.isBlank() && Character.isLowerCase(n.strip().charAt(0))
            && !l.strip().endsWith(":") && !l.strip().endsWith(".");
        assertFalse(cut, name(c) + " --help cuts a sentence after '" + l + "'");
      }
      assertFalse(c.getUsageMessage().contains("default: null"), name(c) + ": default: null");
    }
  }

  @Test
  void when_the_cluster_commands_show_help_then_every_option_is_described() {
    for (CommandLine c : commands()) {
      if (!name(c).startsWith("raftkv cluster") && !List.of("raftkv put", "raftkv get",
          "raftkv delete", "raftkv status").contains(name(c))) {
        continue;
      }
      c.getCommandSpec().options().forEach(o -> assertTrue(o.description().length > 0,
          name(c) + " " + o.longestName() + " has no description"));
    }
  }

  @Test
  void when_help_is_shown_then_the_exit_codes_are_listed() {
    String help = new CommandLine(Main.class).getUsageMessage();
    assertTrue(help.contains("Exit codes") && help.contains("3") && help.contains("no server "
        + "answered"), help);
    String get = new CommandLine(Main.class).getSubcommands().get("get").getUsageMessage();
    assertTrue(get.contains("the key does not exist"), get);
  }

  @Test
  void when_the_cluster_directory_holds_data_then_cluster_up_knows() throws Exception {
    assertFalse(ClusterCommand.holdsData(tmp.resolve("none")));
    Files.createDirectories(tmp.resolve("d"));
    Files.writeString(tmp.resolve("d/cluster.json"), "{}");
    assertFalse(ClusterCommand.holdsData(tmp.resolve("d")));
    Files.createDirectories(tmp.resolve("d/node-1"));
    assertTrue(ClusterCommand.holdsData(tmp.resolve("d")));
  }
}
