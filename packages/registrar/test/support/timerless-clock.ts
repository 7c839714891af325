import type { Clock, ClockTimer, ManualClock } from '@sipbreakout/sip-core/clock';

/** The manual clock's time with timers that never fire: what a store sees before its sweep runs. */
export function timerless(clock: ManualClock): Clock {
  return {
    now: () => clock.now(),
    wallNow: () => clock.wallNow(),
    setTimer: (): ClockTimer => ({ cancel: () => undefined }),
    setTimerAt: (): ClockTimer => ({ cancel: () => undefined }),
  };
}
