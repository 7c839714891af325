import { cpus, loadavg } from 'node:os';
import type { Contender } from './contender.js';
import type { CorpusMessage } from './corpus.js';
import { formatDeviation, formatNs, formatRatio, renderTable, type Align } from './format.js';
import type { MeasureOptions, Measurement } from './harness.js';
import type { Difference } from './verify.js';

/** The two things timed for every contender. */
export type Mode = 'parse' | 'parseAndRead';

/** Both modes, in table order. */
export const MODES: readonly Mode[] = ['parse', 'parseAndRead'];

/** How a mode is named in the table. */
export const MODE_LABEL: Readonly<Record<Mode, string>> = { parse: 'parse only', parseAndRead: 'parse + read' };

/** One contender on the mixed corpus. */
export interface MixedResult {
  readonly contender: Contender;
  readonly parse: Measurement;
  /** For the floor, the same measurement as `parse`. */
  readonly parseAndRead: Measurement;
}

/** Ours on one message, next to the floor on the same message. */
export interface PerMessageResult {
  readonly message: CorpusMessage;
  readonly floor: Measurement | undefined;
  readonly ours: Readonly<Record<Mode, Measurement>>;
}

/** Everything one run measured, to print and to save. */
export interface ParseRun {
  readonly quick: boolean;
  readonly corpus: readonly CorpusMessage[];
  readonly corpusDirectory: string;
  readonly mixedOptions: MeasureOptions;
  readonly perMessageOptions: MeasureOptions | undefined;
  readonly mixed: readonly MixedResult[];
  readonly perMessage: readonly PerMessageResult[];
  readonly referenceLabel: string | undefined;
  readonly differences: readonly Difference[];
  readonly sink: number;
  /** `os.loadavg()` when the run started: other work on the machine shows up here. */
  readonly loadAverage: readonly number[];
}

/** A batch spread (median absolute deviation) above this suggests other work was running. */
const NOISY_DEVIATION = 0.1;

/** The headline ratios of one mode; null where a side was not measured. */
export interface ModeRatios {
  readonly oursNsPerMessage: number | null;
  readonly fastestPeer: string | null;
  readonly fastestPeerNsPerMessage: number | null;
  /** Above 1: ours is faster than the fastest peer by that factor. */
  readonly fastestPeerOverOurs: number | null;
  readonly floorNsPerMessage: number | null;
  /** How many floors ours costs. */
  readonly oursOverFloor: number | null;
}

function byRole(run: ParseRun, role: Contender['role']): MixedResult | undefined {
  return run.mixed.find((r) => r.contender.role === role);
}

function fastestPeer(run: ParseRun, mode: Mode): MixedResult | undefined {
  let best: MixedResult | undefined;
  for (const r of run.mixed) {
    if (r.contender.role !== 'peer') continue;
    if (best === undefined || r[mode].nsPerMessage < best[mode].nsPerMessage) best = r;
  }
  return best;
}

/** Ours against the fastest peer and against the floor, in one mode. */
export function ratiosOf(run: ParseRun, mode: Mode): ModeRatios {
  const ours = byRole(run, 'ours')?.[mode].nsPerMessage;
  const floor = byRole(run, 'floor')?.[mode].nsPerMessage;
  const fastest = fastestPeer(run, mode);
  const fastestNs = fastest?.[mode].nsPerMessage;
  return {
    oursNsPerMessage: ours ?? null,
    fastestPeer: fastest?.contender.id ?? null,
    fastestPeerNsPerMessage: fastestNs ?? null,
    fastestPeerOverOurs: ours === undefined || fastestNs === undefined ? null : fastestNs / ours,
    floorNsPerMessage: floor ?? null,
    oursOverFloor: ours === undefined || floor === undefined ? null : ours / floor,
  };
}

function totalBytes(corpus: readonly CorpusMessage[]): number {
  return corpus.reduce((sum, message) => sum + message.bytes.length, 0);
}

function isAscii(corpus: readonly CorpusMessage[]): boolean {
  return corpus.every((message) => message.bytes.every((byte) => byte < 0x80));
}

