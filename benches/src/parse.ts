/**
 * The parse benchmark: ours against sip.js, JsSIP, sip and drachtio-sip on the
 * corpus of `benches/corpus`, in one process and one run, with a floor.
 *
 *   pnpm bench:parse              full run (about a minute)
 *   pnpm bench:parse -- --quick   a few seconds, for CI (or BENCH_QUICK=1)
 *
 * Exits non-zero only when a parser rejects or misreads a corpus message, never
 * because of a timing. See benches/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checksumSummary, compareSummaries, type MessageSummary } from './checksum.js';
import type { Contender, LoadedContender } from './contender.js';
import { CONTENDERS } from './contenders/index.js';
import { loadCorpus, type CorpusMessage } from './corpus.js';
import { formatDeviation, formatNs, formatRatio, renderTable, type Align } from './format.js';
import { harnessSink, measure, type MeasureOptions, type Measurement } from './harness.js';

/** The two things timed for every contender. */
type Mode = 'parse' | 'parseAndRead';

const MODES: readonly Mode[] = ['parse', 'parseAndRead'];
const MODE_LABEL: Readonly<Record<Mode, string>> = { parse: 'parse only', parseAndRead: 'parse + read' };

/** Full run, mixed corpus: about 1.5 s per case. */
const FULL_MIXED: MeasureOptions = {
  warmupMs: 500,
  minWarmupRounds: 3,
  batchTargetMs: 50,
  minBatches: 5,
  maxBatches: 21,
  maxCaseMs: 2000,
};

/** Full run, one message at a time (ours and the floor): about 0.4 s per case. */
const FULL_PER_MESSAGE: MeasureOptions = {
  warmupMs: 200,
  minWarmupRounds: 10,
  batchTargetMs: 20,
  minBatches: 5,
  maxBatches: 11,
  maxCaseMs: 400,
};

/** Quick run, mixed corpus only: about 0.25 s per case, a few seconds in all. */
const QUICK_MIXED: MeasureOptions = {
  warmupMs: 60,
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
}

const USAGE = `usage: node dist/parse.js [--quick] [--no-per-message] [--only=id,id…]
  --quick            short run for CI (also BENCH_QUICK=1); skips the per-message table
  --no-per-message   skip timing ours message by message
  --only=ids         run only these contenders (${CONTENDERS.map((c) => c.id).join(', ')})`;

