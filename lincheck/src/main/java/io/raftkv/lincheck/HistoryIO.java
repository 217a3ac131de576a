package io.raftkv.lincheck;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Saves and loads histories in a compact line format, so a failed run can be kept and
 * re-checked later (or attached to a bug).
 *
 * <p>One operation per line, ten space-separated fields:
 * <pre>
 * client kind outcome invokeNanos returnNanos casSucceeded key expected value output
 * 3 PUT OK 1200 1750 0 =user%3A1 - =hello -
 * </pre>
 * {@code returnNanos} is {@code inf} for a call that never returned; {@code casSucceeded} is
 * 0 or 1; each string field is {@code -} when absent or {@code =} followed by its UTF-8
 * URL encoding (so keys and values may hold spaces, newlines or any Unicode). Lines starting with
 * {@code #} and blank lines are ignored.
 */
public final class HistoryIO {

  static final String HEADER = "# raftkv-lincheck history v1: client kind outcome invokeNanos "
      + "returnNanos casSucceeded key expected value output";

  private HistoryIO() {
  }

  /** Writes {@code history} to {@code file} (replacing it). */
  public static void write(List<Operation> history, Path file) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(history, w);
    }
  }

  /** Writes {@code history} to {@code out} (not closed). */
  public static void write(List<Operation> history, Writer out) throws IOException {
    out.write(HEADER);
    out.write('\n');
    for (Operation op : history) {
      out.write(format(op));
      out.write('\n');
    }
    out.flush();
  }

  /** Reads a history written by {@link #write}. */
  public static List<Operation> read(Path file) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(r);
    }
  }

  /**
   * Reads a history from {@code in} (not closed).
   *
   * @throws IOException on a malformed line, naming its number
   */
  public static List<Operation> read(Reader in) throws IOException {
    BufferedReader r = in instanceof BufferedReader ? (BufferedReader) in : new BufferedReader(in);
    List<Operation> ops = new ArrayList<>();
    String line;
    int lineNo = 0;
    while ((line = r.readLine()) != null) {
      lineNo++;
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      try {
        ops.add(parse(t));
      } catch (RuntimeException e) {
        throw new IOException("line " + lineNo + ": " + e.getMessage() + ": " + t, e);
      }
    }
    return ops;
  }

  static String format(Operation op) {
    return op.clientId() + " " + op.kind() + " " + op.outcome() + " " + op.invokeNanos() + " "
        + (op.returnNanos() == Long.MAX_VALUE ? "inf" : Long.toString(op.returnNanos())) + " "
        + (op.casSucceeded() ? 1 : 0) + " " + enc(op.key()) + " " + enc(op.expected()) + " "
        + enc(op.value()) + " " + enc(op.output());
  }

  static Operation parse(String line) {
    String[] f = line.split(" ");
    if (f.length != 10) {
      throw new IllegalArgumentException("expected 10 fields, got " + f.length);
    }
    String key = dec(f[6]);
    if (key == null) {
      throw new IllegalArgumentException("missing key");
    }
    return new Operation(Integer.parseInt(f[0]), Operation.Kind.valueOf(f[1]), key, dec(f[7]),
        dec(f[8]), dec(f[9]), parseBit(f[5]), Long.parseLong(f[3]),
        f[4].equals("inf") ? Long.MAX_VALUE : Long.parseLong(f[4]),
        Operation.Outcome.valueOf(f[2]));
  }

  private static boolean parseBit(String s) {
    if (s.equals("1")) {
      return true;
    }
    if (s.equals("0")) {
      return false;
    }
    throw new IllegalArgumentException("casSucceeded must be 0 or 1: " + s);
  }

  private static String enc(String s) {
    return s == null ? "-" : "=" + URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String dec(String s) {
    if (s.equals("-")) {
      return null;
    }
    if (!s.startsWith("=")) {
      throw new IllegalArgumentException("string field must be '-' or start with '=': " + s);
    }
    return URLDecoder.decode(s.substring(1), StandardCharsets.UTF_8);
  }
}
