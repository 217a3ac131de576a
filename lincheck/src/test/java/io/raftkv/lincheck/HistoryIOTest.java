package io.raftkv.lincheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryIOTest {

  @TempDir
  Path dir;

  @Test
  void when_history_is_written_and_read_then_it_is_equal() throws IOException {
    List<Operation> h = List.of(
        Operation.put(1, "user:1", "hello world", 10, 20),
        Operation.get(2, "user:1", null, 11, 21),
        Operation.get(2, "k", "", 22, 23),
        Operation.delete(3, "weird key\n\t=-%", 30, 40),
        Operation.cas(4, "k", null, "é😀", true, null, 50, 60),
        Operation.cas(4, "k", "x", "y", false, "z", 61, 62),
        Operation.put(5, "k", "-", 70, 80).ambiguous(),
        Operation.put(6, "k", "=", 70, 80).failedDefinitely());
    Path file = dir.resolve("h.txt");
    HistoryIO.write(h, file);
    assertEquals(h, HistoryIO.read(file));
  }

  @Test
  void when_writing_then_one_line_per_operation_with_header() throws IOException {
    StringWriter w = new StringWriter();
    HistoryIO.write(List.of(Operation.put(3, "k", "v", 1, 2).ambiguous()), w);
    String[] lines = w.toString().split("\n");
    assertEquals(2, lines.length);
    assertTrue(lines[0].startsWith("#"));
    assertEquals("3 PUT AMBIGUOUS 1 inf 0 =k - =v -", lines[1]);
  }

  @Test
  void when_line_is_malformed_then_error_names_the_line() {
    String text = "# comment\n\n1 PUT OK 1 2 0 =k - =v -\n1 PUT OK 1\n";
    IOException e = assertThrows(IOException.class,
        () -> HistoryIO.read(new StringReader(text)));
    assertTrue(e.getMessage().startsWith("line 4:"), e.getMessage());
  }
}
