/**
 * `pnpm bench:load`: SIPp caller → system under test → SIPp callee over UDP
 * on loopback, for SIPp alone (the machine's ceiling), Kamailio as a
 * transaction-stateful proxy and our breakout core (direct route); the
 * highest zero-failure call rate of each, the ratio of ours to Kamailio's,
 * and the core's RSS before and after a fixed run at half its rate.
 * Flags: --quick, --only=sipp,kamailio,core, --kamailio-children=N.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCore, type CoreProcess } from './breakout-core-process.js';
import { findKamailio, startKamailio } from './kamailio.js';
import { searchMaxRate, type RateSearch } from './rate-search.js';
import { requireSipp, runCaller, startCallee, type StepResult } from './sipp.js';

type SystemId = 'sipp' | 'kamailio' | 'core';

interface Settings {
  readonly quick: boolean;
  readonly ladder: readonly number[];
  readonly secondsPerStep: number;
  readonly capSeconds: number;
  readonly memorySeconds: number;
  readonly only: readonly SystemId[];
  readonly kamailioChildren: number;
}

const CALLEE_NUMBER = '+4790000002';

function parseArgs(argv: readonly string[]): Settings {
  const quick = argv.includes('--quick') || process.env['BENCH_QUICK'] === '1';
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',') ?? ['sipp', 'kamailio', 'core'];
  for (const id of only) if (id !== 'sipp' && id !== 'kamailio' && id !== 'core') throw new Error(`--only: unknown system ${id} (sipp, kamailio, core)`);
  const children = Number(argv.find((a) => a.startsWith('--kamailio-children='))?.split('=')[1] ?? 4);
  return {
    quick,
    ladder: quick
      ? [250, 500, 1000, 1500, 2000, 3000, 4000, 6000, 8000]
      : [250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2500, 3000, 3500, 4000, 5000, 6000, 7000, 8000, 9000, 10000],
    secondsPerStep: quick ? 2 : 5,
    capSeconds: quick ? 60 : 240,
    memorySeconds: quick ? 20 : 300,
    only: only as SystemId[],
    kamailioChildren: Number.isInteger(children) && children > 0 ? children : 4,
  };
}

function describeStep(system: string, s: StepResult): string {
  const verdict = s.passed ? 'pass' : s.timedOut ? 'FAIL (timeout: calls stuck)' : `FAIL (exit ${s.exitCode})`;
  return `  ${system.padEnd(9)} ${String(s.rate).padStart(6)} calls/s × ${String(s.calls).padStart(6)}: ${verdict}, ok ${s.successful}, failed ${s.failed}, retrans ${s.retransmissions}, ${s.seconds.toFixed(1)} s`;
}

interface SystemResult {
  readonly system: SystemId;
  readonly label: string;
  readonly search: RateSearch | undefined;
  readonly error?: string;
}

async function measure(system: SystemId, settings: Settings, memory: { out?: MemoryRun }): Promise<SystemResult> {
  const label = system === 'sipp' ? 'SIPp → SIPp' : system === 'kamailio' ? 'Kamailio (tm)' : 'breakout core (direct)';
  // Everything this system starts is bounded by its cap plus the memory run and margin.
  const processCap = settings.capSeconds + settings.memorySeconds + 120;
  const callee = await startCallee(processCap);
  let stopSut: (() => Promise<void>) | undefined;
  let core: CoreProcess | undefined;
  try {
    let target: number;
    if (system === 'sipp') target = callee.ports.sip;
    else if (system === 'kamailio') {
      const k = await startKamailio({ callee: callee.ports.sip, children: settings.kamailioChildren, maxSeconds: processCap });
      stopSut = k.stop;
      target = k.port;
    } else {
      core = await startCore({ callee: callee.ports.sip, maxSeconds: processCap, logLevel: 'error' });
      stopSut = core.stop;
      target = core.port;
    }
    const step = (rate: number, calls: number): Promise<StepResult> =>
      runCaller({ target: `127.0.0.1:${target}`, rate, calls, callee: CALLEE_NUMBER, maxSeconds: Math.ceil(calls / rate) + 30 });
    const search = await searchMaxRate({
      ladder: settings.ladder,
      secondsPerStep: settings.secondsPerStep,
      capSeconds: settings.capSeconds,
      step,
      onStep: (s) => console.log(describeStep(system, s)),
    });
    if (core !== undefined && search.maxRate > 0) {
      memory.out = await memoryRun(core, step, Math.max(1, Math.floor(search.maxRate / 2)), settings.memorySeconds);
    }
    return { system, label, search };
  } catch (e) {
    return { system, label, search: undefined, error: e instanceof Error ? e.message : String(e) };
  } finally {
    if (stopSut !== undefined) await stopSut();
    await callee.stop();
  }
}

interface MemoryRun {
  readonly rate: number;
  readonly seconds: number;
  readonly rssStartBytes: number;
  readonly rssEndBytes: number;
  readonly step: StepResult;
}

/** The core's RSS before and after `seconds` of calls at `rate`. */
async function memoryRun(core: CoreProcess, step: (rate: number, calls: number) => Promise<StepResult>, rate: number, seconds: number): Promise<MemoryRun> {
  console.log(`\nmemory: ${seconds} s at ${rate} calls/s through the core`);
  const rssStartBytes = core.rss();
  const result = await step(rate, rate * seconds);
  // Let the last calls' transactions and timers end (Timer J/K: 32 s on UDP would be long; 5 s for most).
  await new Promise((r) => setTimeout(r, 5000));
  const rssEndBytes = core.rss();
  console.log(describeStep('core', result));
  return { rate, seconds, rssStartBytes, rssEndBytes, step: result };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function main(): Promise<void> {
  const settings = parseArgs(process.argv.slice(2));
  const sippVersion = requireSipp();
  const kamailioVersion = settings.only.includes('kamailio') ? findKamailio().version : undefined;
  console.log(`load benchmark${settings.quick ? ' (--quick: indicative only)' : ''}: ${sippVersion}, ${kamailioVersion ?? 'no kamailio'}, node ${process.version}, ${os.cpus().length} cores`);
  console.log(`steps of rate × ${settings.secondsPerStep} s calls, cap ${settings.capSeconds} s per system, a failing step confirmed once\n`);
  const memory: { out?: MemoryRun } = {};
  const results: SystemResult[] = [];
  for (const system of settings.only) {
    console.log(`${system}:`);
    const r = await measure(system, settings, memory);
    if (r.error !== undefined) console.log(`  ERROR: ${r.error}`);
    results.push(r);
  }
  const kamailio = results.find((r) => r.system === 'kamailio')?.search?.maxRate;
  console.log('\n| system | highest zero-failure calls/s | stopped by | ratio to Kamailio |');
  console.log('|---|---:|---|---:|');
  for (const r of results) {
    const rate = r.search?.maxRate;
    const ratio = rate !== undefined && kamailio !== undefined && kamailio > 0 ? (rate / kamailio).toFixed(2) : '—';
    const note = r.search?.stoppedBy ?? `error`;
    console.log(`| ${r.label} | ${rate ?? '—'} | ${note} | ${ratio} |`);
  }
  const core = results.find((r) => r.system === 'core')?.search?.maxRate;
  if (core !== undefined && kamailio !== undefined && kamailio > 0) {
    console.log(`\nours / Kamailio = ${core} / ${kamailio} = ${(core / kamailio).toFixed(2)} (target ≥ 0.50)`);
  }
  if (memory.out !== undefined) {
    const m = memory.out;
    const growth = m.rssEndBytes - m.rssStartBytes;
    console.log(`core RSS: ${mib(m.rssStartBytes)} at the start, ${mib(m.rssEndBytes)} at the end of ${m.seconds} s at ${m.rate} calls/s (${growth >= 0 ? '+' : ''}${mib(growth)}; the run ${m.step.passed ? 'passed' : 'FAILED'})`);
  }
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `load-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        kind: 'load',
        date: new Date().toISOString(),
        quick: settings.quick,
        machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, sipp: sippVersion, kamailio: kamailioVersion },
        settings,
        results: results.map((r) => ({ system: r.system, label: r.label, maxRate: r.search?.maxRate ?? null, stoppedBy: r.search?.stoppedBy ?? null, error: r.error ?? null, steps: r.search?.steps ?? [] })),
        ratioToKamailio: core !== undefined && kamailio !== undefined && kamailio > 0 ? core / kamailio : null,
        memory: memory.out ?? null,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
  if (results.some((r) => r.error !== undefined)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
