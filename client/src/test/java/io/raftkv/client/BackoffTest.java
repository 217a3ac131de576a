package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final RetryPolicy policy =
      new RetryPolicy(Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMillis(100));

  @Test
  void when_retrying_then_the_wait_doubles_up_to_the_cap_and_stays_within_half_to_full_step() {
    SplittableRandom random = new SplittableRandom(7);
    long[] steps = {10, 20, 40, 80, 100, 100, 100};
    for (int retry = 1; retry <= steps.length; retry++) {
      long step = Duration.ofMillis(steps[retry - 1]).toNanos();
      for (int draw = 0; draw < 200; draw++) {
        long delay = Backoff.delayNanos(policy, retry, random);
        assertTrue(delay >= step / 2 && delay <= step, "retry " + retry + " waited " + delay);
      }
    }
  }

  @Test
  void when_retried_very_often_then_the_wait_does_not_overflow() {
    long delay = Backoff.delayNanos(policy, 10_000, new SplittableRandom(1));
    assertTrue(delay <= Duration.ofMillis(100).toNanos() && delay >= Duration.ofMillis(50).toNanos());
  }

  @Test
  void when_backoff_is_zero_then_retries_are_immediate() {
    RetryPolicy none = new RetryPolicy(Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO);
    assertEquals(0, Backoff.delayNanos(none, 5, new SplittableRandom(1)));
  }
}
