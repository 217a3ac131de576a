package io.raftkv.trace;

/**
 * One trace (e.g. one client operation) as seen by one process: records actions into the
 * process's {@link Tracer} under this trace's id, and makes tokens to send along with RPCs.
 * Obtained from {@link Tracer#createTrace()}, {@link Tracer#receiveToken} or
 * {@link Tracer#traceOf}. Thread-safe.
 */
public interface Trace {
  /** The trace id (printable ASCII, no space), the same in every process the trace visits. */
  String id();

  /**
   * Ticks the tracer's vector clock and writes one event: this host, the new clock, this trace's
   * id, the action's name and fields. A no-op on {@link Tracer#noop()} and after
   * {@link Tracer#close()}.
   *
   * @throws NullPointerException if action or one of its String fields is null
   * @throws java.io.UncheckedIOException if the trace file cannot be written
   */
  void recordAction(TraceAction action);

  /**
   * A token to send with an RPC: this trace's id and a copy of the tracer's clock as of its
   * latest recorded event. Record the send action first (e.g. {@code PutSend}) so the receiver's
   * events come causally after it. Records nothing and does not tick the clock (see
   * {@link Tracer} for why).
   */
  TraceToken generateToken();
}
