package io.raftkv.cli.demo;

/**
 * One expected outcome of a demo scenario and whether the run met it.
 *
 * @param what the expectation, in words
 * @param passed whether it was met
 * @param evidence what was observed (printed beside the verdict; may be empty)
 */
record Verdict(String what, boolean passed, String evidence) {

  static Verdict of(String what, boolean passed, String evidence) {
    return new Verdict(what, passed, evidence == null ? "" : evidence);
  }

  /** The line printed for it: {@code PASS  what  [evidence]}. */
  String line() {
    return (passed ? "PASS  " : "FAIL  ") + what + (evidence.isEmpty() ? "" : "  [" + evidence + "]");
  }
}
