import type { Clock, ManualClock, TimerHandle } from '../../src/index.js';

/** The manual clock's time with timers that never fire: what a store sees before its sweep runs. */
export function timerless(clock: ManualClock): Clock {
  return {
    now: () => clock.now(),
    setTimer: (): TimerHandle => ({ timer: undefined }),
    clearTimer: () => undefined,
  };
}
