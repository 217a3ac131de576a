package io.raftkv.trace;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of every {@link TraceAction}, read once from the records' components, so the
 * names and types written to a trace file and checked when reading one cannot drift apart from
 * the records.
 */
final class ActionSchema {
  /** One field: its name, the JSON type it is written as, and the record accessor. */
  record Field(String name, Class<?> jsonType, Method accessor) {}

  private static final ClassValue<List<Field>> BY_CLASS = new ClassValue<>() {
    @Override
    protected List<Field> computeValue(Class<?> type) {
      return fieldsOfRecord(type);
    }
  };

  private static final Map<String, List<Field>> BY_NAME = byName();

  private ActionSchema() {}

  private static Map<String, List<Field>> byName() {
    Map<String, List<Field>> m = new LinkedHashMap<>();
    for (Class<?> c : TraceAction.class.getPermittedSubclasses()) {
      m.put(c.getSimpleName(), BY_CLASS.get(c));
    }
    return Collections.unmodifiableMap(m);
  }

  private static List<Field> fieldsOfRecord(Class<?> type) {
    List<Field> fields = new ArrayList<>();
    for (RecordComponent rc : type.getRecordComponents()) {
      Class<?> t = rc.getType();
      Class<?> json;
      if (t == int.class || t == long.class) {
        json = Long.class;
      } else if (t == boolean.class) {
        json = Boolean.class;
      } else if (t == String.class) {
        json = String.class;
      } else {
        throw new IllegalStateException(type.getSimpleName() + "." + rc.getName()
            + " has type " + t + "; trace fields are int, long, boolean or String");
      }
      fields.add(new Field(rc.getName(), json, rc.getAccessor()));
    }
    return List.copyOf(fields);
  }

  /** The names of all actions, in declaration order. */
  static Iterable<String> actionNames() {
    return BY_NAME.keySet();
  }

  /** The fields of the named action, or null if there is no such action. */
  static List<Field> fieldsOf(String actionName) {
    return BY_NAME.get(actionName);
  }

  static Map<String, Object> fieldsOf(TraceAction action) {
    List<Field> fields = BY_CLASS.get(action.getClass());
    Map<String, Object> out = new LinkedHashMap<>(fields.size() * 2);
    for (Field f : fields) {
      Object v;
      try {
        v = f.accessor().invoke(action);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("cannot read " + f.name() + " of " + action, e);
      }
      if (v == null) {
        throw new NullPointerException(action.name() + "." + f.name()
            + " is null; trace fields must not be null (use \"\" for an absent value)");
      }
      if (v instanceof Integer) {
        v = ((Integer) v).longValue();
      }
      out.put(f.name(), v);
    }
    return out;
  }
}
