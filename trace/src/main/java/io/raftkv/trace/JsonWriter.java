package io.raftkv.trace;

import java.util.Map;

/**
 * Minimal JSON output for trace lines. Strings escape quotes, backslashes, every control
 * character and the line separators JavaScript's and Java's {@code .} do not match (U+0085,
 * U+2028, U+2029), so one event always stays on one line of a ShiViz log; lone surrogates are
 * escaped so the UTF-8 file round-trips.
 */
final class JsonWriter {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonWriter() {}

  static void appendString(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        default:
          if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029
              || isLoneSurrogate(s, i)) {
            b.append("\\u").append(HEX[(c >> 12) & 15]).append(HEX[(c >> 8) & 15])
                .append(HEX[(c >> 4) & 15]).append(HEX[c & 15]);
          } else {
            b.append(c);
          }
      }
    }
    b.append('"');
  }

  private static boolean isLoneSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
    }
    return false;
  }

  /** A scalar: String, Long, Integer, Boolean or a finite Double. */
  static void appendValue(StringBuilder b, Object v) {
    if (v instanceof String) {
      appendString(b, (String) v);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Boolean) {
      b.append(v);
    } else if (v instanceof Double && Double.isFinite((Double) v)) {
      b.append(((Double) v).doubleValue());
    } else {
      throw new IllegalArgumentException("cannot write " + v + " ("
          + (v == null ? "null" : v.getClass().getSimpleName()) + ") in a trace line");
    }
  }

  /** A flat object of scalars, in the map's order. */
  static void appendObject(StringBuilder b, Map<String, ?> fields) {
    b.append('{');
    boolean first = true;
    for (Map.Entry<String, ?> e : fields.entrySet()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      appendString(b, e.getKey());
      b.append(':');
      appendValue(b, e.getValue());
    }
    b.append('}');
  }
}
