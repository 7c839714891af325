/**
 * `pnpm bench:load`: SIPp caller → system under test → SIPp callee over UDP
 * on loopback, for SIPp alone (the machine's ceiling), Kamailio as a
 * transaction-stateful proxy, our breakout core on the direct route, and
 * our core on the LOOP route (`loop`: the caller's number registered with
 * LOOP through the gRPC API; every call goes as leg 2 over TLS to a SIPp TAS
 * behind socat, comes back from it as leg 3 with the same Session-ID, and
 * goes on as leg 4 to the callee; a step passes only when the core counted
 * every call answered on LOOP and on leg 3, and the CPU of the core, socat
 * and the TAS is printed per step, so socat is seen if it is the limit);
 * the highest zero-failure call rate of each, the ratio of ours to
 * Kamailio's, and the core's memory over a fixed run at half its rate.
 * Flags: --quick, --only=sipp,kamailio,core,loop, --kamailio-children=N,
 * --memory-rate=N (default half the core's highest rate), --memory-seconds=N,
 * --save-baseline (also copy the results to benches/results/baselines/load.json).
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCore, type CoreProcess } from './breakout-core-process.js';
import { describeBreakdown, profileFolder, profileRun, type TimeBreakdown } from './cpu-profile.js';
import { liveHeapBytes, liveHeapFlags } from './live-heap.js';
import { findKamailio, startKamailio } from './kamailio.js';
import { socatVerdict, startLoopRoute, type LoopRoute } from './loop-route.js';
import { searchMaxRate, type RateSearch } from './rate-search.js';
import { requireSipp, runCaller, startCallee, type StepResult } from './sipp.js';

type SystemId = 'sipp' | 'kamailio' | 'core' | 'loop';

const SYSTEMS: readonly SystemId[] = ['sipp', 'kamailio', 'core', 'loop'];

const LABELS: Readonly<Record<SystemId, string>> = {
  sipp: 'SIPp → SIPp',
  kamailio: 'Kamailio (tm)',
  core: 'breakout core (direct)',
  loop: 'breakout core (LOOP via TAS, TLS)',
};

interface Settings {
  readonly quick: boolean;
  /** Also copy the results to `benches/results/baselines/load.json`, the committed baseline. */
  readonly saveBaseline: boolean;
  readonly ladder: readonly number[];
  readonly secondsPerStep: number;
  readonly capSeconds: number;
  readonly memorySeconds: number;
  readonly only: readonly SystemId[];
  readonly kamailioChildren: number;
  /** The memory run's rate when given (--memory-rate=N), else half the core's highest rate. */
  readonly memoryRate: number | undefined;
}

const CALLEE_NUMBER = '+4790000002';

function parseArgs(argv: readonly string[]): Settings {
  const quick = argv.includes('--quick') || process.env['BENCH_QUICK'] === '1';
  const saveBaseline = argv.includes('--save-baseline');
  const only = argv
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',') ?? [...SYSTEMS];
  for (const id of only)
    if (!(SYSTEMS as readonly string[]).includes(id))
      throw new Error(`--only: unknown system ${id} (${SYSTEMS.join(', ')})`);
  const children = Number(argv.find((a) => a.startsWith('--kamailio-children='))?.split('=')[1] ?? 4);
  const memoryRate = Number(argv.find((a) => a.startsWith('--memory-rate='))?.split('=')[1] ?? NaN);
  const memorySeconds = Number(argv.find((a) => a.startsWith('--memory-seconds='))?.split('=')[1] ?? NaN);
  return {
    quick,
    saveBaseline,
    ladder: quick
      ? [250, 500, 1000, 1500, 2000, 3000, 4000, 6000, 8000]
      : [250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2500, 3000, 3500, 4000, 5000, 6000, 7000, 8000, 9000, 10000],
    secondsPerStep: quick ? 2 : 5,
    capSeconds: quick ? 60 : 240,
    memorySeconds:
      Number.isInteger(memorySeconds) && memorySeconds > 0 ? Math.min(memorySeconds, 900) : quick ? 60 : 300,
    only: only as SystemId[],
    kamailioChildren: Number.isInteger(children) && children > 0 ? children : 4,
    memoryRate: Number.isInteger(memoryRate) && memoryRate > 0 ? memoryRate : undefined,
  };
}

