package io.raftkv.kv;

import io.raftkv.raft.Entry;
import java.nio.charset.StandardCharsets;

/**
 * Test helper: a state machine fed through real log entries and the real codec, with the index
 * and the leader's clock kept for the test.
 */
final class Driver {
  final KvStateMachine sm;
  long nowMillis = 1_000;
  long term = 1;

  Driver(KvConfig config) {
    this.sm = new KvStateMachine(config);
  }

  Driver() {
    this(KvConfig.defaults());
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String s(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  long nextIndex() {
    return sm.appliedIndex() + 1;
  }

  ApplyResult apply(Command command) {
    return sm.apply(Entry.normal(nextIndex(), term, CommandCodec.encode(command)));
  }

  ApplyResult put(long client, long op, String key, String value) {
    return apply(new Command.Put(client, op, nowMillis, b(key), b(value)));
  }

  ApplyResult delete(long client, long op, String key) {
    return apply(new Command.Delete(client, op, nowMillis, b(key)));
  }

  ApplyResult cas(long client, long op, String key, String expected, String newValue) {
    return apply(new Command.Cas(client, op, nowMillis, b(key),
        expected == null ? null : b(expected), b(newValue)));
  }

  ApplyResult noop() {
    return sm.apply(Entry.noop(nextIndex(), term));
  }

  String get(String key) {
    return s(sm.get(b(key)).value());
  }
}
