package io.raftkv.cli.demo;

import io.raftkv.client.OpResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A script of operations one client issues without waiting (scenarios 4, 6 and 9), and what a
 * correct store answers to it: the i-th call gets OpId i; a Put answers with its value; a Get
 * answers with the value of the latest earlier Put to its key, or nothing (null) if there is none.
 *
 * @param ops the operations in call order
 */
record Workload(List<Op> ops) {

  /** One call: a Get (value null) or a Put. */
  record Op(OpResult.Type type, String key, String value) {
    @Override
    public String toString() {
      return type == OpResult.Type.PUT ? "Put(" + key + "," + value + ")" : "Get(" + key + ")";
    }
  }

  /** What a client observed for one operation (or, for the model, should observe). */
  record Outcome(long opId, OpResult.Type type, String key, String value) {
    static Outcome of(OpResult r) {
      return new Outcome(r.opId(), r.type(), r.key(), r.value());
    }

    @Override
    public String toString() {
      return "#" + opId + " " + (type == OpResult.Type.PUT ? "Put" : "Get") + "(" + key + ")="
          + (value == null ? "<empty>" : value);
    }
  }

  Workload {
    ops = List.copyOf(ops);
  }

  /**
   * The seed's scenario 4: a series of Puts and Gets at k1 (a Get first, so one Get finds k1 still
   * empty; some Puts back to back, so a Get skips over an overwritten value) and one final Get at
   * k2, {@code rounds} rounds long.
   */
  static Workload seedScenario4(int rounds) {
    List<Op> ops = new ArrayList<>();
    ops.add(get("k1"));
    int v = 0;
    for (int r = 1; r <= rounds; r++) {
      ops.add(put("k1", "v" + (++v)));
      if (r % 3 == 0) {
        ops.add(put("k1", "v" + (++v)));
      }
      ops.add(get("k1"));
    }
    ops.add(get("k2"));
    return new Workload(ops);
  }

  static Op get(String key) {
    return new Op(OpResult.Type.GET, key, null);
  }

  static Op put(String key, String value) {
    return new Op(OpResult.Type.PUT, key, value);
  }

  /** The outcomes a correct store gives, in OpId order (OpIds 1..n in call order). */
  List<Outcome> expected() {
    Map<String, String> latest = new HashMap<>();
    List<Outcome> out = new ArrayList<>();
    long opId = 0;
    for (Op op : ops) {
      opId++;
      if (op.type() == OpResult.Type.PUT) {
        latest.put(op.key(), op.value());
        out.add(new Outcome(opId, op.type(), op.key(), op.value()));
      } else {
        out.add(new Outcome(opId, op.type(), op.key(), latest.get(op.key())));
      }
    }
    return out;
  }
}
