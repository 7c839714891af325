/**
 * Timing: warm-up, then batches timed with `process.hrtime.bigint()`,
 * interleaved across the cases; the figure is the median batch. Bounded both
 * in batches and in time, so a slow contender (sip.js takes milliseconds per
 * message) costs fewer, not longer, sweeps.
 */

/** How long and how often one case is run. */
export interface MeasureOptions {
  /** Warm-up lasts at least this long… */
  readonly warmupMs: number;
  /** …and at least this many rounds of the case's messages. */
  readonly minWarmupRounds: number;
  /** Each timed batch runs whole rounds for about this long. */
  readonly batchTargetMs: number;
  /** Always time at least this many batches of each case… */
  readonly minBatches: number;
  /** …and never more than this many… */
  readonly maxBatches: number;
  /** …and start no new sweep once the sweeps have taken this long per case (minBatches aside). */
  readonly maxCaseMs: number;
}

/** The outcome of timing one case. */
export interface Measurement {
  /** Median over the batches of nanoseconds per message. */
  readonly nsPerMessage: number;
  readonly minNsPerMessage: number;
  readonly maxNsPerMessage: number;
  /** Median absolute deviation of the batches, relative to the median. */
  readonly relativeDeviation: number;
  readonly batches: number;
  readonly roundsPerBatch: number;
  readonly messagesPerRound: number;
  readonly messagesTimed: number;
  readonly warmupRounds: number;
  /** Each batch's nanoseconds per message, in the order they ran. */
  readonly batchNsPerMessage: readonly number[];
}

/** Thrown when a batch's result differs from the one the verification pass predicted. */
export class BatchResultMismatchError extends Error {
  override readonly name = 'BatchResultMismatchError';
}

function median(sorted: readonly number[]): number {
  const middle = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[middle] as number;
  return ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function runRounds(run: (index: number) => number, indices: readonly number[], rounds: number): number {
  let sum = 0;
  const count = indices.length;
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < count; j++) sum = (sum + run(indices[j] as number)) | 0;
  }
  return sum;
}

let sink = 0;

/** Everything the timed loops returned, folded together: printed so no loop is dead code. */
export function harnessSink(): number {
  return sink;
}

/** One thing to time: `run` over `indices`, round after round. */
export interface BenchCase {
  readonly run: (index: number) => number;
  readonly indices: readonly number[];
  /**
   * The 32-bit sum of `run(i)` over one round, from the untimed verification
   * pass; each batch must add up to `rounds` times it, so a contender that
   * rejected or skipped work during timing is an error, not a fast figure.
   */
  readonly expectedPerRound: number;
}

interface Calibrated {
  readonly benchCase: BenchCase;
  readonly warmupRounds: number;
  readonly roundsPerBatch: number;
  readonly results: number[];
}

function checkBatch(benchCase: BenchCase, sum: number, rounds: number): void {
  const expected = (rounds * benchCase.expectedPerRound) | 0;
  if (sum !== expected) {
    throw new BatchResultMismatchError(`a batch of ${rounds} rounds returned ${sum}, expected ${expected}`);
  }
  sink = (sink ^ sum) | 0;
}

/** Warm-up in chunks of rounds, doubling until a chunk is long enough to time; then sizes the batches. */
function calibrate(benchCase: BenchCase, options: MeasureOptions): Calibrated {
  const warmupNs = BigInt(Math.round(options.warmupMs * 1e6));
  const warmupStart = process.hrtime.bigint();
  let warmupRounds = 0;
  let chunk = 1;
  let nsPerRound = Number.POSITIVE_INFINITY;
  for (;;) {
    const start = process.hrtime.bigint();
    const sum = runRounds(benchCase.run, benchCase.indices, chunk);
    const end = process.hrtime.bigint();
    checkBatch(benchCase, sum, chunk);
    warmupRounds += chunk;
    nsPerRound = Number(end - start) / chunk;
    if (end - warmupStart >= warmupNs && warmupRounds >= options.minWarmupRounds) break;
    if (Number(end - start) < 5e6) chunk *= 2;
  }
  const roundsPerBatch = Math.max(1, Math.round((options.batchTargetMs * 1e6) / nsPerRound));
  return { benchCase, warmupRounds, roundsPerBatch, results: [] };
}

function summarizeBatches(calibrated: Calibrated): Measurement {
  const { results, roundsPerBatch, warmupRounds } = calibrated;
  const messagesPerRound = calibrated.benchCase.indices.length;
  const sorted = [...results].sort((a, b) => a - b);
  const middle = median(sorted);
  const deviations = sorted.map((value) => Math.abs(value - middle)).sort((a, b) => a - b);
  return {
    nsPerMessage: middle,
    minNsPerMessage: sorted[0] as number,
    maxNsPerMessage: sorted[sorted.length - 1] as number,
    relativeDeviation: median(deviations) / middle,
    batches: results.length,
    roundsPerBatch,
    messagesPerRound,
    messagesTimed: results.length * roundsPerBatch * messagesPerRound,
    warmupRounds,
    batchNsPerMessage: results,
  };
}

/**
 * Times several cases against each other. Each is warmed up and its batch
 * size calibrated; then the batches are interleaved — one batch of every case
 * per sweep — so that a slow spell of the machine (a shared 2-core VM here)
 * falls on every case alike instead of on whichever ran at that moment.
 *
 * No garbage collection is forced between batches: on Node 20 a forced full
 * GC shrinks the young generation, and the batches after it ran up to 2×
 * slower and far noisier (measured here) than in steady state.
 *
 * Sweeps stop at `maxBatches`, or once `minBatches` are done and the sweeps
 * have taken `maxCaseMs` per case.
 */
export function measureInterleaved(cases: readonly BenchCase[], options: MeasureOptions): Measurement[] {
  const calibrated = cases.map((benchCase) => calibrate(benchCase, options));
  const budgetNs = BigInt(Math.round(options.maxCaseMs * 1e6 * cases.length));
  const sweepsStart = process.hrtime.bigint();
  for (let sweep = 0; sweep < options.maxBatches; sweep++) {
    if (sweep >= options.minBatches && process.hrtime.bigint() - sweepsStart >= budgetNs) break;
    for (const entry of calibrated) {
      const { run, indices } = entry.benchCase;
      const start = process.hrtime.bigint();
      const sum = runRounds(run, indices, entry.roundsPerBatch);
      const end = process.hrtime.bigint();
      checkBatch(entry.benchCase, sum, entry.roundsPerBatch);
      entry.results.push(Number(end - start) / (entry.roundsPerBatch * indices.length));
    }
  }
  return calibrated.map(summarizeBatches);
}
