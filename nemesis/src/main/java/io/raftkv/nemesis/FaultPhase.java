package io.raftkv.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Plays a {@link FaultSchedule} against a clock, keeping each episode's documented duration and
 * its calm-before whatever the machine's load: an episode starts its calm after the previous heal
 * has been done, and is healed no earlier than its duration after its injection completed
 * (finding the leader, a SIGKILL and its wait, can take seconds on a busy machine). The run grows
 * instead of the faults shrinking; the clients stop {@link FaultSchedule#settleMillis()} after the
 * last heal, and not before the planned point.
 *
 * <p>A fault is cut short only when the phase is interrupted (it is healed at once) or when its
 * injection did not take effect; those are reported apart and not counted as faults.
 */
final class FaultPhase {

  /** Milliseconds on some monotonic clock; the run uses {@code System.nanoTime}. */
  interface Clock {
    long nowMillis();

    /** Returns at or after {@code millis} (at once if it has passed). */
    void sleepUntil(long millis) throws InterruptedException;
  }

  /** Injects faults. */
  interface Injector {
    /**
     * Injects {@code e}'s fault; returns what heals it, or {@code null} if the fault could not be
     * put in place (nothing to heal).
     */
    Runnable inject(FaultSchedule.Episode e);
  }

  /**
   * What one episode did.
   *
   * @param injectedAt when the injection had completed (the fault in effect)
   * @param healAt     when the heal began
   * @param injected   false if the injection did not take effect
   */
  record Outcome(FaultSchedule.Episode episode, long injectedAt, long healAt, boolean injected) {
    long lastedMillis() {
      return healAt - injectedAt;
    }

    /** Lasted its documented duration (and so at least {@link FaultSchedule#MIN_FAULT_MILLIS}). */
    boolean full() {
      return injected && lastedMillis() >= episode.durationMillis()
          && lastedMillis() >= FaultSchedule.MIN_FAULT_MILLIS;
    }
  }

  /**
   * The phase's outcome.
   *
   * @param stopClientsAt when the clients should stop: the planned point or the last heal plus
   *                      the settle period, whichever is later
   * @param extendedMillis how much later than planned the clients stop: the last heal came late
   *                      because injecting and healing took time on a slow machine
   * @param interrupted   the phase was interrupted (the remaining episodes were not run)
   */
  record Result(List<Outcome> outcomes, long start, long lastHealDone, long stopClientsAt,
      long extendedMillis, boolean interrupted) {
    /** Faults that lasted their documented duration. */
    List<Outcome> full() {
      return outcomes.stream().filter(Outcome::full).toList();
    }

    /** Faults healed before their documented duration, or that did not take effect. */
    List<Outcome> cutShort() {
      return outcomes.stream().filter(o -> !o.full()).toList();
    }
  }

  private FaultPhase() {}

  /**
   * Runs every episode of {@code s} from now; {@code after} hears each outcome once its heal is
   * done. If interrupted, the active fault is healed at once, the rest are skipped and the
   * interrupt flag is set again.
   */
  static Result run(FaultSchedule s, Clock clock, Injector injector, Consumer<Outcome> after) {
    long start = clock.nowMillis();
    long healDone = start;
    List<Outcome> outcomes = new ArrayList<>();
    boolean interrupted = false;
    for (int i = 0; i < s.episodes().size() && !interrupted; i++) {
      FaultSchedule.Episode e = s.episodes().get(i);
      try {
        clock.sleepUntil(healDone + s.calmBeforeMillis(i));
      } catch (InterruptedException ie) {
        interrupted = true;
        break;
      }
      Runnable heal = injector.inject(e);
      long injectedAt = clock.nowMillis();
      if (heal == null) {
        Outcome o = new Outcome(e, injectedAt, injectedAt, false);
        outcomes.add(o);
        healDone = injectedAt;
        after.accept(o);
        continue;
      }
      try {
        clock.sleepUntil(injectedAt + e.durationMillis());
      } catch (InterruptedException ie) {
        interrupted = true;
      }
      long healAt = clock.nowMillis();
      heal.run();
      healDone = clock.nowMillis();
      Outcome o = new Outcome(e, injectedAt, healAt, true);
      outcomes.add(o);
      after.accept(o);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    long stop = Math.max(start + s.healAllMillis(), healDone) + s.settleMillis();
    long plannedStop = start + s.healAllMillis() + s.settleMillis();
    return new Result(List.copyOf(outcomes), start, healDone, stop, stop - plannedStop,
        interrupted);
  }

  /** {@code System.nanoTime} in milliseconds. */
  static final Clock SYSTEM = new Clock() {
    @Override
    public long nowMillis() {
      return System.nanoTime() / 1_000_000;
    }

    @Override
    public void sleepUntil(long millis) throws InterruptedException {
      long left;
      while ((left = millis - nowMillis()) > 0) {
        Thread.sleep(left);
      }
    }
  };
}