function describeStep(system: string, s: StepResult): string {
  const verdict = s.passed
    ? 'pass'
    : s.timedOut
      ? 'FAIL (timeout: calls stuck)'
      : s.exitCode === 0
        ? "FAIL (SIPp passed, the core's counters did not)"
        : `FAIL (exit ${s.exitCode})`;
  const cpu =
    s.cpu === undefined
      ? ''
      : `; cpu % of a core (average/busiest second) ${Object.entries(s.cpu)
          .map(([p, v]) => `${p} ${v.average}/${v.peak}`)
          .join(', ')}`;
  const note = s.note === undefined ? '' : `\n${' '.repeat(14)}${s.note}`;
  return `  ${system.padEnd(9)} ${String(s.rate).padStart(6)} calls/s × ${String(s.calls).padStart(6)}: ${verdict}, ok ${s.successful}, failed ${s.failed}, retrans ${s.retransmissions}, ${s.seconds.toFixed(1)} s${cpu}${note}`;
}

interface SystemResult {
  readonly system: SystemId;
  readonly label: string;
  readonly search: RateSearch | undefined;
  readonly error?: string;
}

/** Where the memory run's core writes its live heap figures (see live-heap.ts). */
let liveHeapDir: { readonly dir: string; readonly remove: () => void } | undefined;

/** Where the direct route's time goes (the profiled run). */
let breakdown: (TimeBreakdown & { readonly passed: boolean }) | undefined;

