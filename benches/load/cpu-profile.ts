/**
 * Where the core's time goes: a fresh core runs with V8's sampling profiler
 * (`--cpu-prof`) for a fixed number of calls at a fixed rate, and the
 * samples are summed by what they were doing — sending datagrams (the
 * kernel's loopback path included), garbage collection, parsing,
 * transactions, dialogs and B2BUA legs, the call controller and routing,
 * metrics and logs, the rest — as shares of the busy time and as
 * microseconds per call.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { treeCpuSeconds } from './process-cpu.js';

/** One row of the breakdown. */
export interface TimeShare {
  readonly area: string;
  /** Share of the samples in which the main thread was busy. */
  readonly share: number;
  /** Main-thread time per call, in microseconds. */
  readonly microsPerCall: number;
}

/** The breakdown of one profiled run. */
export interface TimeBreakdown {
  readonly calls: number;
  readonly rate: number;
  /** Main-thread busy time per call, in microseconds. */
  readonly busyMicrosPerCall: number;
  /** Busy share of the profiled wall time (1 = the main thread never idled). */
  readonly busyShare: number;
  /**
   * CPU time the core's process used per call (every thread: GC helpers
   * included), from /proc. Unlike the samples, it does not count the time
   * the main thread waited for a CPU (2 cores shared with two SIPps):
   * samples inside a `sendmsg` that wakes a SIPp count that wait too.
   */
  readonly cpuMicrosPerCall?: number;
  readonly rows: readonly TimeShare[];
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** The areas, tried in order on a sample's stack from the leaf up: the first that matches names it. */
const AREAS: ReadonlyArray<{ readonly area: string; readonly matches: (fn: string, url: string) => boolean }> = [
  { area: 'garbage collection', matches: (fn) => fn === '(garbage collector)' },
  {
    area: 'UDP send (syscall and loopback delivery)',
    matches: (fn, url) => url === 'node:dgram' && (fn === 'doSend' || fn === 'afterDns' || fn === 'send'),
  },
  {
    area: 'metrics and logs (prom-client, pino)',
    matches: (_fn, url) =>
      url.includes('/prom-client/') ||
      url.includes('/pino/') ||
      url.includes('/sonic-boom/') ||
      url.includes('observed-transport'),
  },
  {
    area: 'parsing (sip-core message layer)',
    matches: (_fn, url) =>
      /sip-core\/dist\/(parse-message|split-headers|canonical|via|name-address|uri|params|headers|grammar|scalar-headers|header-names|session-id|content-type|parse-state)\.js/.test(
        url,
      ),
  },
  {
    area: 'serializing and building messages',
    matches: (_fn, url) =>
      /sip-core\/dist\/(serialize-message|message|transaction\/transaction-messages|dialog\/relay-message|dialog\/in-dialog-request)\.js/.test(
        url,
      ),
  },
  { area: 'transport layer (§18)', matches: (_fn, url) => url.includes('sip-core/dist/transport/') },
  {
    area: 'transactions (§17)',
    matches: (_fn, url) => url.includes('sip-core/dist/transaction/') || url.includes('sip-core/dist/clock'),
  },
  { area: 'dialogs and B2BUA legs (§12–§15)', matches: (_fn, url) => url.includes('sip-core/dist/dialog/') },
  {
    area: 'call controller, routing, registrar',
    matches: (_fn, url) =>
      url.includes('breakout-core/dist/') || url.includes('routing/dist/') || url.includes('registrar/dist/'),
  },
  {
    area: 'Node timers and event loop',
    matches: (_fn, url) => url === 'node:internal/timers' || url.startsWith('node:internal/process/'),
  },
  { area: 'other Node internals (dgram receive, buffers, crypto)', matches: (_fn, url) => url.startsWith('node:') },
];

/**
 * Reads the single `.cpuprofile` V8 wrote in `dir` and sums it by area,
 * leaving out the first `skipMicros` of the profile (the core's start-up).
 */
export function summarizeProfile(dir: string, calls: number, rate: number, skipMicros: number): TimeBreakdown {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile in ${dir}: the core did not exit cleanly`);
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Profile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  // Each sample's area, decided once per profile node.
  const areaOf = new Map<number, string>();
  const classify = (id: number): string => {
    const known = areaOf.get(id);
    if (known !== undefined) return known;
    let area = 'other (JavaScript and program)';
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur);
      if (node === undefined) break;
      const found = AREAS.find((a) => a.matches(node.callFrame.functionName, node.callFrame.url));
      if (found !== undefined) {
        area = found.area;
        break;
      }
    }
    areaOf.set(id, area);
    return area;
  };
  const micros = new Map<string, number>();
  let busy = 0;
  let total = 0;
  let elapsed = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    elapsed += dt;
    if (elapsed < skipMicros) return;
    total += dt;
    const node = byId.get(id);
    if (node === undefined || node.callFrame.functionName === '(idle)') return;
    busy += dt;
    const area = classify(id);
    micros.set(area, (micros.get(area) ?? 0) + dt);
  });
  const rows = [...micros]
    .map(([area, us]) => ({ area, share: busy === 0 ? 0 : us / busy, microsPerCall: us / calls }))
    .sort((a, b) => b.share - a.share);
  return { calls, rate, busyMicrosPerCall: busy / calls, busyShare: total === 0 ? 0 : busy / total, rows };
}

/** A temporary folder for the profile, and its removal. */
export function profileFolder(): { readonly dir: string; readonly remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sipbreakout-cpu-prof-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The breakdown as a Markdown table. */
export function describeBreakdown(b: TimeBreakdown): string {
  const lines = [
    `where the core's main thread spends its time: ${b.calls} calls at ${b.rate} calls/s, ${b.busyMicrosPerCall.toFixed(0)} µs busy per call (busy ${(b.busyShare * 100).toFixed(0)} % of the run's wall time)` +
      (b.cpuMicrosPerCall === undefined
        ? ''
        : `; CPU time of the process ${b.cpuMicrosPerCall.toFixed(0)} µs per call (all threads, without the waits for a CPU that the samples include)`),
    '| area | share of busy time | µs per call |',
    '|---|---:|---:|',
    ...b.rows.map((r) => `| ${r.area} | ${(r.share * 100).toFixed(1)} % | ${r.microsPerCall.toFixed(1)} |`),
  ];
  return lines.join('\n');
}

/**
 * Profiles a fresh core (`--cpu-prof`) in front of `callee` for `seconds` of
 * calls at `rate`, and sums the profile by area. The core is stopped with
 * SIGTERM so that V8 writes the profile on exit.
 */
export async function profileRun(options: {
  readonly callee: number;
  readonly calleeNumber: string;
  readonly rate: number;
  readonly seconds: number;
  readonly startCore: (o: {
    callee: number;
    maxSeconds: number;
    logLevel: string;
    env?: Readonly<Record<string, string>>;
    nodeArgs?: readonly string[];
  }) => Promise<{
    readonly port: number;
    readonly child: { readonly pid?: number | undefined };
    stop(): Promise<void>;
  }>;
  readonly runCaller: (o: {
    target: string;
    rate: number;
    calls: number;
    callee: string;
    maxSeconds: number;
  }) => Promise<{ readonly passed: boolean; readonly successful: number; readonly failed: number }>;
}): Promise<TimeBreakdown & { readonly passed: boolean }> {
  const folder = profileFolder();
  try {
    const spawned = Date.now();
    const core = await options.startCore({
      callee: options.callee,
      maxSeconds: options.seconds + 120,
      logLevel: 'error',
      // A quick exit, so the profile is written before the stop's SIGKILL deadline.
      env: { SIPBREAKOUT_GRPC_DRAIN_SECONDS: '0' },
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${folder.dir}`],
    });
    let result: { readonly passed: boolean };
    let callsFrom: number;
    let cpuSeconds: number | undefined;
    const pid = core.child.pid;
    try {
      // An idle second between start-up and the calls, so the cut is clean.
      await new Promise((r) => setTimeout(r, 1000));
      callsFrom = Date.now();
      const cpuBefore = pid === undefined ? undefined : treeCpuSeconds(pid);
      const calls = options.rate * options.seconds;
      result = await options.runCaller({
        target: `127.0.0.1:${core.port}`,
        rate: options.rate,
        calls,
        callee: options.calleeNumber,
        maxSeconds: options.seconds + 30,
      });
      if (pid !== undefined && cpuBefore !== undefined) cpuSeconds = treeCpuSeconds(pid) - cpuBefore;
    } finally {
      await core.stop();
    }
    const skipMicros = (callsFrom - spawned - 500) * 1000;
    const calls = options.rate * options.seconds;
    return {
      ...summarizeProfile(folder.dir, calls, options.rate, skipMicros),
      ...(cpuSeconds === undefined ? {} : { cpuMicrosPerCall: (cpuSeconds * 1e6) / calls }),
      passed: result.passed,
    };
  } finally {
    folder.remove();
  }
}
