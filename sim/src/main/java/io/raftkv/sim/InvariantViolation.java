package io.raftkv.sim;

/** A safety property of Raft did not hold in a simulated run. */
final class InvariantViolation extends RuntimeException {
  private static final long serialVersionUID = 1L;

  InvariantViolation(String message) {
    super(message);
  }
}
