package io.raftkv.trace;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One trace line: writing it and reading it back with every field checked. */
final class EventCodec {
  private static final List<String> KEYS =
      List.of("host", "seq", "clock", "trace", "action", "fields", "wallMicros");

  private EventCodec() {}

  static void format(StringBuilder b, String host, long seq, VectorClock clock, String traceId,
      String action, Map<String, Object> fields, long wallMicros) {
    b.append("{\"host\":");
    JsonWriter.appendString(b, host);
    b.append(",\"seq\":").append(seq).append(",\"clock\":");
    clock.appendJson(b);
    b.append(",\"trace\":");
    JsonWriter.appendString(b, traceId);
    b.append(",\"action\":");
    JsonWriter.appendString(b, action);
    b.append(",\"fields\":");
    JsonWriter.appendObject(b, fields);
    b.append(",\"wallMicros\":").append(wallMicros).append('}');
  }

  /**
   * Parses one line.
   *
   * @throws IllegalArgumentException naming the problem
   */
  static TraceEvent parse(String line) {
    LinkedHashMap<String, Object> o = JsonParser.parseObject(line);
    for (String k : o.keySet()) {
      if (!KEYS.contains(k)) {
        throw new IllegalArgumentException("unknown key \"" + Names.printable(k) + "\"");
      }
    }
    for (String k : KEYS) {
      if (!o.containsKey(k)) {
        throw new IllegalArgumentException("missing key \"" + k + "\"");
      }
    }
    String host = get(o, "host", String.class);
    String hostProblem = Names.hostProblem(host);
    if (hostProblem != null) {
      throw new IllegalArgumentException("bad host \"" + Names.printable(host) + "\": "
          + hostProblem);
    }
    long seq = get(o, "seq", Long.class);
    if (seq < 1) {
      throw new IllegalArgumentException("seq " + seq + " is below 1");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> rawClock = get(o, "clock", LinkedHashMap.class);
    VectorClock clock = clock(rawClock);
    if (clock.get(host) != seq) {
      throw new IllegalArgumentException("the clock's entry for " + host + " is "
          + clock.get(host) + " but seq is " + seq + " (they must be equal)");
    }
    String traceId = get(o, "trace", String.class);
    String idProblem = Names.traceIdProblem(traceId);
    if (idProblem != null) {
      throw new IllegalArgumentException("bad trace id \"" + Names.printable(traceId) + "\": "
          + idProblem);
    }
    String action = get(o, "action", String.class);
    @SuppressWarnings("unchecked")
    LinkedHashMap<String, Object> fields = get(o, "fields", LinkedHashMap.class);
    checkFields(action, fields);
    long wallMicros = get(o, "wallMicros", Long.class);
    return new TraceEvent(host, seq, clock, traceId, action, fields, wallMicros);
  }

  private static <T> T get(Map<String, Object> o, String key, Class<T> type) {
    Object v = o.get(key);
    if (!type.isInstance(v)) {
      throw new IllegalArgumentException("\"" + key + "\" must be " + jsonName(type)
          + " but is " + jsonName(v.getClass()));
    }
    return type.cast(v);
  }

  private static String jsonName(Class<?> type) {
    if (type == String.class) {
      return "a string";
    }
    if (type == Long.class) {
      return "an integer";
    }
    if (type == Double.class) {
      return "a fractional number";
    }
    if (type == Boolean.class) {
      return "a boolean";
    }
    return "an object";
  }

  private static VectorClock clock(Map<String, Object> raw) {
    Map<String, Long> entries = new HashMap<>();
    for (Map.Entry<String, Object> e : raw.entrySet()) {
      String h = e.getKey();
      String problem = Names.hostProblem(h);
      if (problem != null) {
        throw new IllegalArgumentException("clock: bad host \"" + Names.printable(h) + "\": "
            + problem);
      }
      if (!(e.getValue() instanceof Long) || (Long) e.getValue() < 1) {
        throw new IllegalArgumentException("clock: the entry for " + h
            + " must be an integer of at least 1 but is " + e.getValue());
      }
      entries.put(h, (Long) e.getValue());
    }
    return VectorClock.of(entries);
  }

  private static void checkFields(String action, Map<String, Object> fields) {
    List<ActionSchema.Field> schema = ActionSchema.fieldsOf(action);
    if (schema == null) {
      throw new IllegalArgumentException("unknown action \"" + Names.printable(action)
          + "\" (known: " + String.join(", ", ActionSchema.actionNames()) + ")");
    }
    for (ActionSchema.Field f : schema) {
      Object v = fields.get(f.name());
      if (v == null) {
        throw new IllegalArgumentException(action + ": missing field \"" + f.name() + "\"");
      }
      if (!f.jsonType().isInstance(v)) {
        throw new IllegalArgumentException(action + "." + f.name() + " must be "
            + jsonName(f.jsonType()) + " but is " + jsonName(v.getClass()));
      }
    }
    if (fields.size() != schema.size()) {
      for (String k : fields.keySet()) {
        if (schema.stream().noneMatch(f -> f.name().equals(k))) {
          throw new IllegalArgumentException(action + ": unknown field \""
              + Names.printable(k) + "\"");
        }
      }
    }
  }
}
