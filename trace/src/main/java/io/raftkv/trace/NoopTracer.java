package io.raftkv.trace;

/** The tracer for tracing off: constants only, no allocation, no locking. */
final class NoopTracer implements Tracer, Trace {
  static final NoopTracer INSTANCE = new NoopTracer();
  private static final TraceToken TOKEN = new TraceToken("noop", VectorClock.empty());

  private NoopTracer() {}

  @Override
  public String host() {
    return "noop";
  }

  @Override
  public boolean enabled() {
    return false;
  }

  @Override
  public Trace createTrace() {
    return this;
  }

  @Override
  public Trace receiveToken(TraceToken token) {
    return this;
  }

  @Override
  public Trace traceOf(String traceId) {
    return this;
  }

  @Override
  public void close() {}

  @Override
  public String id() {
    return "noop";
  }

  @Override
  public void recordAction(TraceAction action) {}

  @Override
  public TraceToken generateToken() {
    return TOKEN;
  }

  @Override
  public String toString() {
    return "Tracer.noop()";
  }
}
