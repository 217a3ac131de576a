package io.raftkv.nemesis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NemesisRunCountTest {

  @Test
  void aRunCountRunsThatManyRunsWhateverTheTime() {
    long s = 1_000_000_000L;
    // --runs 2 --time 30s with 30 s runs: the first run alone uses the whole budget
    assertTrue(Nemesis.anotherRun(1, 2, 40 * s, 30 * s, 30 * s));
    assertFalse(Nemesis.anotherRun(2, 2, 80 * s, 30 * s, 30 * s));
    // without a count: one run at least, then only while a whole run fits
    assertTrue(Nemesis.anotherRun(0, 0, 0, 30 * s, 10 * s));
    assertFalse(Nemesis.anotherRun(1, 0, 40 * s, 30 * s, 60 * s));
    assertTrue(Nemesis.anotherRun(1, 0, 30 * s, 30 * s, 60 * s));
  }
}
