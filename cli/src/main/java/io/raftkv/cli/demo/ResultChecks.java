package io.raftkv.cli.demo;

import io.raftkv.client.OpResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Verdicts on what a client observed: the OpIds its calls got, the order its results arrived in,
 * and their values. Pure functions, so that they can be tested on doctored observations.
 */
final class ResultChecks {
  private ResultChecks() {}

  /** Each call got the next OpId: 1, 2, 3, ... in call order. */
  static Verdict opIdsInCallOrder(List<Long> opIdsByCall) {
    List<Long> want = new ArrayList<>();
    for (long i = 1; i <= opIdsByCall.size(); i++) {
      want.add(i);
    }
    return Verdict.of("the OpIds follow the order of the calls (1.." + opIdsByCall.size() + ")",
        want.equals(opIdsByCall), "calls got " + abbreviate(opIdsByCall));
  }

  /** Every result arrived, and the results on each key arrived in rising OpId order. */
  static Verdict perKeyArrivalInOpIdOrder(List<OpResult> arrivals, int expectedCount) {
    Map<String, Long> last = new HashMap<>();
    String problem = null;
    for (OpResult r : arrivals) {
      Long before = last.put(r.key(), r.opId());
      if (before != null && before >= r.opId() && problem == null) {
        problem = "result #" + r.opId() + " on " + r.key() + " arrived after #" + before;
      }
    }
    if (arrivals.size() != expectedCount && problem == null) {
      problem = arrivals.size() + " of " + expectedCount + " results arrived";
    }
    List<Long> order = arrivals.stream().map(OpResult::opId).toList();
    return Verdict.of("results arrive in OpId order on each key",
        problem == null, problem != null ? problem : "arrival order " + abbreviate(order));
  }

  /**
   * Every Get on {@code key} returned the value of the Put on that key with the highest OpId
   * below its own (as the client observed the Puts), or nothing if there was none; every
   * operation succeeded.
   */
  static Verdict getsSeeLatestEarlierPut(List<OpResult> results, String key) {
    List<OpResult> sorted = results.stream().filter(r -> r.key().equals(key))
        .sorted(Comparator.comparingLong(OpResult::opId)).toList();
    String latest = null;
    int gets = 0;
    String problem = null;
    for (OpResult r : sorted) {
      if (!r.ok()) {
        problem = "#" + r.opId() + " failed: " + r.error().getMessage();
        break;
      }
      if (r.type() == OpResult.Type.PUT) {
        latest = r.value();
      } else {
        gets++;
        if (!Objects.equals(latest, r.value())) {
          problem = "Get #" + r.opId() + " returned " + show(r.value()) + ", the latest earlier Put"
              + " wrote " + show(latest);
          break;
        }
      }
    }
    return Verdict.of("each Get(" + key + ") returns the value of the Put with the highest lower"
        + " OpId", problem == null && gets > 0,
        problem != null ? problem : gets == 0 ? "no Get(" + key + ") result" : gets + " Gets checked");
  }

  /**
   * The results, by OpId, are identical (type, key, value, success) to {@code reference}, for
   * example the fault-free run's.
   */
  static Verdict identicalTo(String referenceName, List<Workload.Outcome> reference,
      List<OpResult> results) {
    List<Workload.Outcome> got = results.stream().filter(OpResult::ok)
        .sorted(Comparator.comparingLong(OpResult::opId)).map(Workload.Outcome::of).toList();
    long failed = results.stream().filter(r -> !r.ok()).count();
    String detail;
    if (failed > 0) {
      detail = failed + " operation(s) failed";
    } else if (got.equals(reference)) {
      detail = got.size() + " results, e.g. " + abbreviate(got);
    } else {
      detail = firstDifference(reference, got);
    }
    return Verdict.of("OpIds and values identical to " + referenceName,
        failed == 0 && got.equals(reference), detail);
  }

  static String firstDifference(List<Workload.Outcome> want, List<Workload.Outcome> got) {
    for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
      if (!want.get(i).equals(got.get(i))) {
        return "expected " + want.get(i) + ", got " + got.get(i);
      }
    }
    return "expected " + want.size() + " results, got " + got.size();
  }

  static String show(String value) {
    return value == null ? "<empty>" : value;
  }

  static <T> String abbreviate(List<T> items) {
    if (items.size() <= 8) {
      return items.toString();
    }
    return items.subList(0, 4).stream().map(String::valueOf).collect(Collectors.joining(", ", "[",
        ", ..., ")) + items.subList(items.size() - 3, items.size()).stream().map(String::valueOf)
        .collect(Collectors.joining(", ", "", "]"));
  }
}
