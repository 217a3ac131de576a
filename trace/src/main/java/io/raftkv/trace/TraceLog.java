package io.raftkv.trace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Reads a run's trace files back.
 *
 * <p><b>Format.</b> A run's directory holds one file per host, {@code <host>.trace.jsonl}, UTF-8,
 * one JSON object per line, each line ending in a newline:
 * <pre>
 * {"host":"server3","seq":17,"clock":{"client1":4,"server3":17},"trace":"client1-5-ab12",
 *  "action":"PutRecv","fields":{"clientId":"client1","opId":5,"key":"k1","value":"v1"},
 *  "wallMicros":1732400000000123}
 * </pre>
 * (one line in the file). {@code host} equals the file's host; {@code seq} is 1 on the first
 * line and rises by exactly 1 per line, and equals the clock's entry for the host; {@code action}
 * is a {@link TraceAction} name and {@code fields} exactly its fields with their types.
 *
 * <p><b>Errors.</b> Any line that breaks this is a {@link TraceFormatException} naming
 * {@code file:line} and the problem, except a last line without its newline that does not parse:
 * that is what a process killed mid-write leaves, and it is skipped with a warning.
 */
public final class TraceLog {
  /** The suffix of trace file names. */
  public static final String SUFFIX = ".trace.jsonl";

  private TraceLog() {}

  /** The file a tracer for host writes in dir. */
  public static Path fileFor(Path dir, String host) {
    return dir.resolve(Names.checkHost(host) + SUFFIX);
  }

  /**
   * All events of all {@code *.trace.jsonl} files in dir, file by file in name order, each file
   * in seq order; warnings (torn last lines) go to standard error.
   *
   * @throws TraceFormatException if a line is malformed
   * @throws IOException if dir is not a readable directory
   */
  public static List<TraceEvent> read(Path dir) throws IOException {
    return read(dir, w -> System.err.println("warning: " + w));
  }

  /** As {@link #read(Path)}, with warnings passed to the given consumer. */
  public static List<TraceEvent> read(Path dir, Consumer<String> warnings) throws IOException {
    if (!Files.isDirectory(dir)) {
      if (!Files.exists(dir)) {
        throw new java.nio.file.NoSuchFileException(dir.toString(), null,
            "no such trace directory");
      }
      throw new NotDirectoryException(dir.toString());
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
    }
    List<TraceEvent> all = new ArrayList<>();
    for (Path f : files) {
      all.addAll(readFile(f, warnings));
    }
    return all;
  }

  /** The events of one trace file (named {@code <host>.trace.jsonl}). */
  public static List<TraceEvent> readFile(Path file, Consumer<String> warnings)
      throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    List<TraceEvent> events = parse(file.toString(), bytes, bytes.length, warnings);
    String name = file.getFileName().toString();
    String host = name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length())
        : null;
    for (int i = 0; i < events.size(); i++) {
      if (!events.get(i).host().equals(host)) {
        throw new TraceFormatException(file + ":" + (i + 1), "host \"" + events.get(i).host()
            + "\" in a file named " + name + " (a file holds the events of <host>"
            + SUFFIX + ")");
      }
    }
    return events;
  }

  /** Parses the first {@code length} bytes of a file's content. */
  static List<TraceEvent> parse(String fileName, byte[] bytes, int length,
      Consumer<String> warnings) throws TraceFormatException {
    List<TraceEvent> events = new ArrayList<>();
    int lineNo = 0;
    int start = 0;
    String host = null;
    while (start < length) {
      lineNo++;
      int end = start;
      while (end < length && bytes[end] != '\n') {
        end++;
      }
      boolean complete = end < length;
      String where = fileName + ":" + lineNo;
      try {
        TraceEvent e = parseLine(bytes, start, end);
        if (host == null) {
          host = e.host();
        } else if (!host.equals(e.host())) {
          throw new IllegalArgumentException("host \"" + e.host() + "\" but earlier lines are \""
              + host + "\"");
        }
        long expected = events.size() + 1L;
        if (e.seq() != expected) {
          throw new IllegalArgumentException("seq " + e.seq() + " where " + expected
              + " was expected (seq starts at 1 and rises by 1 per line)");
        }
        events.add(e);
      } catch (IllegalArgumentException ex) {
        if (complete) {
          throw new TraceFormatException(where, ex.getMessage());
        }
        warnings.accept(where + ": skipping a torn last line (no newline; the process was "
            + "probably killed while writing it): " + ex.getMessage());
      }
      start = end + 1;
    }
    return events;
  }

  private static TraceEvent parseLine(byte[] bytes, int start, int end) {
    if (start == end) {
      throw new IllegalArgumentException("empty line");
    }
    String line;
    try {
      line = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not valid UTF-8");
    }
    return EventCodec.parse(line);
  }
}
