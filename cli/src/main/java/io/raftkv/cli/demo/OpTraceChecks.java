package io.raftkv.cli.demo;

import io.raftkv.client.OpResult;
import io.raftkv.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Verdicts that tie what a client observed to the servers' traces: the result the client got for
 * an operation is the one a server logged on the return path (GetResult/PutResult with the same
 * clientId, OpId, key and value; an empty value in the trace is the client's "no value").
 */
final class OpTraceChecks {
  private OpTraceChecks() {}

  /** Every result {@code clientId} observed has a matching GetResult/PutResult event. */
  static Verdict resultsLogged(List<TraceEvent> events, String clientId, List<OpResult> results) {
    List<String> missing = new ArrayList<>();
    for (OpResult r : results) {
      if (!matched(events, clientId, r)) {
        missing.add("#" + r.opId());
      }
    }
    String what = results.size() == 1
        ? "the servers' trace has " + action(results.get(0)) + " for " + clientId + " OpId "
            + results.get(0).opId() + " with value " + ResultChecks.show(results.get(0).value())
        : "the servers' trace has a GetResult/PutResult with the observed value for each of "
            + clientId + "'s " + results.size() + " results";
    return Verdict.of(what, missing.isEmpty() && !results.isEmpty(),
        missing.isEmpty() ? "" : "no matching event for " + ResultChecks.abbreviate(missing));
  }

  static boolean matched(List<TraceEvent> events, String clientId, OpResult r) {
    String want = r.value() == null ? "" : r.value();
    for (TraceEvent e : TraceFacts.results(events, clientId, r.opId())) {
      if (e.action().equals(action(r)) && Objects.equals(TraceFacts.str(e, "key"), r.key())
          && Objects.equals(TraceFacts.str(e, "value"), want)) {
        return true;
      }
    }
    return false;
  }

  private static String action(OpResult r) {
    return r.type() == OpResult.Type.PUT ? "PutResult" : "GetResult";
  }
}
