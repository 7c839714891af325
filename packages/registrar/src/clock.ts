/** An opaque handle of a timer set on a {@link Clock}. */
export interface TimerHandle {
  /** Never read: only here so that handles are not interchangeable with plain objects. */
  readonly timer: unknown;
}

/**
 * Where the registrar reads the time and sets its timers. Timers take an
 * absolute deadline (ms since the epoch), like a transaction's deadlines, so
 * that expiry is exact whatever the drift between setting and firing.
 */
export interface Clock {
  /** The current time, in ms since the epoch. */
  now(): number;
  /** Calls `callback` once, at `deadline` or as soon as possible after it. */
  setTimer(deadline: number, callback: () => void): TimerHandle;
  /** Cancels a timer that has not fired; a fired or cancelled one is ignored. */
  clearTimer(handle: TimerHandle): void;
}

// setTimeout takes at most a signed 32-bit delay; longer ones are re-armed.
const MAX_TIMEOUT_MS = 0x7fffffff;

interface SystemTimer extends TimerHandle {
  timer: NodeJS.Timeout | undefined;
}

/** The process clock: `Date.now()` and unref'd `setTimeout` (a pending expiry never keeps the process alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(deadline: number, callback: () => void): TimerHandle {
    const handle: SystemTimer = { timer: undefined };
    const arm = (): void => {
      const delay = deadline - Date.now();
      if (delay > MAX_TIMEOUT_MS) {
        handle.timer = setTimeout(arm, MAX_TIMEOUT_MS);
      } else {
        handle.timer = setTimeout(callback, Math.max(0, delay));
      }
      handle.timer.unref();
    };
    arm();
    return handle;
  },
  clearTimer(handle: TimerHandle): void {
    const timer = (handle as SystemTimer).timer;
    if (timer !== undefined) clearTimeout(timer);
  },
};

interface ManualTimer extends TimerHandle {
  readonly timer: number;
  readonly deadline: number;
  readonly callback: () => void;
}

/**
 * A clock that moves only when told to: tests set registrations, call
 * {@link ManualClock.advance}, and timers fire in deadline order with
 * {@link ManualClock.now} equal to each deadline as it fires. No sleeps, no
 * patched globals.
 */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 0;
  readonly #timers = new Map<number, ManualTimer>();

  /** Starts at `start` ms since the epoch (default 2025-01-01T00:00:00Z). */
  constructor(start = Date.UTC(2025, 0, 1)) {
    this.#now = start;
  }

  /** See {@link Clock.now}. */
  now(): number {
    return this.#now;
  }

  /** See {@link Clock.setTimer}. */
  setTimer(deadline: number, callback: () => void): TimerHandle {
    const timer: ManualTimer = { timer: this.#nextId++, deadline, callback };
    this.#timers.set(timer.timer, timer);
    return timer;
  }

  /** See {@link Clock.clearTimer}. */
  clearTimer(handle: TimerHandle): void {
    const id = (handle as ManualTimer).timer;
    this.#timers.delete(id);
  }

  /** How many timers are pending. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /**
   * Moves the time forward by `ms`, firing every timer whose deadline is
   * reached, earliest first (timers set while firing are honoured too).
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot move a clock back: ${ms}`);
    const end = this.#now + ms;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const timer of this.#timers.values()) {
        if (timer.deadline <= end && (next === undefined || timer.deadline < next.deadline)) next = timer;
      }
      if (next === undefined) break;
      this.#timers.delete(next.timer);
      this.#now = Math.max(this.#now, next.deadline);
      next.callback();
    }
    this.#now = end;
  }
}
