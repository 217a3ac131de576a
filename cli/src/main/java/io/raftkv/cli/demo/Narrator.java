package io.raftkv.cli.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints what a scenario does, step by step, and its verdicts as they are reached; keeps the
 * verdicts for the summary and the exit code.
 */
final class Narrator {
  private final PrintStream out;
  private final long startNanos = System.nanoTime();
  private final List<Verdict> verdicts = new ArrayList<>();

  Narrator(PrintStream out) {
    this.out = out;
  }

  /** One step, with the seconds since this narrator began. */
  void step(String what) {
    out.printf("%6.1fs  %s%n", (System.nanoTime() - startNanos) / 1e9, what);
  }

  /** Records and prints a verdict; returns whether it passed. */
  boolean verdict(Verdict v) {
    verdicts.add(v);
    out.println("        " + v.line());
    return v.passed();
  }

  boolean verdict(String what, boolean passed, String evidence) {
    return verdict(Verdict.of(what, passed, evidence));
  }

  void heading(String text) {
    out.println();
    out.println(text);
  }

  PrintStream out() {
    return out;
  }

  List<Verdict> verdicts() {
    return List.copyOf(verdicts);
  }
}
