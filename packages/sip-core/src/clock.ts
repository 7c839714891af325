/**
 * Time, injected. Every timer of the stack comes from a {@link Clock}: the
 * transaction and transport layers, dialogs, caches and the registrar's
 * expiries. Tests run RFC 3261 timer tables and registration lifetimes on a
 * {@link ManualClock} without sleeping and without patching global timers.
 *
 * A clock reads two scales of time, both in milliseconds:
 * - {@link Clock.now} is monotonic: it never goes back and only differences
 *   between two readings mean anything. Durations are measured on it
 *   (retransmission intervals, timeouts, idle connections, cache lifetimes),
 *   and timers run on it.
 * - {@link Clock.wallNow} is the wall clock, milliseconds since the Unix
 *   epoch: for instants that outlive the process or leave it (a
 *   registration's expiry written to a journal or to Redis, a nonce's issue
 *   time checked by another node, a Date header). It may jump when the
 *   system's time is set.
 *
 * To wait until a wall-clock instant, set a timer for `instant - wallNow()`
 * and read {@link Clock.wallNow} again when it fires: a timer may fire a
 * fraction of a millisecond early, and the wall clock may have moved.
 *
 * This module imports nothing; it is also the entry point
 * `@sipbreakout/sip-core/clock`, for packages that need a clock without the
 * SIP stack.
 * @packageDocumentation
 */

/** A pending timer; `cancel` is idempotent, and cancelling a timer that fired does nothing. */
export interface ClockTimer {
  cancel(): void;
}

/** A source of time and timers, in milliseconds. */
export interface Clock {
  /** Milliseconds on a monotonic scale (only differences are meaningful); the scale of every timer. */
  now(): number;
  /** Milliseconds since the Unix epoch, as `Date.now()`: for instants that are stored or shared. */
  wallNow(): number;
  /** Calls `callback` once, `delay` milliseconds from now (0 or less: as soon as possible). */
  setTimer(delay: number, callback: () => void): ClockTimer;
  /**
   * Calls `callback` once, when {@link Clock.now} reaches `deadline` (a
   * deadline already passed: as soon as possible). The same as
   * `setTimer(deadline - now(), callback)`; for machines that keep absolute
   * deadlines, as transactions do.
   */
  setTimerAt(deadline: number, callback: () => void): ClockTimer;
}

// setTimeout takes at most a signed 32-bit delay (about 24.8 days); a longer wait is armed again on the way.
const MAX_TIMEOUT_MS = 0x7fffffff;

/**
 * The real clock: `performance.now()`, `Date.now()` and Node's timers. Its
 * timers are unref'd, so a pending retransmission or expiry never keeps a
 * process alive by itself; a delay longer than `setTimeout` takes is waited
 * out in steps rather than cut short.
 */
export class SystemClock implements Clock {
  /** See {@link Clock.now}. */
  now(): number {
    return performance.now();
  }

  /** See {@link Clock.wallNow}. */
  wallNow(): number {
    return Date.now();
  }

  /** See {@link Clock.setTimer}. */
  setTimer(delay: number, callback: () => void): ClockTimer {
    if (!(delay <= MAX_TIMEOUT_MS)) return this.setTimerAt(performance.now() + delay, callback);
    const handle = setTimeout(callback, Math.max(0, Math.ceil(delay)));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  }

  /** See {@link Clock.setTimerAt}. */
  setTimerAt(deadline: number, callback: () => void): ClockTimer {
    const delay = deadline - performance.now();
    if (delay <= MAX_TIMEOUT_MS) return this.setTimer(delay, callback);
    let handle: NodeJS.Timeout;
    const arm = (): void => {
      const rest = deadline - performance.now();
      handle =
        rest > MAX_TIMEOUT_MS ? setTimeout(arm, MAX_TIMEOUT_MS) : setTimeout(callback, Math.max(0, Math.ceil(rest)));
      handle.unref();
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  }
}

/** Options of {@link ManualClock}. */
export interface ManualClockOptions {
  /** What {@link ManualClock.now} reads at the start; default 0. */
  readonly now?: number;
  /**
   * What {@link ManualClock.wallNow} reads at the start, in ms since the
   * epoch; default 2025-01-01T00:00:00Z (fixed, so that dates a test prints
   * are the same on every run). Both scales then move together.
   */
  readonly wallNow?: number;
}

interface ManualEntry {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told to. {@link ManualClock.advance} fires
 * every timer that falls due, in deadline order (ties in the order they were
 * set), with `now()` equal to each timer's deadline while it runs; timers set
 * by a callback fire in the same call when they fall due within it. A timer
 * set for a deadline already passed is due at the current time, after the
 * timers already due then. `wallNow()` moves with `now()`.
 */
export class ManualClock implements Clock {
  #now: number;
  readonly #wallOffset: number;
  #seq = 0;
  #queue: ManualEntry[] = [];

  constructor(options: ManualClockOptions = {}) {
    this.#now = options.now ?? 0;
    this.#wallOffset = (options.wallNow ?? Date.UTC(2025, 0, 1)) - this.#now;
  }

  /** See {@link Clock.now}. */
  now(): number {
    return this.#now;
  }

  /** See {@link Clock.wallNow}. */
  wallNow(): number {
    return this.#now + this.#wallOffset;
  }

  /** See {@link Clock.setTimer}. */
  setTimer(delay: number, callback: () => void): ClockTimer {
    return this.setTimerAt(this.#now + delay, callback);
  }

  /** See {@link Clock.setTimerAt}. */
  setTimerAt(deadline: number, callback: () => void): ClockTimer {
    const entry: ManualEntry = { at: Math.max(this.#now, deadline), seq: this.#seq++, callback, cancelled: false };
    this.#queue.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** How many timers are pending (cancelled ones excluded). */
  get pending(): number {
    return this.#queue.filter((e) => !e.cancelled).length;
  }

  /** The deadline of the next pending timer, or undefined. */
  nextDeadline(): number | undefined {
    return this.#next()?.at;
  }

  /** Moves time forward by `ms` (never back: a negative `ms` throws a RangeError), firing every timer due on the way. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot move a clock back: ${ms}`);
    const target = this.#now + ms;
    for (;;) {
      const next = this.#next();
      if (next === undefined || next.at > target) break;
      this.#queue.splice(this.#queue.indexOf(next), 1);
      this.#now = next.at;
      next.callback();
    }
    this.#now = target;
  }

  /** Fires every pending timer, including those they set, up to `limit` of them; returns how many fired. */
  runAll(limit = 100_000): number {
    let fired = 0;
    for (; fired < limit; fired++) {
      const next = this.#next();
      if (next === undefined) break;
      this.#queue.splice(this.#queue.indexOf(next), 1);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
    }
    return fired;
  }

  #next(): ManualEntry | undefined {
    this.#queue = this.#queue.filter((e) => !e.cancelled);
    let best: ManualEntry | undefined;
    for (const e of this.#queue)
      if (best === undefined || e.at < best.at || (e.at === best.at && e.seq < best.seq)) best = e;
    return best;
  }
}
