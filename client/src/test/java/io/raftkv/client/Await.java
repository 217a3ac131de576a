package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.BooleanSupplier;

/** Polls for a condition with a generous bound instead of sleeping and hoping. */
final class Await {
  private Await() {}

  static final long BOUND_MILLIS = 10_000;

  static void until(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + BOUND_MILLIS * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + BOUND_MILLIS + " ms waiting until " + what);
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted waiting until " + what);
      }
    }
  }
}
