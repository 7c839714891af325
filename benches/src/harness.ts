/**
 * Timing: warm-up, then batches timed with `process.hrtime.bigint()`; the
 * figure is the median batch. Bounded both in batches and in time, so a slow
 * contender (sip.js takes milliseconds per message) gets fewer batches instead
 * of a longer run.
 */

/** How long and how often one case is run. */
export interface MeasureOptions {
  /** Warm-up lasts at least this long… */
  readonly warmupMs: number;
  /** …and at least this many rounds of the case's messages. */
  readonly minWarmupRounds: number;
  /** Each timed batch runs whole rounds for about this long. */
  readonly batchTargetMs: number;
  /** Always time at least this many batches… */
  readonly minBatches: number;
  /** …and never more than this many… */
  readonly maxBatches: number;
  /** …and start no new batch past this much time spent timing the case (minBatches aside). */
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

interface GlobalWithGc {
  gc?: () => void;
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

/**
 * Times `run` over `indices`, round after round.
 *
 * `expectedPerRound` is the 32-bit sum of `run(i)` over one round, from the
 * untimed verification pass; each batch must add up to `rounds` times it, so
 * a contender that rejected or skipped work during timing is an error, not a
 * fast figure.
 */
export function measure(
  run: (index: number) => number,
  indices: readonly number[],
  expectedPerRound: number,
  options: MeasureOptions,
): Measurement {
  const check = (sum: number, rounds: number): void => {
    const expected = (rounds * expectedPerRound) | 0;
    if (sum !== expected) {
      throw new BatchResultMismatchError(`a batch of ${rounds} rounds returned ${sum}, expected ${expected}`);
    }
    sink = (sink ^ sum) | 0;
  };

  // Warm-up: chunks of rounds, doubling until a chunk is long enough to time.
  const warmupNs = BigInt(Math.round(options.warmupMs * 1e6));
  const warmupStart = process.hrtime.bigint();
  let warmupRounds = 0;
  let chunk = 1;
  let nsPerRound = Number.POSITIVE_INFINITY;
  for (;;) {
    const start = process.hrtime.bigint();
    check(runRounds(run, indices, chunk), chunk);
    const end = process.hrtime.bigint();
    warmupRounds += chunk;
    nsPerRound = Number(end - start) / chunk;
    if (end - warmupStart >= warmupNs && warmupRounds >= options.minWarmupRounds) break;
    if (Number(end - start) < 5e6) chunk *= 2;
  }

  const roundsPerBatch = Math.max(1, Math.round((options.batchTargetMs * 1e6) / nsPerRound));
  const messagesPerBatch = roundsPerBatch * indices.length;
  const gc = (globalThis as GlobalWithGc).gc;
  if (gc !== undefined) gc();

  const results: number[] = [];
  const caseNs = BigInt(Math.round(options.maxCaseMs * 1e6));
  const caseStart = process.hrtime.bigint();
  while (results.length < options.maxBatches) {
    if (results.length >= options.minBatches && process.hrtime.bigint() - caseStart >= caseNs) break;
    const start = process.hrtime.bigint();
    const sum = runRounds(run, indices, roundsPerBatch);
    const end = process.hrtime.bigint();
    check(sum, roundsPerBatch);
    results.push(Number(end - start) / messagesPerBatch);
  }

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
    messagesPerRound: indices.length,
    messagesTimed: results.length * messagesPerBatch,
    warmupRounds,
    batchNsPerMessage: results,
  };
}
