package io.raftkv.trace;

import java.util.LinkedHashMap;

/**
 * A strict parser for the JSON of trace lines: objects (keys unique, order kept), strings,
 * numbers (integers as Long, with a fraction or exponent as Double), true and false. null,
 * arrays, duplicate keys, bad escapes, raw control characters, integers out of the long range,
 * nesting deeper than 4 and trailing text are errors. Errors are {@link IllegalArgumentException}
 * with the column (1-based) and the problem.
 */
final class JsonParser {
  private static final int MAX_DEPTH = 4;

  private final String s;
  private int pos;

  private JsonParser(String s) {
    this.s = s;
  }

  /** Parses a whole text that must be one JSON object. */
  static LinkedHashMap<String, Object> parseObject(String text) {
    JsonParser p = new JsonParser(text);
    p.skipSpace();
    if (p.pos >= text.length() || text.charAt(p.pos) != '{') {
      throw p.fail("expected a JSON object");
    }
    LinkedHashMap<String, Object> o = p.object(1);
    p.skipSpace();
    if (p.pos < text.length()) {
      throw p.fail("unexpected text after the object");
    }
    return o;
  }

  private IllegalArgumentException fail(String problem) {
    return new IllegalArgumentException("column " + (pos + 1) + ": " + problem);
  }

  private void skipSpace() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else {
        break;
      }
    }
  }

  private void expect(char c) {
    if (pos >= s.length()) {
      throw fail("expected '" + c + "' but the line ended");
    }
    if (s.charAt(pos) != c) {
      throw fail("expected '" + c + "' but found " + found());
    }
    pos++;
  }

  private String found() {
    if (pos >= s.length()) {
      return "the end of the line";
    }
    char c = s.charAt(pos);
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

  private LinkedHashMap<String, Object> object(int depth) {
    if (depth > MAX_DEPTH) {
      throw fail("objects nested deeper than " + MAX_DEPTH);
    }
    expect('{');
    LinkedHashMap<String, Object> o = new LinkedHashMap<>();
    skipSpace();
    if (pos < s.length() && s.charAt(pos) == '}') {
      pos++;
      return o;
    }
    while (true) {
      skipSpace();
      int keyAt = pos;
      if (pos >= s.length() || s.charAt(pos) != '"') {
        throw fail("expected a key string but found " + found());
      }
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      Object v = value(depth);
      if (o.put(key, v) != null) {
        pos = keyAt;
        throw fail("duplicate key \"" + Names.printable(key) + "\"");
      }
      skipSpace();
      if (pos >= s.length()) {
        throw fail("object not closed: the line ended");
      }
      char c = s.charAt(pos++);
      if (c == '}') {
        return o;
      }
      if (c != ',') {
        pos--;
        throw fail("expected ',' or '}' but found " + found());
      }
    }
  }

  private Object value(int depth) {
    if (pos >= s.length()) {
      throw fail("expected a value but the line ended");
    }
    char c = s.charAt(pos);
    switch (c) {
      case '{':
        return object(depth + 1);
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        throw fail("null is not allowed in trace lines");
      case '[':
        throw fail("arrays are not used in trace lines");
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw fail("expected a value but found " + found());
    }
  }

  private Object literal(String word, Object v) {
    if (!s.startsWith(word, pos)) {
      throw fail("expected " + word);
    }
    pos += word.length();
    return v;
  }

  private Object number() {
    int start = pos;
    if (s.charAt(pos) == '-') {
      pos++;
    }
    int intStart = pos;
    if (pos < s.length() && s.charAt(pos) == '0') {
      pos++;
    } else if (!digits()) {
      throw fail("expected digits in a number");
    }
    if (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
      pos = intStart;
      throw fail("a number must not have a leading zero");
    }
    boolean integral = true;
    if (pos < s.length() && s.charAt(pos) == '.') {
      pos++;
      integral = false;
      if (!digits()) {
        throw fail("expected digits after the decimal point");
      }
    }
    if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      pos++;
      integral = false;
      if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
        pos++;
      }
      if (!digits()) {
        throw fail("expected digits in the exponent");
      }
    }
    String text = s.substring(start, pos);
    if (integral) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        pos = start;
        throw fail("integer " + text + " is out of the 64-bit range");
      }
    }
    double d = Double.parseDouble(text);
    if (!Double.isFinite(d)) {
      pos = start;
      throw fail("number " + text + " is out of range");
    }
    return d;
  }

  private boolean digits() {
    int start = pos;
    while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
      pos++;
    }
    return pos > start;
  }

  private String string() {
    expect('"');
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        throw fail("string not closed: the line ended");
      }
      char c = s.charAt(pos++);
      if (c == '"') {
        return b.toString();
      }
      if (c < 0x20) {
        pos--;
        throw fail("raw control character " + found() + " in a string (must be escaped)");
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (pos >= s.length()) {
        throw fail("string not closed: the line ended in an escape");
      }
      char e = s.charAt(pos++);
      switch (e) {
        case '"':
        case '\\':
        case '/':
          b.append(e);
          break;
        case 'b':
          b.append('\b');
          break;
        case 'f':
          b.append('\f');
          break;
        case 'n':
          b.append('\n');
          break;
        case 'r':
          b.append('\r');
          break;
        case 't':
          b.append('\t');
          break;
        case 'u':
          b.append(hex4());
          break;
        default:
          pos--;
          throw fail("bad escape \\" + found().replace("'", ""));
      }
    }
  }

  private char hex4() {
    if (pos + 4 > s.length()) {
      throw fail("\\u escape needs 4 hex digits");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(s.charAt(pos), 16);
      if (d < 0) {
        throw fail("\\u escape needs 4 hex digits but found " + found());
      }
      v = v * 16 + d;
      pos++;
    }
    return (char) v;
  }
}
