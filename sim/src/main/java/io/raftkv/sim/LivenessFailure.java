package io.raftkv.sim;

/** A liveness bound was missed. */
final class LivenessFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  LivenessFailure(String message) {
    super("liveness: " + message);
  }
}
