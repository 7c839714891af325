/**
 * Time, injected. Every timer of the transaction and transport layers comes
 * from a {@link Clock}, so tests run RFC 3261 timer tables on a
 * {@link ManualClock} without sleeping and without patching global timers.
 */

/** A pending timer; `cancel` is idempotent. */
export interface ClockTimer {
  cancel(): void;
}

/** A source of time and timers, in milliseconds. */
export interface Clock {
  /** Milliseconds on a monotonic scale (only differences are meaningful). */
  now(): number;
  /** Calls `callback` once, `delay` milliseconds from now (0 or less: as soon as possible). */
  setTimer(delay: number, callback: () => void): ClockTimer;
}

/**
 * The real clock: `performance.now()` and Node's timers. Its timers are
 * unref'd, so a pending retransmission never keeps a process alive by itself.
 */
export class SystemClock implements Clock {
  now(): number {
    return performance.now();
  }

  setTimer(delay: number, callback: () => void): ClockTimer {
    const handle = setTimeout(callback, Math.max(0, Math.ceil(delay)));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  }
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
 * by a callback fire in the same call when they fall due within it.
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #queue: ManualEntry[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(delay: number, callback: () => void): ClockTimer {
    const entry: ManualEntry = { at: this.#now + Math.max(0, delay), seq: this.#seq++, callback, cancelled: false };
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

  /** Moves time forward by `ms`, firing every timer due on the way. */
  advance(ms: number): void {
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
    for (const e of this.#queue) if (best === undefined || e.at < best.at || (e.at === best.at && e.seq < best.seq)) best = e;
    return best;
  }
}