/** The run as the text table printed at the end. */
export function renderReport(run: ParseRun): string {
  const { corpus, mixedOptions: options } = run;
  const bytes = totalBytes(corpus);
  const ours = byRole(run, 'ours');
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines: string[] = [''];
  lines.push(
    `Parse benchmark — ${corpus.length} messages, ${bytes.toLocaleString('en-US')} bytes ` +
      `(avg ${Math.round(bytes / corpus.length).toLocaleString('en-US')} B), ${run.quick ? 'QUICK run' : 'full run'}`,
  );
  lines.push(
    `Node ${process.version} (V8 ${process.versions.v8}), ${cpu}, ${cpus().length} cores, ` +
      `load average ${run.loadAverage.map((load) => load.toFixed(2)).join(' ')} at the start`,
  );
  lines.push(
    `Mixed corpus, all messages round-robin; ns per message = median of ${options.minBatches}–${options.maxBatches} ` +
      `timed batches (~${options.batchTargetMs} ms each, all cases interleaved, ≤ ${options.maxCaseMs} ms per case) ` +
      `after ≥ ${options.warmupMs} ms warm-up; ± = median absolute deviation of the batches.`,
  );
  lines.push('"× ours" = that time ÷ ours (above 1: slower than ours).');
  lines.push('');
  const oursNs = (mode: Mode): number => ours?.[mode].nsPerMessage ?? Number.NaN;
  const header = ['library', 'input', 'parse only', '±', '× ours', 'parse + read', '±', '× ours'];
  const align: Align[] = ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'];
  const rows = run.mixed.map((r) => [
    r.contender.label,
    r.contender.input,
    formatNs(r.parse.nsPerMessage),
    formatDeviation(r.parse.relativeDeviation),
    formatRatio(r.parse.nsPerMessage / oursNs('parse')),
    formatNs(r.parseAndRead.nsPerMessage),
    formatDeviation(r.parseAndRead.relativeDeviation),
    formatRatio(r.parseAndRead.nsPerMessage / oursNs('parseAndRead')),
  ]);
  lines.push(renderTable(header, rows, align));
  lines.push('');
  const noisy = run.mixed.filter(
    (r) => Math.max(r.parse.relativeDeviation, r.parseAndRead.relativeDeviation) > NOISY_DEVIATION,
  );
  if (noisy.length > 0) {
    lines.push(
      `note: the batches of ${noisy.length} of ${run.mixed.length} contenders spread more than ±${NOISY_DEVIATION * 100}%: ` +
        'something else was probably running (see the load average); rerun on a quiet machine before quoting figures.',
    );
    lines.push('');
  }

  if (ours !== undefined) {
    for (const mode of MODES) {
      const ratios = ratiosOf(run, mode);
      const parts: string[] = [];
      const fastest = run.mixed.find((r) => r.contender.id === ratios.fastestPeer);
      if (fastest !== undefined && ratios.fastestPeerOverOurs !== null) {
        const speedup = ratios.fastestPeerOverOurs;
        const against = `the fastest peer, ${fastest.contender.label} (${formatNs(fastest[mode].nsPerMessage)} ns)`;
        parts.push(
          speedup >= 1
            ? `${formatRatio(speedup)} faster than ${against}`
            : `${formatRatio(1 / speedup)} slower than ${against}`,
        );
      }
      if (ratios.oursOverFloor !== null && ratios.floorNsPerMessage !== null) {
        parts.push(`${formatRatio(ratios.oursOverFloor)} the floor (${formatNs(ratios.floorNsPerMessage)} ns)`);
      }
      lines.push(`ours, ${MODE_LABEL[mode]}: ${formatNs(oursNs(mode))} ns/msg — ${parts.join('; ')}`);
    }
  }

  if (run.perMessage.length > 0 && run.perMessageOptions !== undefined) {
    const perOptions = run.perMessageOptions;
    lines.push('');
    lines.push(
      `Ours message by message (ns/message, median of ${perOptions.minBatches}–${perOptions.maxBatches} batches):`,
    );
    lines.push('');
    const perHeader = ['message', 'bytes', 'floor', 'parse only', '× floor', 'parse + read', '× floor'];
    const perAlign: Align[] = ['left', 'right', 'right', 'right', 'right', 'right', 'right'];
    const perRows = run.perMessage.map(({ message, floor, ours: o }) => {
      const floorNs = floor?.nsPerMessage ?? Number.NaN;
      return [
        message.name,
        message.bytes.length.toLocaleString('en-US'),
        formatNs(floorNs),
        formatNs(o.parse.nsPerMessage),
        formatRatio(o.parse.nsPerMessage / floorNs),
        formatNs(o.parseAndRead.nsPerMessage),
        formatRatio(o.parseAndRead.nsPerMessage / floorNs),
      ];
    });
    lines.push(renderTable(perHeader, perRows, perAlign));
  }

  lines.push('');
  lines.push(
    'Inputs, decoded once before timing: ' +
      run.mixed.map((r) => `${r.contender.label} ← ${r.contender.input}`).join('; ') +
      (isAscii(corpus) ? ' (the corpus is ASCII: every decoding gives the same text).' : '.'),
  );
  lines.push('How each contender is driven:');
  for (const r of run.mixed) lines.push(`  - ${r.contender.note}`);
  if (run.differences.length > 0) {
    lines.push(`What peers read differently from ${run.referenceLabel ?? 'the reference'} (reported, not failed):`);
    for (const d of run.differences) lines.push(`  - ${d.contender} · ${d.message}: ${d.difference}`);
  } else if (run.referenceLabel !== undefined) {
    lines.push(`Every peer read the same values as ${run.referenceLabel} on every message.`);
  }
  return lines.join('\n');
}

/** The run as the JSON saved under benches/results. */
export function resultsJson(run: ParseRun, timestamp: Date): unknown {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return {
    benchmark: 'parse',
    timestamp: timestamp.toISOString(),
    quick: run.quick,
    environment: {
      node: process.version,
      v8: process.versions.v8,
      platform: process.platform,
      arch: process.arch,
      cpu,
      cores: cpus().length,
      loadAverageAtStart: run.loadAverage,
    },
    settings: { mixed: run.mixedOptions, perMessage: run.perMessageOptions ?? null },
    corpus: {
      directory: run.corpusDirectory,
      totalBytes: totalBytes(run.corpus),
      asciiOnly: isAscii(run.corpus),
      messages: run.corpus.map((message) => ({
        name: message.name,
        bytes: message.bytes.length,
        callId: message.expectedCallId,
      })),
    },
    contenders: run.mixed.map(({ contender }) => ({
      id: contender.id,
      label: contender.label,
      role: contender.role,
      input: contender.input,
      note: contender.note,
    })),
    unit: 'nanoseconds per message',
    mixed: Object.fromEntries(run.mixed.map((r) => [r.contender.id, { parse: r.parse, parseAndRead: r.parseAndRead }])),
    ratios: { parse: ratiosOf(run, 'parse'), parseAndRead: ratiosOf(run, 'parseAndRead') },
    perMessage: run.perMessage.map(({ message, floor, ours }) => ({
      message: message.name,
      bytes: message.bytes.length,
      floor: floor ?? null,
      ours,
    })),
    differences: { reference: run.referenceLabel ?? null, list: run.differences },
    sink: run.sink,
  };
}
