/**
 * Timers of one fixed delay, in one queue. Every transaction that ends waits
 * 64·T1 or T4 (Timers D, I, J, K, L, M) with the same delay as the others,
 * so their deadlines arrive in the order they were set: a FIFO with a single
 * clock timer armed for its head fires each at its exact deadline, where a
 * clock timer per transaction would cost a Node `Timeout` (about 500 bytes
 * kept, with its closure) for tens of thousands of waiting transactions.
 */
import type { Clock, ClockTimer } from '../clock.js';

/** One queued timer; `cancel` is idempotent and leaves the entry to be skipped at its deadline. */
export interface QueuedTimer<T> extends ClockTimer {
  readonly at: number;
  readonly subject: T;
}

class Entry<T> implements QueuedTimer<T> {
  cancelled = false;
  constructor(
    readonly at: number,
    readonly subject: T,
  ) {}

  cancel(): void {
    this.cancelled = true;
  }
}

/** A FIFO of timers whose deadlines never decrease (one fixed delay on a monotonic clock). */
export class DeadlineQueue<T> {
  readonly #clock: Clock;
  readonly #fire: (timer: QueuedTimer<T>) => void;
  #entries: Array<Entry<T>> = [];
  #head = 0;
  #armed: ClockTimer | undefined;

  /** `fire` is called with each timer that falls due and was not cancelled. */
  constructor(clock: Clock, fire: (timer: QueuedTimer<T>) => void) {
    this.#clock = clock;
    this.#fire = fire;
  }

  /** How many timers are queued (cancelled ones included until their deadline). */
  get size(): number {
    return this.#entries.length - this.#head;
  }

  /** Queues a timer for `at`, which must not be earlier than the last one queued. */
  add(at: number, subject: T): QueuedTimer<T> {
    const entry = new Entry(at, subject);
    this.#entries.push(entry);
    if (this.#armed === undefined) this.#arm();
    return entry;
  }

  /** Drops every timer. */
  clear(): void {
    this.#armed?.cancel();
    this.#armed = undefined;
    this.#entries = [];
    this.#head = 0;
  }

  #arm(): void {
    while (this.#head < this.#entries.length && (this.#entries[this.#head] as Entry<T>).cancelled) this.#head++;
    if (this.#head >= this.#entries.length) {
      this.#entries = [];
      this.#head = 0;
      return;
    }
    const head = this.#entries[this.#head] as Entry<T>;
    // A real clock may wake a fraction early: #run then finds nothing due and arms again for the rest.
    this.#armed = this.#clock.setTimerAt(head.at, () => {
      this.#armed = undefined;
      this.#run();
    });
  }

  #run(): void {
    const now = this.#clock.now();
    while (this.#head < this.#entries.length) {
      const entry = this.#entries[this.#head] as Entry<T>;
      if (entry.at > now) break;
      this.#head++;
      if (!entry.cancelled) this.#fire(entry);
    }
    // Drop the fired part now and then, not on every run (a shift per entry would be quadratic).
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
    if (this.#armed === undefined) this.#arm();
  }
}
