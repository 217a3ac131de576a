package io.raftkv.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-operation options of {@link RaftKvClient}: an overall deadline and, for reads, the
 * consistency level. Immutable; start from {@link #defaults()}.
 *
 * <p>Without a deadline the client retries until it gets an answer or is closed, so it never
 * reports a failure for an operation that may have succeeded. With a deadline it gives up when the
 * deadline passes and fails the operation with {@link RaftKvException.Kind#DEADLINE_EXCEEDED},
 * saying that a write may have been applied. The deadline counts from the call, including any time
 * the operation waits behind earlier operations on the same key.
 */
public final class OpOptions {

  /** How fresh a read must be. */
  public enum Consistency {
    /** Reflects every write acknowledged before the read started (the server's ReadIndex). */
    LINEARIZABLE,
    /** Reads the contacted server's own applied state: cheaper, never forwarded, may be stale. */
    SERIALIZABLE
  }

  private static final OpOptions DEFAULTS = new OpOptions(null, Consistency.LINEARIZABLE);

  private final Duration deadline;
  private final Consistency consistency;

  private OpOptions(Duration deadline, Consistency consistency) {
    this.deadline = deadline;
    this.consistency = consistency;
  }

  /** No deadline, linearizable reads. */
  public static OpOptions defaults() {
    return DEFAULTS;
  }

  /**
   * These options with an overall deadline.
   *
   * @param deadline how long the operation may take from the call; must be positive
   */
  public OpOptions withDeadline(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive, got " + deadline);
    }
    return new OpOptions(deadline, consistency);
  }

  /** These options with another read consistency; ignored by writes. */
  public OpOptions withConsistency(Consistency consistency) {
    return new OpOptions(deadline, Objects.requireNonNull(consistency, "consistency"));
  }

  /** The overall deadline, if any. */
  public Optional<Duration> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** The read consistency. */
  public Consistency consistency() {
    return consistency;
  }
}
