package io.raftkv.trace;

import java.nio.file.Path;

/**
 * The tracing identity of one process role ({@code "client1"}, {@code "server3"},
 * {@code "raft3"}): it owns a vector clock and writes the events recorded through its
 * {@link Trace}s to {@code <dir>/<host>.trace.jsonl}, one JSON object per line (format in
 * {@link TraceLog}). Thread-safe; events are written in clock order.
 *
 * <p><b>Clock.</b> Every recorded action ticks the clock by one, so a host's own entry equals
 * the number of events it recorded (the event's {@code seq}). {@link Trace#generateToken()}
 * hands out the clock without ticking; {@link #receiveToken} merges the token's clock in without
 * ticking, and the next recorded action ticks. Ticks without events would leave gaps that ShiViz
 * rejects ("clock values for a host must increase monotonically by 1") and clock entries that
 * name no event.
 *
 * <p><b>Off.</b> {@link #noop()} is the tracer to use when tracing is off: {@link #enabled()}
 * is false and every method returns a constant without allocating or locking.
 *
 * <p><b>Host names</b> are 1..128 characters of {@code A-Z a-z 0-9 . _ -}: they are file names
 * and the first word of a ShiViz line.
 */
public interface Tracer extends AutoCloseable {

  /** The tracer that records nothing. */
  static Tracer noop() {
    return NoopTracer.INSTANCE;
  }

  /**
   * A tracer for host that appends to {@code dir/<host>.trace.jsonl}, creating dir if needed.
   * If the file exists (a restarted process), the clock continues from its last complete event
   * and a torn last line is cut off first. The file is locked while the tracer is open: two
   * tracers with one host and directory are an error.
   *
   * @throws IllegalArgumentException if host is not a valid host name
   * @throws IllegalStateException if another tracer (in this or another process) has the file
   * @throws java.io.UncheckedIOException if the directory or file cannot be created, read or
   *     locked, or the existing file is malformed before its last line
   */
  static Tracer toDirectory(String host, Path dir) {
    return FileTracer.open(host, dir, FileTracer::nowMicros);
  }

  /** This tracer's host name ({@code "noop"} for {@link #noop()}). */
  String host();

  /** False only for {@link #noop()}: callers may skip building actions when false. */
  boolean enabled();

  /** A new trace with a fresh id: {@code <host>-<counter>-<4 random hex digits>}. */
  Trace createTrace();

  /**
   * Merges token's clock into this tracer's clock (entry-wise maximum; the token's entry for
   * this host itself is ignored) and returns a handle on token's trace.
   */
  Trace receiveToken(TraceToken token);

  /** A handle on an existing trace id; the clock is not changed. */
  Trace traceOf(String traceId);

  /** Flushes and closes the file; later recordAction calls are ignored. Idempotent. */
  @Override
  void close();
}
