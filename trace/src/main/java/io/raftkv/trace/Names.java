package io.raftkv.trace;

/**
 * The syntax of host names and trace ids. Both end up in file names and in ShiViz lines, whose
 * parser splits on the first space, so they must be short, printable and free of whitespace.
 */
final class Names {
  static final int MAX_HOST_LENGTH = 128;
  static final int MAX_TRACE_ID_LENGTH = 256;

  private Names() {}

  /** Hosts: 1..128 of {@code A-Z a-z 0-9 . _ -}, not "." or ".." (they name files). */
  static String checkHost(String host) {
    if (host == null) {
      throw new IllegalArgumentException("host is null");
    }
    String problem = hostProblem(host);
    if (problem != null) {
      throw new IllegalArgumentException("bad host name \"" + printable(host) + "\": " + problem);
    }
    return host;
  }

  static String hostProblem(String host) {
    if (host.isEmpty()) {
      return "empty";
    }
    if (host.length() > MAX_HOST_LENGTH) {
      return "longer than " + MAX_HOST_LENGTH + " characters";
    }
    if (host.equals(".") || host.equals("..")) {
      return "not a usable file name";
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
      if (!ok) {
        return "character " + describe(c) + " at " + i + " (allowed: letters, digits, . _ -)";
      }
    }
    return null;
  }

  /** Trace ids: 1..256 printable ASCII characters, no space. */
  static String checkTraceId(String traceId) {
    if (traceId == null) {
      throw new IllegalArgumentException("trace id is null");
    }
    String problem = traceIdProblem(traceId);
    if (problem != null) {
      throw new IllegalArgumentException(
          "bad trace id \"" + printable(traceId) + "\": " + problem);
    }
    return traceId;
  }

  static String traceIdProblem(String traceId) {
    if (traceId.isEmpty()) {
      return "empty";
    }
    if (traceId.length() > MAX_TRACE_ID_LENGTH) {
      return "longer than " + MAX_TRACE_ID_LENGTH + " characters";
    }
    for (int i = 0; i < traceId.length(); i++) {
      char c = traceId.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return "character " + describe(c) + " at " + i + " (allowed: printable ASCII, no space)";
      }
    }
    return null;
  }

  private static String describe(char c) {
    return c > 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

  /** The first 80 characters of s with control characters escaped, for error messages. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 80; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return s.length() > 80 ? b + "..." : b.toString();
  }
}
