package io.raftkv.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.OpResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdicts on what a client observed, on correct and on doctored observations. */
class ResultChecksTest {
  static OpResult put(long id, String k, String v) {
    return new OpResult(id, OpResult.Type.PUT, k, v, null);
  }

  static OpResult get(long id, String k, String v) {
    return new OpResult(id, OpResult.Type.GET, k, v, null);
  }

  /** What a correct store gives for the workload, as results. */
  static List<OpResult> correct(Workload w) {
    List<OpResult> out = new ArrayList<>();
    for (Workload.Outcome o : w.expected()) {
      out.add(new OpResult(o.opId(), o.type(), o.key(), o.value(), null));
    }
    return out;
  }

  @Test
  void the_model_answers_the_seed_workload_as_a_sequential_store_would() {
    Workload w = new Workload(List.of(Workload.get("k1"), Workload.put("k1", "a"),
        Workload.put("k1", "b"), Workload.get("k1"), Workload.get("k2")));
    List<Workload.Outcome> e = w.expected();
    assertNull(e.get(0).value());
    assertEquals("b", e.get(3).value());
    assertEquals(4, e.get(3).opId());
    assertNull(e.get(4).value());
  }

  @Test
  void when_results_are_correct_then_every_result_verdict_passes() {
    Workload w = Workload.seedScenario4(10);
    List<OpResult> results = correct(w);
    assertTrue(ResultChecks.getsSeeLatestEarlierPut(results, "k1").passed());
    assertTrue(ResultChecks.identicalTo("the model", w.expected(), results).passed());
    assertTrue(ResultChecks.perKeyArrivalInOpIdOrder(results, results.size()).passed());
    List<Long> ids = results.stream().map(OpResult::opId).toList();
    assertTrue(ResultChecks.opIdsInCallOrder(ids).passed());
  }

  @Test
  void when_a_get_returns_a_stale_value_then_the_latest_put_and_identity_verdicts_fail() {
    Workload w = Workload.seedScenario4(10);
    List<OpResult> results = new ArrayList<>(correct(w));
    // the Get after the second Put returns the first Put's value
    int i = 0;
    while (!(results.get(i).type() == OpResult.Type.GET && "v2".equals(results.get(i).value()))) {
      i++;
    }
    OpResult stale = results.get(i);
    results.set(i, get(stale.opId(), "k1", "v1"));
    assertFalse(ResultChecks.getsSeeLatestEarlierPut(results, "k1").passed());
    var v = ResultChecks.identicalTo("the model", w.expected(), results);
    assertFalse(v.passed());
    assertTrue(v.evidence().contains("#" + stale.opId()), v.evidence());
  }

  @Test
  void when_results_on_one_key_arrive_out_of_order_or_missing_then_the_arrival_verdict_fails() {
    List<OpResult> swapped = new ArrayList<>(List.of(put(1, "k1", "a"), get(2, "k1", "a"),
        get(3, "k2", null)));
    Collections.swap(swapped, 0, 1);
    assertFalse(ResultChecks.perKeyArrivalInOpIdOrder(swapped, 3).passed());
    List<OpResult> k2First = List.of(get(3, "k2", null), put(1, "k1", "a"), get(2, "k1", "a"));
    assertTrue(ResultChecks.perKeyArrivalInOpIdOrder(k2First, 3).passed());
    assertFalse(ResultChecks.perKeyArrivalInOpIdOrder(k2First.subList(0, 2), 3).passed());
  }

  @Test
  void when_opids_skip_or_repeat_then_the_call_order_verdict_fails() {
    assertFalse(ResultChecks.opIdsInCallOrder(List.of(1L, 3L, 2L)).passed());
    assertFalse(ResultChecks.opIdsInCallOrder(List.of(1L, 1L)).passed());
  }

  @Test
  void when_an_operation_failed_then_the_identity_verdict_fails() {
    Workload w = new Workload(List.of(Workload.put("k1", "a")));
    OpResult failed = new OpResult(1, OpResult.Type.PUT, "k1", null,
        new io.raftkv.client.RaftKvException(io.raftkv.client.RaftKvException.Kind.CLOSED,
            "stopped", true, null));
    assertFalse(ResultChecks.identicalTo("the model", w.expected(), List.of(failed)).passed());
  }
}