async function measure(system: SystemId, settings: Settings, memory: { out?: MemoryRun }): Promise<SystemResult> {
  const label = LABELS[system];
  // Everything this system starts is bounded by its cap plus the memory run and margin.
  const processCap = settings.capSeconds + settings.memorySeconds + 180;
  const callee = await startCallee(processCap);
  let stopSut: (() => Promise<void>) | undefined;
  let core: CoreProcess | undefined;
  let loop: LoopRoute | undefined;
  try {
    let target: number;
    if (system === 'sipp') target = callee.ports.sip;
    else if (system === 'kamailio') {
      const k = await startKamailio({
        callee: callee.ports.sip,
        children: settings.kamailioChildren,
        maxSeconds: processCap,
      });
      stopSut = k.stop;
      target = k.port;
    } else if (system === 'loop') {
      // The LOOP route's core takes no memory run (`core` stays unset): that is the direct route's.
      loop = await startLoopRoute({
        callee: callee.ports.sip,
        calleeNumber: CALLEE_NUMBER,
        maxCalls: 10 * Math.max(...settings.ladder),
        maxSeconds: processCap,
      });
      stopSut = loop.stop;
      target = loop.core.port;
    } else {
      core = await startCore({ callee: callee.ports.sip, maxSeconds: processCap, logLevel: 'error' });
      stopSut = core.stop;
      target = core.port;
    }
    const route = loop;
    const step = (rate: number, calls: number): Promise<StepResult> => {
      const run = (): Promise<StepResult> =>
        runCaller({
          target: `127.0.0.1:${target}`,
          rate,
          calls,
          callee: CALLEE_NUMBER,
          maxSeconds: Math.ceil(calls / rate) + 30,
        });
      return route === undefined ? run() : route.check(run);
    };
    const search = await searchMaxRate({
      ladder: settings.ladder,
      secondsPerStep: settings.secondsPerStep,
      capSeconds: settings.capSeconds,
      step,
      onStep: (s) => console.log(describeStep(system, s)),
    });
    if (core !== undefined && search.maxRate > 0) {
      // A fresh core: the failed steps of the search leave retransmissions and 64·T1 of state behind.
      await core.stop();
      const profileRate = Math.max(1, Math.floor(search.maxRate / 2));
      console.log(
        `\nprofile: ${settings.quick ? 5 : 10} s at ${profileRate} calls/s through a fresh core with --cpu-prof`,
      );
      try {
        breakdown = await profileRun({
          callee: callee.ports.sip,
          calleeNumber: CALLEE_NUMBER,
          rate: profileRate,
          seconds: settings.quick ? 5 : 10,
          startCore,
          runCaller,
        });
        console.log(describeBreakdown(breakdown));
      } catch (e) {
        console.log(`  profile failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      const heapDir = profileFolder();
      liveHeapDir = heapDir;
      core = await startCore({
        callee: callee.ports.sip,
        maxSeconds: settings.memorySeconds + 180,
        logLevel: 'error',
        nodeArgs: liveHeapFlags(heapDir.dir),
      });
      stopSut = core.stop;
      const fresh = core;
      const memoryStep = (rate: number, calls: number): Promise<StepResult> =>
        runCaller({
          target: `127.0.0.1:${fresh.port}`,
          rate,
          calls,
          callee: CALLEE_NUMBER,
          maxSeconds: Math.ceil(calls / rate) + 30,
        });
      memory.out = await memoryRun(
        fresh,
        memoryStep,
        settings.memoryRate ?? Math.max(1, Math.floor(search.maxRate / 2)),
        settings.memorySeconds,
      );
    }
    return { system, label, search };
  } catch (e) {
    return { system, label, search: undefined, error: e instanceof Error ? e.message : String(e) };
  } finally {
    if (stopSut !== undefined) await stopSut();
    await callee.stop();
  }
}

interface MemorySample {
  /** Seconds since the calls started (negative: before; past the run: after the drain). */
  readonly at: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly transactionsOpen: number;
}

interface MemoryRun {
  readonly rate: number;
  readonly seconds: number;
  /** Idle, before the first call. */
  readonly before: MemorySample;
  /** Once the 64·T1 windows are full (the first minute): the steady state the end is compared with. */
  readonly steady: MemorySample;
  /** At the end of the calls. */
  readonly end: MemorySample;
  /** Idle again, 40 s (> 64·T1) after the last call. */
  readonly after: MemorySample;
  readonly samples: readonly MemorySample[];
  /** Live heap (what survives a full collection) idle before the calls and idle 40 s after them. */
  readonly liveHeapBeforeBytes: number | undefined;
  readonly liveHeapAfterBytes: number | undefined;
  readonly step: StepResult;
  /** RSS at the end at most 10 % over the steady sample, and the idle heap back within 10 % (+16 MiB) of where it started. */
  readonly flat: boolean;
}

/**
 * The core's memory over `seconds` of calls at `rate`, on a core started
 * for it (the rate search leaves the first one full of the failed steps'
 * retransmissions). A call keeps transactions for 64·T1 = 32 s after it
 * ends (RFC 6026), so memory climbs for the first half minute to a plateau:
 * the run compares the end with the plateau (the sample after 60 s), and the
 * idle process 40 s after the last call with the idle process before.
 */
async function memoryRun(
  core: CoreProcess,
  step: (rate: number, calls: number) => Promise<StepResult>,
  rate: number,
  seconds: number,
): Promise<MemoryRun> {
  console.log(`\nmemory: ${seconds} s at ${rate} calls/s through a fresh core`);
  const sample = async (at: number): Promise<MemorySample> => {
    const g = await core.gauges();
    return { at, rssBytes: core.rss(), heapUsedBytes: g.heapUsedBytes, transactionsOpen: g.transactionsOpen };
  };
  const live = async (): Promise<number | undefined> => {
    const pid = core.child.pid;
    if (pid === undefined || liveHeapDir === undefined) return undefined;
    try {
      return await liveHeapBytes(pid, liveHeapDir.dir);
    } catch (e) {
      console.log(`  live heap not measured: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  };
  const liveHeapBeforeBytes = await live();
  const before = await sample(-1);
  const samples: MemorySample[] = [before];
  const started = Date.now();
  const steadyAt = Math.min(60, Math.floor(seconds * 0.6));
  const sampler = setInterval(() => {
    void sample(Math.round((Date.now() - started) / 1000)).then(
      (m) => {
        samples.push(m);
        console.log(
          `  t=${String(m.at).padStart(3)} s  RSS ${mib(m.rssBytes)}  heap used ${mib(m.heapUsedBytes)}  transactions open ${m.transactionsOpen}`,
        );
      },
      () => undefined,
    );
  }, 10_000);
  let result: StepResult;
  try {
    result = await step(rate, rate * seconds);
  } finally {
    clearInterval(sampler);
  }
  const end = await sample(Math.round((Date.now() - started) / 1000));
  samples.push(end);
  // 64·T1 = 32 s for the last calls' transactions, and a little more.
  await new Promise((r) => setTimeout(r, 40_000));
  const after = await sample(Math.round((Date.now() - started) / 1000));
  samples.push(after);
  // The plateau: V8 keeps sizing its heap for a while after the 64·T1 state stops growing, so the reference is
  // the highest RSS of the first half of the steady window (from `steadyAt` to mid-run), and growth means the
  // second half climbing above it.
  const midRun = steadyAt + (seconds - steadyAt) / 2;
  const firstHalf = samples.filter((m) => m.at >= steadyAt && m.at <= midRun);
  const steady =
    firstHalf.reduce<MemorySample | undefined>(
      (hi, m) => (hi === undefined || m.rssBytes > hi.rssBytes ? m : hi),
      undefined,
    ) ?? end;
  const liveHeapAfterBytes = await live();
  liveHeapDir?.remove();
  // Flat: RSS at the end within 10 % of the plateau's, and the live heap idle after within 16 MiB of idle before
  // (heap used counts uncollected garbage, so it says nothing about retention once the calls stop).
  const liveFlat =
    liveHeapBeforeBytes === undefined || liveHeapAfterBytes === undefined
      ? after.heapUsedBytes <= before.heapUsedBytes * 1.1 + 16 * 1024 * 1024
      : liveHeapAfterBytes <= liveHeapBeforeBytes + 16 * 1024 * 1024;
  const flat = end.rssBytes <= steady.rssBytes * 1.1 && liveFlat;
  console.log(describeStep('core', result));
  return {
    rate,
    seconds,
    before,
    steady,
    end,
    after,
    samples,
    liveHeapBeforeBytes,
    liveHeapAfterBytes,
    step: result,
    flat,
  };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function main(): Promise<void> {
  const settings = parseArgs(process.argv.slice(2));
  const sippVersion = requireSipp();
  const kamailioVersion = settings.only.includes('kamailio') ? findKamailio().version : undefined;
  console.log(
    `load benchmark${settings.quick ? ' (--quick: indicative only)' : ''}: ${sippVersion}, ${kamailioVersion ?? 'no kamailio'}, node ${process.version}, ${os.cpus().length} cores`,
  );
  console.log(
    `steps of rate × ${settings.secondsPerStep} s calls, cap ${settings.capSeconds} s per system, a failing step confirmed once\n`,
  );
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
  const loopSearch = results.find((r) => r.system === 'loop')?.search;
  const loop = loopSearch?.maxRate;
  if (loop !== undefined) {
    // A LOOP call is two calls through the core (legs 1+2, then 3+4), one pair over TLS.
    const vsKamailio =
      kamailio !== undefined && kamailio > 0
        ? `; LOOP / Kamailio = ${loop} / ${kamailio} = ${(loop / kamailio).toFixed(2)}`
        : '';
    const vsDirect = core !== undefined && core > 0 ? `; LOOP / direct = ${(loop / core).toFixed(2)}` : '';
    console.log(`\nLOOP: ${loop} calls/s with zero failures${vsKamailio}${vsDirect}`);
    if (loopSearch !== undefined) console.log(`LOOP: ${socatVerdict(loopSearch.steps)}`);
  }
  if (memory.out !== undefined) {
    const m = memory.out;
    const row = (label: string, x: MemorySample): string =>
      `| ${label} | ${x.at} | ${mib(x.rssBytes)} | ${mib(x.heapUsedBytes)} | ${x.transactionsOpen} |`;
    console.log(
      `\ncore memory over ${m.seconds} s at ${m.rate} calls/s (the run ${m.step.passed ? 'passed' : 'FAILED'}: ok ${m.step.successful}, failed ${m.step.failed}):`,
    );
    console.log('| when | s | RSS | V8 heap used | transactions open |');
    console.log('|---|---:|---:|---:|---:|');
    console.log(row('idle, before', m.before));
    console.log(row('plateau (highest RSS from 60 s to mid-run)', m.steady));
    console.log(row('end of the calls', m.end));
    console.log(row('idle, 40 s after', m.after));
    const liveLine =
      m.liveHeapBeforeBytes === undefined || m.liveHeapAfterBytes === undefined
        ? 'live heap not measured'
        : `live heap (after a full collection) ${mib(m.liveHeapBeforeBytes)} idle before, ${mib(m.liveHeapAfterBytes)} idle after`;
    console.log(
      `memory ${m.flat ? 'flat' : 'GREW'}: end − plateau = ${mib(m.end.rssBytes - m.steady.rssBytes)} RSS; ${liveLine}`,
    );
  }
  if (breakdown !== undefined)
    console.log(`\n${describeBreakdown(breakdown)}${breakdown.passed ? '' : '\n(the profiled run had failed calls)'}`);
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
        machine: {
          cores: os.cpus().length,
          cpu: os.cpus()[0]?.model,
          node: process.version,
          sipp: sippVersion,
          kamailio: kamailioVersion,
        },
        settings,
        results: results.map((r) => ({
          system: r.system,
          label: r.label,
          maxRate: r.search?.maxRate ?? null,
          stoppedBy: r.search?.stoppedBy ?? null,
          error: r.error ?? null,
          steps: r.search?.steps ?? [],
        })),
        ratioToKamailio: core !== undefined && kamailio !== undefined && kamailio > 0 ? core / kamailio : null,
        loopRatioToKamailio: loop !== undefined && kamailio !== undefined && kamailio > 0 ? loop / kamailio : null,
        loopSocat: loopSearch === undefined ? null : socatVerdict(loopSearch.steps),
        memory: memory.out ?? null,
        whereTheTimeGoes: breakdown ?? null,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
  if (settings.saveBaseline) {
    // The committed baseline the READMEs quote: benches/results/baselines/load.json.
    const baseline = path.join(dir, 'baselines', 'load.json');
    mkdirSync(path.dirname(baseline), { recursive: true });
    copyFileSync(file, baseline);
    console.log(`baseline: ${path.relative(process.cwd(), baseline)}`);
  }
  if (results.some((r) => r.error !== undefined)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
