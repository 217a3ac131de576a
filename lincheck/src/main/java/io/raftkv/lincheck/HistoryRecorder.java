package io.raftkv.lincheck;

import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Records calls from many client threads into a history for {@link LinearizabilityChecker}.
 *
 * <p>Call {@code invoke...} just before sending a request and one of {@link #ok}, {@link #okCas},
 * {@link #failed} or {@link #ambiguous} just after its answer (or failure) arrives: the
 * recorded interval must contain the moment the store applied the call. A call never completed
 * by the time {@link #history()} is taken is reported as ambiguous.
 *
 * <p>Thread-safe. The clock must be monotonic and shared by all threads; it is injectable so
 * simulations can record simulated time.
 */
public final class HistoryRecorder {

  private final LongSupplier clock;
  // One lock for both collections, so a snapshot never sees a call in neither or in both.
  private final Object lock = new Object();
  private long nextId;
  private final Map<Long, Operation> pending = new HashMap<>();
  private final List<Operation> completed = new ArrayList<>();

  /** A recorder on {@link System#nanoTime()}. */
  public HistoryRecorder() {
    this(System::nanoTime);
  }

  /** A recorder on the given monotonic nanosecond clock. */
  public HistoryRecorder(LongSupplier clock) {
    this.clock = clock;
  }

  /** Records the start of a get; returns the call's id for its completion. */
  public long invokeGet(int clientId, String key) {
    return invoke(clientId, Operation.Kind.GET, key, null, null);
  }

  /** Records the start of a put of {@code value}. */
  public long invokePut(int clientId, String key, String value) {
    return invoke(clientId, Operation.Kind.PUT, key, null, value);
  }

  /** Records the start of a delete. */
  public long invokeDelete(int clientId, String key) {
    return invoke(clientId, Operation.Kind.DELETE, key, null, null);
  }

  /** Records the start of a compare-and-set from {@code expected} (null: absent). */
  public long invokeCas(int clientId, String key, String expected, String newValue) {
    return invoke(clientId, Operation.Kind.CAS, key, expected, newValue);
  }

  private long invoke(int clientId, Operation.Kind kind, String key, String expected,
      String value) {
    synchronized (lock) {
      long id = nextId++;
      // Stored as ambiguous until completed: that is what an unanswered call is.
      pending.put(id, new Operation(clientId, kind, key, expected, value, null, false,
          clock.getAsLong(), Long.MAX_VALUE, Operation.Outcome.AMBIGUOUS));
      return id;
    }
  }

  /** Completes a get, put or delete; {@code output} is the value a get read (null: absent). */
  public void ok(long callId, String output) {
    complete(callId, (p, now) -> new Operation(p.clientId(), p.kind(), p.key(), p.expected(),
        p.value(), output, false, p.invokeNanos(), now, Operation.Outcome.OK));
  }

  /** Completes a CAS with the store's answer ({@code found}: the value it saw). */
  public void okCas(long callId, boolean succeeded, String found) {
    complete(callId, (p, now) -> new Operation(p.clientId(), p.kind(), p.key(), p.expected(),
        p.value(), found, succeeded, p.invokeNanos(), now, Operation.Outcome.OK));
  }

  /** Completes a call known not to have taken effect. */
  public void failed(long callId) {
    complete(callId, (p, now) -> new Operation(p.clientId(), p.kind(), p.key(), p.expected(),
        p.value(), null, false, p.invokeNanos(), now, Operation.Outcome.FAILED_DEFINITELY));
  }

  /** Completes a call that may or may not have taken effect (timeout, lost connection). */
  public void ambiguous(long callId) {
    complete(callId, (p, now) -> p);
  }

  /** A snapshot of everything recorded so far, unfinished calls included as ambiguous. */
  public List<Operation> history() {
    synchronized (lock) {
      List<Operation> all = new ArrayList<>(completed);
      all.addAll(pending.values());
      return all;
    }
  }

  private void complete(long callId, Completion completion) {
    synchronized (lock) {
      // Moved from pending to completed under one lock, so snapshots stay consistent.
      Operation p = pending.remove(callId);
      if (p == null) {
        throw new IllegalStateException("call " + callId + " unknown or already completed");
      }
      completed.add(completion.finish(p, clock.getAsLong()));
    }
  }

  private interface Completion {
    Operation finish(Operation pending, long returnNanos);
  }
}
