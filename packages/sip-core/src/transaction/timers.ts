/**
 * The RFC 3261 §17 / Table 4 timer values, per stack instance: never module
 * globals, so two stacks in one process (or a test) can run different T1.
 */

/** T1, T2, T4 of RFC 3261 §17.1.1.1 and Table 4, in milliseconds. */
export interface TimerValues {
  /** RTT estimate. Default 500 ms. */
  readonly t1: number;
  /** Longest retransmit interval for non-INVITE requests and INVITE responses. Default 4 s. */
  readonly t2: number;
  /** Longest time a message stays in the network. Default 5 s. */
  readonly t4: number;
  /**
   * How long an INVITE server transaction waits for the user's first
   * response before it sends 100 Trying itself (RFC 3261 §17.2.1: "200 ms").
   */
  readonly trying100: number;
  /** Timer D on an unreliable transport: "at least 32 s" (RFC 3261 §17.1.1.2). */
  readonly timerD: number;
}

/** The defaults of RFC 3261 Table 4. */
export const DEFAULT_TIMER_VALUES: TimerValues = Object.freeze({
  t1: 500,
  t2: 4000,
  t4: 5000,
  trying100: 200,
  timerD: 32000,
});

/** Fills the values not given with the defaults. */
export function resolveTimerValues(values: Partial<TimerValues> | undefined): TimerValues {
  return values === undefined ? DEFAULT_TIMER_VALUES : { ...DEFAULT_TIMER_VALUES, ...values };
}

/** Names of the RFC 3261 §17 timers (and L, M of RFC 6026), plus the 200 ms 100-Trying timer of §17.2.1. */
export type TimerName = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M' | 'Trying';

/** Absolute deadlines of the timers a transaction has running (ms on the clock's scale). */
export type Deadlines = Readonly<Partial<Record<TimerName, number>>>;

/** Deadlines with `name` set to `at`. */
export function withTimer(deadlines: Deadlines, name: TimerName, at: number): Deadlines {
  return { ...deadlines, [name]: at };
}

/** Deadlines without the named timers. */
export function withoutTimers(deadlines: Deadlines, ...names: TimerName[]): Deadlines {
  const out: Partial<Record<TimerName, number>> = { ...deadlines };
  for (const n of names) delete out[n];
  return out;
}

/** True when `name` is running and due at `now` (a stale or early wake-up is ignored). */
export function isDue(deadlines: Deadlines, name: TimerName, now: number): boolean {
  const at = deadlines[name];
  return at !== undefined && now >= at;
}
