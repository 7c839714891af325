/**
 * The highest call rate with zero failed calls, by stepping the rate:
 * near the limit a run passes or falls apart at once (lost datagrams cause
 * retransmissions that add load), so each step is a fixed number of calls
 * and the first failing step is run again once before it counts.
 */
import type { StepResult } from './sipp.js';

/** How one system's search went. */
export interface RateSearch {
  /** Highest rate whose step passed (0 when none did). */
  readonly maxRate: number;
  readonly steps: readonly StepResult[];
  /** Why the search stopped. */
  readonly stoppedBy: 'confirmed-failure' | 'time-cap' | 'ladder-end';
}

/** Options of one search. */
export interface RateSearchOptions {
  /** Rates to try, ascending. */
  readonly ladder: readonly number[];
  /** Seconds of calls per step: calls = rate × this. */
  readonly secondsPerStep: number;
  /** Hard cap on the whole search, in seconds. */
  readonly capSeconds: number;
  /** Runs one step. */
  readonly step: (rate: number, calls: number) => Promise<StepResult>;
  /** Called after each step (progress lines). */
  readonly onStep?: (result: StepResult) => void;
}

/** Steps up `ladder` until a step fails twice in a row, the ladder ends, or the next step would pass the cap. */
export async function searchMaxRate(options: RateSearchOptions): Promise<RateSearch> {
  const started = Date.now();
  const steps: StepResult[] = [];
  let maxRate = 0;
  // Pause between steps so calls of the last one (timewait) drain.
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 2500));
  for (const rate of options.ladder) {
    const calls = Math.round(rate * options.secondsPerStep);
    for (let attempt = 0; attempt < 2; attempt++) {
      // A step takes its calls' time plus ~5 s of start, drain and settle.
      const elapsed = (Date.now() - started) / 1000;
      if (elapsed + options.secondsPerStep + 5 > options.capSeconds) return { maxRate, steps, stoppedBy: 'time-cap' };
      const result = await options.step(rate, calls);
      steps.push(result);
      options.onStep?.(result);
      await settle();
      if (result.passed) break;
      if (attempt === 1) return { maxRate, steps, stoppedBy: 'confirmed-failure' };
    }
    maxRate = rate;
  }
  return { maxRate, steps, stoppedBy: 'ladder-end' };
}
