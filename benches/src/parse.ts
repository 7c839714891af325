/**
 * The parse benchmark: ours against sip.js, JsSIP, sip and drachtio-sip on the
 * corpus of `benches/corpus`, in one process and one run, with a floor.
 *
 *   pnpm bench:parse              full run (under a minute)
 *   pnpm bench:parse -- --quick   a few seconds, for CI (or BENCH_QUICK=1)
 *
 * Exits non-zero only when a parser rejects or misreads a corpus message (or
 * the bench itself breaks), never because of a timing. See benches/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENDERS } from './contenders/index.js';
import { loadCorpus, type CorpusMessage } from './corpus.js';
import { formatNs } from './format.js';
import { harnessSink, measureInterleaved, type BenchCase, type MeasureOptions, type Measurement } from './harness.js';
import {
  MODE_LABEL,
  renderReport,
  resultsJson,
  type MixedResult,
  type Mode,
  type ParseRun,
  type PerMessageResult,
} from './report.js';
import { differencesFrom, verify, type Problem, type VerifiedContender } from './verify.js';

/** Full run, mixed corpus: interleaved sweeps, at most 21 batches of ~50 ms per case. */
const FULL_MIXED: MeasureOptions = {
  warmupMs: 500,
  minWarmupRounds: 3,
  batchTargetMs: 50,
  minBatches: 5,
  maxBatches: 21,
  maxCaseMs: 2000,
};

/** Full run, one message at a time (ours and the floor): about 1 s per message. */
const FULL_PER_MESSAGE: MeasureOptions = {
  warmupMs: 200,
  minWarmupRounds: 10,
  batchTargetMs: 20,
  minBatches: 5,
  maxBatches: 11,
  maxCaseMs: 400,
};

/** Quick run, mixed corpus only: a few seconds in all; indicative figures. */
const QUICK_MIXED: MeasureOptions = {
  warmupMs: 150,
  minWarmupRounds: 1,
  batchTargetMs: 10,
  minBatches: 3,
  maxBatches: 7,
  maxCaseMs: 150,
};

interface CliOptions {
  readonly quick: boolean;
  readonly perMessage: boolean;
  /** Contender ids to run; all when undefined. */
  readonly only: ReadonlySet<string> | undefined;
  /** Directory of `*.sip` files; `benches/corpus` when undefined. */
  readonly corpus: string | undefined;
  /** Also write the run to `benches/results/baselines/parse.json`, the committed baseline. */
  readonly saveBaseline: boolean;
}

const USAGE = `usage: node dist/parse.js [--quick] [--no-per-message] [--only=id,id…] [--corpus=dir] [--save-baseline]
  --quick            short run for CI (also BENCH_QUICK=1); skips the per-message table
  --no-per-message   skip timing ours message by message
  --only=ids         run only these contenders (${CONTENDERS.map((c) => c.id).join(', ')})
  --corpus=dir       parse the *.sip files of dir instead of benches/corpus
  --save-baseline    also write benches/results/baselines/parse.json (committed; the READMEs quote it)`;

