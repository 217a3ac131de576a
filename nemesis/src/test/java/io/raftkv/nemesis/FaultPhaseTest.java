package io.raftkv.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link FaultPhase} against a fake clock: slow injections and heals must not shorten faults. */
class FaultPhaseTest {

  /** Time moves only when slept or when an action is slow. */
  static final class FakeClock implements FaultPhase.Clock {
    long now;
    int interruptAtSleep = -1;
    int sleeps;

    @Override
    public long nowMillis() {
      return now;
    }

    @Override
    public void sleepUntil(long millis) throws InterruptedException {
      if (sleeps++ == interruptAtSleep) {
        now += 10;
        throw new InterruptedException();
      }
      now = Math.max(now, millis);
    }
  }

  /** Records the fault intervals; each injection takes {@code injectCost}, each heal 50 ms. */
  static final class SlowInjector implements FaultPhase.Injector {
    final FakeClock clock;
    final long injectCost;
    final List<long[]> active = new ArrayList<>();
    boolean faultOn;

    SlowInjector(FakeClock clock, long injectCost) {
      this.clock = clock;
      this.injectCost = injectCost;
    }

    @Override
    public Runnable inject(FaultSchedule.Episode e) {
      assertFalse(faultOn, "one fault at a time");
      clock.now += injectCost; // finding the leader, SIGKILL and its wait
      faultOn = true;
      long on = clock.now;
      return () -> {
        active.add(new long[] {on, clock.now});
        clock.now += 50;
        faultOn = false;
      };
    }
  }

  @Test
  void onAnIdleMachineThePhaseIsThePlan() {
    FaultSchedule s = FaultSchedule.generate(7, 30_000);
    FakeClock clock = new FakeClock();
    clock.now = 1_000;
    FaultPhase.Result r = FaultPhase.run(s, clock, new SlowInjector(clock, 0), o -> { });
    assertEquals(s.episodes().size(), r.full().size());
    assertTrue(r.cutShort().isEmpty());
    for (FaultPhase.Outcome o : r.outcomes()) {
      assertEquals(o.episode().durationMillis(), o.lastedMillis());
    }
    // only the 50 ms heals add up
    assertTrue(r.extendedMillis() <= 0, "" + r);
    assertEquals(1_000 + s.healAllMillis() + s.settleMillis(), r.stopClientsAt());
  }

  @Test
  void slowInjectionsStretchTheRunNotTheFaults() {
    for (long seed = 0; seed < 200; seed++) {
      FaultSchedule s = FaultSchedule.generate(seed, 25_000);
      FakeClock clock = new FakeClock();
      // a busy machine: every injection takes 3 s (the old loop cut late faults to milliseconds)
      SlowInjector inj = new SlowInjector(clock, 3_000);
      List<FaultPhase.Outcome> heard = new ArrayList<>();
      FaultPhase.Result r = FaultPhase.run(s, clock, inj, heard::add);
      assertEquals(r.outcomes(), heard);
      assertEquals(s.episodes().size(), r.full().size(), "every planned fault ran");
      assertTrue(r.cutShort().isEmpty());
      long prevHealEnd = 0;
      for (int i = 0; i < r.outcomes().size(); i++) {
        FaultPhase.Outcome o = r.outcomes().get(i);
        long[] on = inj.active.get(i);
        assertTrue(on[1] - on[0] >= o.episode().durationMillis(), "fault kept its duration");
        assertTrue(on[1] - on[0] >= FaultSchedule.MIN_FAULT_MILLIS);
        assertTrue(on[0] - prevHealEnd >= s.calmBeforeMillis(i), "calm kept before fault " + i);
        prevHealEnd = on[1] + 50;
      }
      assertEquals(prevHealEnd, r.lastHealDone());
      assertEquals(r.lastHealDone() + s.settleMillis(), r.stopClientsAt(),
          "clients go on for the settle period after the last heal");
      assertTrue(r.extendedMillis() >= 3_000L * s.episodes().size() - s.healAllMillis(),
          "" + r.extendedMillis());
    }
  }

  @Test
  void aFaultThatDidNotTakeEffectIsNotCounted() {
    FaultSchedule s = FaultSchedule.generate(3, 20_000);
    FakeClock clock = new FakeClock();
    int[] n = {0};
    FaultPhase.Result r = FaultPhase.run(s, clock, e -> n[0]++ == 1 ? null : () -> { }, o -> { });
    assertEquals(s.episodes().size() - 1, r.full().size());
    assertEquals(1, r.cutShort().size());
    assertFalse(r.cutShort().get(0).injected());
  }

  @Test
  void interruptedHealsAtOnceAndReportsTheFaultCutShort() {
    FaultSchedule s = FaultSchedule.generate(3, 20_000);
    FakeClock clock = new FakeClock();
    clock.interruptAtSleep = 3; // calm 0, fault 0, calm 1, fault 1 <- interrupted
    SlowInjector inj = new SlowInjector(clock, 0);
    FaultPhase.Result r;
    try {
      r = FaultPhase.run(s, clock, inj, o -> { });
      assertTrue(Thread.interrupted(), "the interrupt is passed on");
    } finally {
      Thread.interrupted();
    }
    assertTrue(r.interrupted());
    assertEquals(2, r.outcomes().size());
    assertEquals(1, r.full().size());
    assertEquals(1, r.cutShort().size());
    assertTrue(r.cutShort().get(0).lastedMillis() < s.episodes().get(1).durationMillis());
    assertFalse(inj.faultOn, "the cut-short fault was healed");
  }
}
