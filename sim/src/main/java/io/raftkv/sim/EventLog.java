package io.raftkv.sim;

import java.io.PrintStream;
import java.util.ArrayDeque;

/**
 * The history of a run: a fingerprint of every event (to prove two runs identical) and the last
 * events in readable form (to explain a failure). With a sink, every event is also printed.
 */
final class EventLog {
  private static final int KEPT = 400;
  private final ArrayDeque<String> recent = new ArrayDeque<>();
  private final PrintStream sink;
  private long fingerprint = 0xcbf29ce484222325L;
  private long count;

  EventLog(PrintStream sink) {
    this.sink = sink;
  }

  void record(long timeMillis, String event) {
    String line = String.format("%8d ms  %s", timeMillis, event);
    for (int i = 0; i < line.length(); i++) {
      fingerprint = (fingerprint ^ line.charAt(i)) * 0x100000001b3L; // FNV-1a
    }
    count++;
    if (recent.size() == KEPT) {
      recent.removeFirst();
    }
    recent.addLast(line);
    if (sink != null) {
      sink.println(line);
    }
  }

  long fingerprint() {
    return fingerprint;
  }

  long count() {
    return count;
  }

  String recent(int lines) {
    StringBuilder sb = new StringBuilder();
    int skip = Math.max(0, recent.size() - lines);
    for (String l : recent) {
      if (skip-- > 0) {
        continue;
      }
      sb.append("    ").append(l).append('\n');
    }
    return sb.toString();
  }
}