function parseCli(argv: readonly string[]): CliOptions {
  const quickEnv = process.env['BENCH_QUICK'];
  let quick = quickEnv !== undefined && quickEnv !== '' && quickEnv !== '0' && quickEnv !== 'false';
  let perMessage = true;
  let only: Set<string> | undefined;
  let corpus: string | undefined;
  let saveBaseline = false;
  for (const arg of argv) {
    if (arg === '--') continue;
    if (arg === '--quick') quick = true;
    else if (arg === '--no-per-message') perMessage = false;
    else if (arg === '--save-baseline') saveBaseline = true;
    else if (arg.startsWith('--corpus=')) corpus = resolve(arg.slice('--corpus='.length));
    else if (arg.startsWith('--only='))
      only = new Set(
        arg
          .slice('--only='.length)
          .split(',')
          .filter((id) => id !== ''),
      );
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else {
      process.stderr.write(`unknown argument ${arg}\n${USAGE}\n`);
      process.exit(2);
    }
  }
  return { quick, perMessage: perMessage && !quick, only, corpus, saveBaseline };
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

function sum32(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum = (sum + value) | 0;
  return sum;
}

/** Every contender in both modes (the floor once), all messages round-robin, interleaved. */
function timeMixed(
  verified: readonly VerifiedContender[],
  options: MeasureOptions,
  messageCount: number,
): MixedResult[] {
  const indices = Array.from({ length: messageCount }, (_, index) => index);
  const cases: { readonly verified: VerifiedContender; readonly mode: Mode; readonly benchCase: BenchCase }[] = [];
  for (const v of verified) {
    // The floor does the same work in both modes; it is timed once.
    const modes: readonly Mode[] = v.contender.role === 'floor' ? ['parse'] : ['parse', 'parseAndRead'];
    for (const mode of modes) {
      const benchCase: BenchCase =
        mode === 'parse'
          ? { run: v.loaded.parseOnly, indices, expectedPerRound: sum32(v.parseResults) }
          : { run: v.loaded.parseAndRead, indices, expectedPerRound: sum32(v.readResults) };
      cases.push({ verified: v, mode, benchCase });
    }
  }
  progress(`timing the mixed corpus: ${cases.length} cases, interleaved…`);
  const measurements = measureInterleaved(
    cases.map((c) => c.benchCase),
    options,
  );
  cases.forEach(({ verified: v, mode }, index) => {
    const m = measurements[index] as Measurement;
    progress(
      `  ${v.contender.label.padEnd(28)} ${MODE_LABEL[mode].padEnd(12)} ${formatNs(m.nsPerMessage).padStart(11)} ns/msg` +
        `  (${m.batches} batches × ${(m.roundsPerBatch * m.messagesPerRound).toLocaleString('en-US')} msgs)`,
    );
  });
  const measurementOf = (v: VerifiedContender, mode: Mode): Measurement => {
    const exact = cases.findIndex((c) => c.verified === v && c.mode === mode);
    return measurements[exact === -1 ? cases.findIndex((c) => c.verified === v) : exact] as Measurement;
  };
  return verified.map((v) => ({
    contender: v.contender,
    parse: measurementOf(v, 'parse'),
    parseAndRead: measurementOf(v, 'parseAndRead'),
  }));
}

/** Ours on each message alone, both modes, interleaved with the floor on the same message. */
function timePerMessage(
  ours: VerifiedContender,
  floor: VerifiedContender | undefined,
  corpus: readonly CorpusMessage[],
  options: MeasureOptions,
): PerMessageResult[] {
  progress('timing ours message by message, next to the floor…');
  return corpus.map((message, index) => {
    const one = [index];
    const cases: BenchCase[] = [
      { run: ours.loaded.parseOnly, indices: one, expectedPerRound: ours.parseResults[index] ?? 0 },
      { run: ours.loaded.parseAndRead, indices: one, expectedPerRound: ours.readResults[index] ?? 0 },
    ];
    if (floor !== undefined) {
      cases.push({ run: floor.loaded.parseOnly, indices: one, expectedPerRound: floor.parseResults[index] ?? 0 });
    }
    const [parse, parseAndRead, floorMeasurement] = measureInterleaved(cases, options) as [
      Measurement,
      Measurement,
      Measurement | undefined,
    ];
    progress(
      `  ${message.name.padEnd(28)} ${formatNs(parse.nsPerMessage).padStart(8)} / ${formatNs(parseAndRead.nsPerMessage).padStart(8)} ns`,
    );
    return { message, floor: floorMeasurement, ours: { parse, parseAndRead } };
  });
}

function main(): void {
  const options = parseCli(process.argv.slice(2));
  const benchesDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const corpusDirectory = options.corpus ?? join(benchesDir, 'corpus');
  const corpus = loadCorpus(corpusDirectory);
  if (corpus.length === 0) throw new Error(`no *.sip files in ${corpusDirectory}`);
  const loadAverage = loadavg();
  const selected = CONTENDERS.filter((c) => options.only === undefined || options.only.has(c.id));

  // 1. Verify, untimed: every contender must accept and read back every message.
  const problems: Problem[] = [];
  const verified: VerifiedContender[] = [];
  for (const contender of selected) {
    const result = verify(contender, corpus, problems);
    if (result !== undefined) verified.push(result);
  }
  if (problems.length > 0) {
    process.stderr.write('\nparse benchmark: a parser rejected or misread a corpus message, nothing was timed:\n');
    for (const { contender, message, problem } of problems)
      process.stderr.write(`  ${contender} · ${message}: ${problem}\n`);
    process.exitCode = 1;
    return;
  }
  progress(`verified: ${verified.length} contenders × ${corpus.length} messages parsed, Call-ID read back as expected`);

  // What peers read differently from ours (or, without ours, from the first peer): reported, not failed.
  const reference = verified.find((v) => v.contender.role === 'ours') ?? verified.find((v) => v.summaries.length > 0);
  const differences = reference === undefined ? [] : differencesFrom(reference, verified, corpus);

  // 2. The mixed corpus.
  const mixedOptions = options.quick ? QUICK_MIXED : FULL_MIXED;
  const mixed = timeMixed(verified, mixedOptions, corpus.length);

  // 3. Ours message by message.
  const oursVerified = verified.find((v) => v.contender.role === 'ours');
  const floorVerified = verified.find((v) => v.contender.role === 'floor');
  const perMessageOptions = options.perMessage && oursVerified !== undefined ? FULL_PER_MESSAGE : undefined;
  const perMessage =
    perMessageOptions !== undefined && oursVerified !== undefined
      ? timePerMessage(oursVerified, floorVerified, corpus, perMessageOptions)
      : [];

  // 4. Report and save.
  const run: ParseRun = {
    quick: options.quick,
    corpus,
    corpusDirectory: relative(process.cwd(), corpusDirectory) || '.',
    mixedOptions,
    perMessageOptions,
    mixed,
    perMessage,
    referenceLabel: reference?.contender.label,
    differences,
    sink: harnessSink(),
    loadAverage,
  };
  const timestamp = new Date();
  const resultsDir = join(benchesDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `parse-${timestamp.toISOString().replace(/[:.]/g, '-')}.json`);
  const latest = join(resultsDir, 'parse-latest.json');
  const json = `${JSON.stringify(resultsJson(run, timestamp), null, 2)}\n`;
  writeFileSync(file, json);
  writeFileSync(latest, json);
  let saved = '';
  if (options.saveBaseline) {
    // The committed baseline the READMEs quote: benches/results/baselines/parse.json.
    const baseline = join(resultsDir, 'baselines', 'parse.json');
    mkdirSync(dirname(baseline), { recursive: true });
    writeFileSync(baseline, json);
    saved = `; baseline ${relative(process.cwd(), baseline)}`;
  }
  process.stdout.write(
    `${renderReport(run)}\n\nResults: ${relative(process.cwd(), file)} (and ${relative(process.cwd(), latest)}${saved})\n`,
  );
}

try {
  main();
} catch (error) {
  process.stderr.write(
    `parse benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
}
