package io.raftkv.client;

import java.util.random.RandomGenerator;

/** The wait before a retry, as {@link RetryPolicy} describes it. */
final class Backoff {
  private Backoff() {}

  /**
   * The wait before retry number {@code retry} (from 1): between half and all of the capped
   * exponential step, so the wait still grows when the random draw is small.
   */
  static long delayNanos(RetryPolicy policy, int retry, RandomGenerator random) {
    long initial = policy.initialBackoff().toNanos();
    long max = policy.maxBackoff().toNanos();
    long step = initial;
    for (int i = 1; i < retry && step < max; i++) {
      step = step > max / 2 ? max : step * 2;
    }
    step = Math.min(step, max);
    long half = step / 2;
    return half + (step - half == 0 ? 0 : random.nextLong(step - half + 1));
  }
}
