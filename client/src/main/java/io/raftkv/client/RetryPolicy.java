package io.raftkv.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How the client retries an operation that got no definite answer.
 *
 * <p>Each attempt waits at most {@code perAttemptTimeout} for an answer. When a server times out or
 * is unavailable the client moves to the next server in the list (round robin) and resends the same
 * operation, with the same operation id, after a backoff; when a server is overloaded
 * ({@code RESOURCE_EXHAUSTED}) it backs off and retries the same server. The n-th retry of an
 * operation waits a random time between half and all of {@code min(maxBackoff, initialBackoff *
 * 2^(n-1))}: the jitter keeps many clients that lost the same server from retrying in lockstep.
 *
 * @param perAttemptTimeout how long one attempt waits for an answer; must be positive
 * @param initialBackoff the wait before the first retry; must not be negative
 * @param maxBackoff the cap on the wait between retries; at least {@code initialBackoff}
 */
public record RetryPolicy(Duration perAttemptTimeout, Duration initialBackoff, Duration maxBackoff) {

  /** Two seconds per attempt: a leader election in a healthy cluster finishes well within it. */
  public static final Duration DEFAULT_PER_ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

  /** The defaults: 2 s per attempt, backoff from 50 ms up to 2 s. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(DEFAULT_PER_ATTEMPT_TIMEOUT, Duration.ofMillis(50), Duration.ofSeconds(2));

  /** Checks the arguments; see the record description. */
  public RetryPolicy {
    Objects.requireNonNull(perAttemptTimeout, "perAttemptTimeout");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (perAttemptTimeout.isNegative() || perAttemptTimeout.isZero()) {
      throw new IllegalArgumentException("perAttemptTimeout must be positive, got " + perAttemptTimeout);
    }
    if (initialBackoff.isNegative()) {
      throw new IllegalArgumentException("initialBackoff must not be negative, got " + initialBackoff);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff (" + maxBackoff + ") must be at least initialBackoff (" + initialBackoff + ")");
    }
  }

  /** The same policy with another per-attempt timeout. */
  public RetryPolicy withPerAttemptTimeout(Duration timeout) {
    return new RetryPolicy(timeout, initialBackoff, maxBackoff);
  }
}
