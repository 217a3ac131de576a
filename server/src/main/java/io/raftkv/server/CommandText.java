package io.raftkv.server;

import io.raftkv.kv.Command;
import io.raftkv.kv.CommandCodec;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import java.nio.charset.StandardCharsets;

/**
 * The short human string a trace shows for a log entry ({@code Put(k1,v1)}, {@code Delete(k1)},
 * {@code Cas(k1,old,new)}, {@code Noop}): the {@code command} of Apply and the {@code operation}
 * of Commit. Keys and values longer than {@value #MAX_CHARS} characters are cut with an ellipsis
 * so one large value cannot swell the trace.
 */
final class CommandText {
  static final int MAX_CHARS = 40;

  private CommandText() {}

  static String of(Entry e) {
    if (e.type() == EntryType.NOOP) {
      return "Noop";
    }
    Command c;
    try {
      c = CommandCodec.decode(e.data());
    } catch (IllegalArgumentException bad) {
      // Applying will refuse it and stop the node; the trace just says what it saw.
      return "Undecodable(" + e.data().length + " bytes)";
    }
    if (c instanceof Command.Put p) {
      return "Put(" + text(p.key()) + "," + text(p.value()) + ")";
    }
    if (c instanceof Command.Delete d) {
      return "Delete(" + text(d.key()) + ")";
    }
    Command.Cas cas = (Command.Cas) c;
    return "Cas(" + text(cas.key()) + "," + (cas.expected() == null ? "<absent>"
        : text(cas.expected())) + "," + text(cas.newValue()) + ")";
  }

  /** UTF-8 text of {@code bytes} (malformed sequences replaced), cut to {@value #MAX_CHARS}. */
  static String text(byte[] bytes) {
    String s = new String(bytes, StandardCharsets.UTF_8);
    return s.length() <= MAX_CHARS ? s : s.substring(0, MAX_CHARS - 1) + "…";
  }
}
