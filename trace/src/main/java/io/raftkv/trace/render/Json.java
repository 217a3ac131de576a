package io.raftkv.trace.render;

import java.util.Map;

/**
 * Writes the JSON the page embeds. Strings escape {@code <}, {@code >} and {@code &} as
 * {@code \}{@code u00XX} so the JSON can sit inside a script element of an HTML page.
 */
final class Json {
  private Json() {
  }

  /** Appends {@code value} (String, Number, Boolean, Map or null) as JSON. */
  static void value(StringBuilder sb, Object value) {
    if (value == null) {
      sb.append("null");
    } else if (value instanceof String) {
      string(sb, (String) value);
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isFinite(d)) {
        sb.append(d);
      } else {
        string(sb, String.valueOf(d));
      }
    } else if (value instanceof Number || value instanceof Boolean) {
      sb.append(value);
    } else if (value instanceof Map) {
      object(sb, (Map<?, ?>) value);
    } else {
      string(sb, String.valueOf(value));
    }
  }

  /** Appends a map as a JSON object, keys in the map's order. */
  static void object(StringBuilder sb, Map<?, ?> map) {
    sb.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      string(sb, String.valueOf(e.getKey()));
      sb.append(':');
      value(sb, e.getValue());
    }
    sb.append('}');
  }

  /** Appends a JSON string literal. */
  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }
}