function parseCli(argv: readonly string[]): CliOptions {
  let quick = process.env['BENCH_QUICK'] === '1' || process.env['BENCH_QUICK'] === 'true';
  let perMessage = true;
  let only: Set<string> | undefined;
  for (const arg of argv) {
    if (arg === '--') continue;
    if (arg === '--quick') quick = true;
    else if (arg === '--no-per-message') perMessage = false;
    else if (arg.startsWith('--only=')) only = new Set(arg.slice('--only='.length).split(',').filter((id) => id !== ''));
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else {
      process.stderr.write(`unknown argument ${arg}\n${USAGE}\n`);
      process.exit(2);
    }
  }
  return { quick, perMessage: perMessage && !quick, only };
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** A contender whose corpus passed verification, with what the timed loops must add up to. */
interface VerifiedContender {
  readonly contender: Contender;
  readonly loaded: LoadedContender;
  /** Per message, what `parseOnly` and `parseAndRead` returned in the verification pass. */
  readonly parseResults: readonly number[];
  readonly readResults: readonly number[];
  /** Per message; empty for the floor. */
  readonly summaries: readonly MessageSummary[];
}

interface Problem {
  readonly contender: string;
  readonly message: string;
  readonly problem: string;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Untimed: every contender parses every message once; its reads must give
 * back the Call-ID found by a plain text scan, and its timed read path must
 * read the same values as its summary.
 */
function verify(
  contender: Contender,
  loaded: LoadedContender,
  corpus: readonly CorpusMessage[],
  problems: Problem[],
): VerifiedContender | undefined {
  const parseResults: number[] = [];
  const readResults: number[] = [];
  const summaries: MessageSummary[] = [];
  let ok = true;
  corpus.forEach((message, index) => {
    const report = (problem: string): void => {
      problems.push({ contender: contender.label, message: message.name, problem });
      ok = false;
    };
    try {
      const parsed = loaded.parseOnly(index);
      const read = loaded.parseAndRead(index);
      parseResults.push(parsed);
      readResults.push(read);
      const summarize = loaded.summarize;
      if (summarize === undefined) return;
      if (parsed !== 1) report('rejected it (parse only)');
      const summary = summarize(index);
      summaries.push(summary);
      if (summary.callId !== message.expectedCallId) {
        report(`read Call-ID ${JSON.stringify(summary.callId)}, expected ${JSON.stringify(message.expectedCallId)}`);
      }
      if (checksumSummary(summary) !== read) {
        report('bench bug: the timed read path and the summary read different values');
      }
    } catch (error) {
      report(`rejected it: ${errorText(error)}`);
    }
  });
  return ok ? { contender, loaded, parseResults, readResults, summaries } : undefined;
}

function sum32(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum = (sum + value) | 0;
  return sum;
}

interface MixedResult {
  readonly contender: Contender;
  readonly parse: Measurement;
  readonly parseAndRead: Measurement;
}

interface PerMessageResult {
  readonly message: CorpusMessage;
  readonly floor: Measurement | undefined;
  readonly ours: Readonly<Record<Mode, Measurement>> | undefined;
}

function nsOf(result: MixedResult | undefined, mode: Mode): number {
  return result === undefined ? Number.NaN : result[mode].nsPerMessage;
}

function main(): void {
  const options = parseCli(process.argv.slice(2));
  const benchesDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const corpusDir = join(benchesDir, 'corpus');
  const corpus = loadCorpus(corpusDir);
  if (corpus.length === 0) throw new Error(`no *.sip files in ${corpusDir}`);
  const totalBytes = corpus.reduce((sum, message) => sum + message.bytes.length, 0);
  const asciiOnly = corpus.every((message) => message.bytes.every((byte) => byte < 0x80));

  const selected = CONTENDERS.filter((c) => options.only === undefined || options.only.has(c.id));

  // 1. Verify, untimed.
  const problems: Problem[] = [];
  const verified: VerifiedContender[] = [];
  for (const contender of selected) {
    const result = verify(contender, contender.load(corpus), corpus, problems);
    if (result !== undefined) verified.push(result);
  }
  if (problems.length > 0) {
    process.stderr.write('\nparse benchmark: a parser rejected or misread a corpus message, nothing was timed:\n');
    for (const { contender, message, problem } of problems) {
      process.stderr.write(`  ${contender} · ${message}: ${problem}\n`);
    }
    process.exitCode = 1;
    return;
  }
  progress(
    `verified: ${verified.length} contenders × ${corpus.length} messages parsed, Call-ID read back as expected`,
  );

  // What peers read differently from ours (or, without ours, from the first peer): reported, not failed.
  const reference = verified.find((v) => v.contender.role === 'ours') ?? verified.find((v) => v.summaries.length > 0);
  const differences: { contender: string; message: string; difference: string }[] = [];
  if (reference !== undefined) {
    for (const v of verified) {
      if (v === reference || v.summaries.length === 0) continue;
      corpus.forEach((message, index) => {
        const expected = reference.summaries[index];
        const actual = v.summaries[index];
        if (expected === undefined || actual === undefined) return;
        for (const difference of compareSummaries(expected, actual)) {
          differences.push({ contender: v.contender.label, message: message.name, difference });
        }
      });
    }
  }

  // 2. Time the mixed corpus: every message in turn, round after round.
  const mixedOptions = options.quick ? QUICK_MIXED : FULL_MIXED;
  const allIndices = corpus.map((_, index) => index);
  const mixed: MixedResult[] = [];
  for (const v of verified) {
    const time = (mode: Mode): Measurement => {
      const run = mode === 'parse' ? v.loaded.parseOnly : v.loaded.parseAndRead;
      const expected = sum32(mode === 'parse' ? v.parseResults : v.readResults);
      const measurement = measure(run, allIndices, expected, mixedOptions);
      progress(
        `  ${v.contender.label.padEnd(28)} ${MODE_LABEL[mode].padEnd(12)} ${formatNs(measurement.nsPerMessage).padStart(11)} ns/msg` +
          `  (${measurement.batches} batches × ${measurement.roundsPerBatch * corpus.length} msgs)`,
      );
      return measurement;
    };
    const parse = time('parse');
    // The floor does the same work in both modes; it is timed once.
    const parseAndRead = v.contender.role === 'floor' ? parse : time('parseAndRead');
    mixed.push({ contender: v.contender, parse, parseAndRead });
  }

  // 3. Ours message by message, next to the floor for the same message.
  const perMessage: PerMessageResult[] = [];
  const oursVerified = verified.find((v) => v.contender.role === 'ours');
  const floorVerified = verified.find((v) => v.contender.role === 'floor');
  if (options.perMessage && (oursVerified !== undefined || floorVerified !== undefined)) {
    progress('  per message:');
    corpus.forEach((message, index) => {
      const one = [index];
      const floorMeasurement =
        floorVerified === undefined
          ? undefined
          : measure(floorVerified.loaded.parseOnly, one, floorVerified.parseResults[index] ?? 0, FULL_PER_MESSAGE);
      const oursMeasurement =
        oursVerified === undefined
          ? undefined
          : {
              parse: measure(oursVerified.loaded.parseOnly, one, oursVerified.parseResults[index] ?? 0, FULL_PER_MESSAGE),
              parseAndRead: measure(
                oursVerified.loaded.parseAndRead,
                one,
                oursVerified.readResults[index] ?? 0,
                FULL_PER_MESSAGE,
              ),
            };
      progress(`    ${message.name}`);
      perMessage.push({ message, floor: floorMeasurement, ours: oursMeasurement });
    });
  }

  // 4. Report.
  const oursResult = mixed.find((r) => r.contender.role === 'ours');
  const floorResult = mixed.find((r) => r.contender.role === 'floor');
  const peers = mixed.filter((r) => r.contender.role === 'peer');
  const fastestPeer = (mode: Mode): MixedResult | undefined =>
    peers.reduce<MixedResult | undefined>(
      (best, r) => (best === undefined || r[mode].nsPerMessage < best[mode].nsPerMessage ? r : best),
      undefined,
    );

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines: string[] = [];
  lines.push('');
  lines.push(
    `Parse benchmark — ${corpus.length} messages, ${totalBytes.toLocaleString('en-US')} bytes ` +
      `(avg ${Math.round(totalBytes / corpus.length).toLocaleString('en-US')} B), ${options.quick ? 'QUICK run' : 'full run'}`,
  );
  lines.push(`Node ${process.version} (V8 ${process.versions.v8}), ${cpu}, ${cpus().length} cores`);
  lines.push(
    `Mixed corpus, all messages round-robin; ns per message = median of ${mixedOptions.minBatches}–${mixedOptions.maxBatches} ` +
      `timed batches (~${mixedOptions.batchTargetMs} ms each, ≤ ${mixedOptions.maxCaseMs} ms per case) after ≥ ${mixedOptions.warmupMs} ms warm-up; ` +
      `± = median absolute deviation of the batches.`,
  );
  lines.push('"× ours" = that time ÷ ours (above 1: slower than ours).');
  lines.push('');
  const header = ['library', 'input', 'parse only', '±', '× ours', 'parse + read', '±', '× ours'];
  const align: Align[] = ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'];
  const rows = mixed.map((r) => [
    r.contender.label,
    r.contender.input,
    formatNs(r.parse.nsPerMessage),
    formatDeviation(r.parse.relativeDeviation),
    formatRatio(r.parse.nsPerMessage / nsOf(oursResult, 'parse')),
    formatNs(r.parseAndRead.nsPerMessage),
    formatDeviation(r.parseAndRead.relativeDeviation),
    formatRatio(r.parseAndRead.nsPerMessage / nsOf(oursResult, 'parseAndRead')),
  ]);
  lines.push(renderTable(header, rows, align));
  lines.push('');

  const ratios: Record<string, unknown> = {};
  for (const mode of MODES) {
    const fastest = fastestPeer(mode);
    const oursNs = nsOf(oursResult, mode);
    const floorNs = nsOf(floorResult, mode);
    const entry = {
      oursNsPerMessage: oursResult === undefined ? null : oursNs,
      fastestPeer: fastest?.contender.id ?? null,
      fastestPeerNsPerMessage: fastest === undefined ? null : fastest[mode].nsPerMessage,
      fastestPeerOverOurs: fastest === undefined || oursResult === undefined ? null : fastest[mode].nsPerMessage / oursNs,
      floorNsPerMessage: floorResult === undefined ? null : floorNs,
      oursOverFloor: oursResult === undefined || floorResult === undefined ? null : oursNs / floorNs,
    };
    ratios[mode] = entry;
    if (oursResult === undefined) continue;
    const parts: string[] = [];
    if (fastest !== undefined) {
      const speedup = fastest[mode].nsPerMessage / oursNs;
      parts.push(
        speedup >= 1
          ? `${formatRatio(speedup)} faster than the fastest peer, ${fastest.contender.label} (${formatNs(fastest[mode].nsPerMessage)} ns)`
          : `${formatRatio(1 / speedup)} slower than the fastest peer, ${fastest.contender.label} (${formatNs(fastest[mode].nsPerMessage)} ns)`,
      );
    }
    if (floorResult !== undefined) parts.push(`${formatRatio(oursNs / floorNs)} the floor (${formatNs(floorNs)} ns)`);
    lines.push(`ours, ${MODE_LABEL[mode]}: ${formatNs(oursNs)} ns/msg — ${parts.join('; ')}`);
  }

  if (perMessage.length > 0) {
    lines.push('');
    lines.push(`Ours message by message (ns/message, median of ${FULL_PER_MESSAGE.minBatches}–${FULL_PER_MESSAGE.maxBatches} batches):`);
    lines.push('');
    const perHeader = ['message', 'bytes', 'floor', 'parse only', '× floor', 'parse + read', '× floor'];
    const perAlign: Align[] = ['left', 'right', 'right', 'right', 'right', 'right', 'right'];
    const perRows = perMessage.map(({ message, floor, ours: o }) => {
      const floorNs = floor?.nsPerMessage ?? Number.NaN;
      return [
        message.name,
        message.bytes.length.toLocaleString('en-US'),
        formatNs(floorNs),
        formatNs(o?.parse.nsPerMessage ?? Number.NaN),
        formatRatio((o?.parse.nsPerMessage ?? Number.NaN) / floorNs),
        formatNs(o?.parseAndRead.nsPerMessage ?? Number.NaN),
        formatRatio((o?.parseAndRead.nsPerMessage ?? Number.NaN) / floorNs),
      ];
    });
    lines.push(renderTable(perHeader, perRows, perAlign));
  }

  lines.push('');
  lines.push(
    'Inputs, decoded once before timing: ' +
      mixed.map((r) => `${r.contender.label} ← ${r.contender.input}`).join('; ') +
      (asciiOnly ? ' (the corpus is ASCII: every decoding gives the same text).' : '.'),
  );
  lines.push('How each contender is driven:');
  for (const r of mixed) lines.push(`  - ${r.contender.note}`);
  if (differences.length > 0) {
    lines.push(`What peers read differently from ${reference?.contender.label ?? 'the reference'} (reported, not failed):`);
    for (const d of differences) lines.push(`  - ${d.contender} · ${d.message}: ${d.difference}`);
  }

  const timestamp = new Date();
  const resultsDir = join(benchesDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const stamp = timestamp.toISOString().replace(/[:.]/g, '-');
  const file = join(resultsDir, `parse-${stamp}.json`);
  const latest = join(resultsDir, 'parse-latest.json');
  const json = {
    benchmark: 'parse',
    timestamp: timestamp.toISOString(),
    quick: options.quick,
    environment: {
      node: process.version,
      v8: process.versions.v8,
      platform: process.platform,
      arch: process.arch,
      cpu,
      cores: cpus().length,
      exposeGc: typeof (globalThis as { gc?: unknown }).gc === 'function',
    },
    settings: { mixed: mixedOptions, perMessage: options.perMessage ? FULL_PER_MESSAGE : null },
    corpus: {
      directory: relative(process.cwd(), corpusDir) || '.',
      totalBytes,
      asciiOnly,
      messages: corpus.map((message) => ({
        name: message.name,
        bytes: message.bytes.length,
        callId: message.expectedCallId,
      })),
    },
    contenders: mixed.map(({ contender }) => ({
      id: contender.id,
      label: contender.label,
      role: contender.role,
      input: contender.input,
      note: contender.note,
    })),
    mixed: Object.fromEntries(
      mixed.map((r) => [r.contender.id, { parse: r.parse, parseAndRead: r.parseAndRead }]),
    ),
    ratios,
    perMessage: perMessage.map(({ message, floor, ours: o }) => ({
      message: message.name,
      bytes: message.bytes.length,
      floor: floor ?? null,
      ours: o ?? null,
    })),
    differences,
    sink: harnessSink(),
  };
  const text = `${JSON.stringify(json, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(latest, text);
  lines.push('');
  lines.push(`Results: ${relative(process.cwd(), file)} (and ${relative(process.cwd(), latest)}); sink ${harnessSink()}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`parse benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
