package io.raftkv.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {

  @Test
  void sameSeedSameSchedule() {
    assertEquals(FaultSchedule.generate(42, 30_000), FaultSchedule.generate(42, 30_000));
    assertNotEquals(FaultSchedule.generate(42, 30_000), FaultSchedule.generate(43, 30_000));
  }

  @Test
  void episodesAreSequentialBoundedAndHealBeforeTheQuietPhase() {
    for (long seed = 0; seed < 500; seed++) {
      FaultSchedule s = FaultSchedule.generate(seed, 25_000);
      assertEquals(17_500, s.healAllMillis());
      assertEquals(3_750, s.settleMillis(), "clients go on until 85% of the planned run");
      long last = 0;
      for (FaultSchedule.Episode e : s.episodes()) {
        assertTrue(e.startMillis() >= last, "episodes do not overlap");
        assertEquals(e.startMillis() - last, s.calmBeforeMillis(e.index()));
        assertTrue(e.durationMillis() >= FaultSchedule.MIN_FAULT_MILLIS);
        assertTrue(e.endMillis() > e.startMillis());
        assertTrue(e.endMillis() - e.startMillis() <= 3_500);
        assertTrue(e.endMillis() <= s.healAllMillis());
        last = e.endMillis();
      }
      assertTrue(s.episodes().size() >= 4, "a 25 s run gets several faults: " + s);
    }
  }

  @Test
  void everyKindIsDrawn() {
    Set<FaultSchedule.Kind> seen = EnumSet.noneOf(FaultSchedule.Kind.class);
    for (long seed = 0; seed < 50; seed++) {
      FaultSchedule.generate(seed, 30_000).episodes().forEach(e -> seen.add(e.kind()));
    }
    assertEquals(EnumSet.allOf(FaultSchedule.Kind.class), seen);
  }

  @Test
  void spareIdsCoverTheMembershipEpisodesUpToTheBound() {
    int withMembership = 0;
    for (long seed = 0; seed < 200; seed++) {
      FaultSchedule s = FaultSchedule.generate(seed, 25_000);
      long m = s.episodes().stream().filter(e -> e.kind().membership()).count();
      assertEquals(Math.min(FaultSchedule.MAX_JOINS, m), s.spareIds());
      withMembership += m > 0 ? 1 : 0;
    }
    assertTrue(withMembership > 100, "most 25 s runs change the membership: " + withMembership);
  }

  @Test
  void shortRunsStillEnd() {
    FaultSchedule s = FaultSchedule.generate(1, 1_000);
    assertTrue(s.healAllMillis() >= s.episodes().stream()
        .mapToLong(FaultSchedule.Episode::endMillis).max().orElse(0));
  }
}
