/**
 * The LOOP route of the load benchmark, set up as an operator would: a
 * throwaway CA with a certificate for the core's TAS face and one for the
 * TAS's domain (`localhost`); the core started trusting that CA, with a TAS
 * failure on LOOP answered to the caller (`SIPBREAKOUT_TAS_FAILURE_LOOP=fail`:
 * the default, `bypass`, would put a call that missed the TAS straight
 * through to the callee and count it as a pass); the SIPp TAS behind socat;
 * and a LOOP registration of the caller's number made through the core's
 * gRPC API with the core's own client (`dist/register.js`) and the dev token
 * the core saved in its data folder.
 *
 * Every call: SIPp caller → core (leg 1) → TLS → socat → SIPp TAS (leg 2);
 * the TAS → core (leg 3, same Session-ID, Max-Forwards 60) → SIPp callee
 * (leg 4). A step passes only when the caller's run passed *and* the core's
 * counters show every call of the step answered on LOOP and on leg 3.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CertificateAuthority } from '@sipbreakout/sip-core/pki';
import { startCore, type CoreProcess } from './breakout-core-process.js';
import { watchCpu, type CpuShare } from './process-cpu.js';
import { freeTcpPort, runCaller, type StepResult } from './sipp.js';
import { startTas, type SippTas } from './sipp-tas.js';

const REGISTER = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../examples/breakout-core/dist/register.js',
);

/** The caller's number: the From of scenarios/uac.xml, registered with LOOP. */
export const CALLER_NUMBER = '+4790000001';

/** Above this share of one core during a step, socat may be what limits the rate. */
export const SOCAT_BOTTLENECK_PERCENT = 85;

/** The core, the TAS and how to run a checked step through them. */
export interface LoopRoute {
  readonly core: CoreProcess;
  readonly tas: SippTas;
  /** Runs one caller step (`run`) and checks, with the core's counters, that each call took the LOOP route to the end. */
  check(run: () => Promise<StepResult>): Promise<StepResult>;
  stop(): Promise<void>;
}

/** Options of {@link startLoopRoute}. */
export interface LoopRouteOptions {
  /** The SIPp callee's UDP port: the core's mobile next hop (leg 4). */
  readonly callee: number;
  /** The number called (leg 3 calls it again). */
  readonly calleeNumber: string;
  /** The TAS's -l. */
  readonly maxCalls: number;
  /** Bound of every process started here. */
  readonly maxSeconds: number;
}

/** Certificates, core, TAS and registration; then one call, checked, before the search may start. */
export async function startLoopRoute(options: LoopRouteOptions): Promise<LoopRoute> {
  const pkiDir = mkdtempSync(path.join(tmpdir(), 'sipbreakout-load-pki-'));
  const file = (name: string, pem: string): string => {
    const p = path.join(pkiDir, name);
    writeFileSync(p, pem, { mode: 0o600 });
    return p;
  };
  const ca = await CertificateAuthority.create({ commonName: 'sipbreakout load bench CA' });
  const coreCert = await ca.issue({
    commonName: 'core.localhost',
    dnsNames: ['localhost'],
    uris: ['sip:localhost'],
    ips: ['127.0.0.1'],
  });
  const tasCert = await ca.issue({ commonName: 'localhost', dnsNames: ['localhost'], uris: ['sip:localhost'] });
  const caFile = file('ca.pem', ca.cert);
  const tasCertFile = file('tas.pem', tasCert.cert);
  const tasKeyFile = file('tas.key', tasCert.key);
  let core: CoreProcess | undefined;
  let tas: SippTas | undefined;
  const stop = async (): Promise<void> => {
    if (tas !== undefined) await tas.stop();
    if (core !== undefined) await core.stop();
    rmSync(pkiDir, { recursive: true, force: true });
  };
  try {
    const started = await startCore({
      callee: options.callee,
      maxSeconds: options.maxSeconds,
      logLevel: 'error',
      env: {
        SIPBREAKOUT_SIP_TAS_CERT_FILE: file('core.pem', coreCert.cert),
        SIPBREAKOUT_SIP_TAS_KEY_FILE: file('core.key', coreCert.key),
        SIPBREAKOUT_SIP_TAS_CA_FILE: caFile,
        SIPBREAKOUT_TAS_FAILURE_LOOP: 'fail',
      },
    });
    core = started;
    const tlsPort = await freeTcpPort();
    const sippTas = await startTas({
      tlsPort,
      certFile: tasCertFile,
      keyFile: tasKeyFile,
      core: `127.0.0.1:${started.tasTlsPort}`,
      callee: options.calleeNumber,
      maxCalls: options.maxCalls,
      maxSeconds: options.maxSeconds,
    });
    tas = sippTas;
    await register(started, `sips:localhost:${tlsPort}`);
    // One call first: a route that does not work at all is an error of the setup, not a rate of 0.
    const first = await checkedStep(started, sippTas, () =>
      runCaller({
        target: `127.0.0.1:${started.port}`,
        rate: 1,
        calls: 1,
        callee: options.calleeNumber,
        maxSeconds: 30,
      }),
    );
    if (!first.passed) {
      throw new Error(
        `the first LOOP call failed (SIPp exit ${first.exitCode}): ${first.note ?? ''}\n` +
          `core log: ${started.logTail().slice(-1500)}\nsocat: ${sippTas.socatOutput().slice(-1500)}\nTAS: ${sippTas.sippOutput().slice(-1500)}`,
      );
    }
    return { core: started, tas: sippTas, check: (run) => checkedStep(started, sippTas, run), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** `node examples/breakout-core/dist/register.js …` (gRPC UpsertRegistration with the dev token), bounded by `timeout`. */
function register(core: CoreProcess, sipUri: string): Promise<void> {
  const args = [
    '--kill-after=2',
    '30',
    process.execPath,
    REGISTER,
    '--address',
    `127.0.0.1:${core.grpcPort}`,
    '--token-file',
    path.join(core.dataDir, 'auth', 'dev-token.jwt'),
    '--number',
    CALLER_NUMBER,
    '--sip-uri',
    sipUri,
    '--route-type',
    'LOOP',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('timeout', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`register.js exited ${code}: ${out.trim()}`)),
    );
  });
}

/** One sample of Prometheus text: its name, labels and value. */
interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

async function scrape(core: CoreProcess): Promise<Sample[]> {
  const text = await (await fetch(`http://127.0.0.1:${core.httpPort}/metrics`)).text();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (m === null) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] ?? ''] = l[2] ?? '';
    samples.push({ name: m[1] ?? '', labels, value: Number(m[3]) });
  }
  return samples;
}

/** The sum of `name` over the samples whose labels include `labels`, per values of the `by` labels (joined by a space; '' when none). */
function sums(
  samples: readonly Sample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
  by: readonly string[] = [],
): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== name || !Object.entries(labels).every(([k, v]) => s.labels[k] === v)) continue;
    const key = by.map((l) => s.labels[l] ?? '').join(' ');
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

/** What the core counted during a step: `after − before` of each series, non-zero ones only. */
function delta(
  before: readonly Sample[],
  after: readonly Sample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
  by: readonly string[] = [],
): Map<string, number> {
  const b = sums(before, name, labels, by);
  const out = new Map<string, number>();
  for (const [k, v] of sums(after, name, labels, by)) if (v - (b.get(k) ?? 0) !== 0) out.set(k, v - (b.get(k) ?? 0));
  return out;
}

function listed(m: ReadonlyMap<string, number>): string {
  return [...m].map(([k, v]) => `${k || 'total'} ${v}`).join(', ');
}

/** The distinct messages the core logged since `since` (ms), at most `limit` of them. */
function loggedSince(core: CoreProcess, since: number, limit: number): string[] {
  const seen = new Map<string, number>();
  for (const line of core.logTail().split('\n')) {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (typeof entry['time'] === 'number' && entry['time'] < since) continue;
    const err = entry['err'] as Record<string, unknown> | undefined;
    const code =
      typeof entry['code'] === 'string' ? entry['code'] : typeof err?.['code'] === 'string' ? err['code'] : undefined;
    const key = `${String(entry['msg'])}${code === undefined ? '' : ` (${code})`}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].slice(0, limit).map(([msg, n]) => `${msg} ×${n}`);
}

async function checkedStep(core: CoreProcess, tas: SippTas, run: () => Promise<StepResult>): Promise<StepResult> {
  const since = Date.now();
  const before = await scrape(core);
  const socatProblemsBefore = tas.socatProblems().count;
  const cpu = watchCpu({ core: core.child.pid, socat: tas.socatPid, tas: tas.sippPid });
  let result: StepResult;
  let used: Record<string, CpuShare>;
  try {
    result = await run();
  } finally {
    // Stopped on every path: its interval would keep the process alive.
    used = cpu.stop();
  }
  const after = await scrape(core);
  // The core's label values: transport `TLS`, face `tas` (leg 2 and 3) or `mobile` (leg 1 and 4).
  const loop = delta(before, after, 'sipbreakout_calls_total', { route_type: 'LOOP' }, ['outcome']);
  const leg3 = delta(before, after, 'sipbreakout_calls_total', { route_type: 'LEG3' }, ['outcome']);
  const direct = delta(before, after, 'sipbreakout_calls_total', { route_type: 'NONE' }).get('') ?? 0;
  const opened = delta(before, after, 'sipbreakout_sip_connections_opened_total', { transport: 'TLS' }).get('') ?? 0;
  const closed = delta(before, after, 'sipbreakout_sip_connections_closed_total', { transport: 'TLS' }, ['reason']);
  const open = sums(after, 'sipbreakout_sip_connections_open', { transport: 'TLS' }).get('') ?? 0;
  const tasFailures = delta(before, after, 'sipbreakout_tas_failures_total', {}, ['cause']);
  const tlsFailures = delta(before, after, 'sipbreakout_tls_failures_total', {}, ['cause']);
  const tlsParseErrors = delta(before, after, 'sipbreakout_sip_parse_errors_total', { transport: 'TLS' }, ['code']);
  const legs = delta(before, after, 'sipbreakout_call_legs_total', {}, ['leg', 'outcome']);
  const tlsInviteErrors = delta(
    before,
    after,
    'sipbreakout_sip_messages_received_total',
    { transport: 'TLS', method: 'INVITE' },
    ['status'],
  );
  const loopAnswered = loop.get('answered') ?? 0;
  const leg3Answered = leg3.get('answered') ?? 0;
  // At least: a call of an earlier failed attempt may end during this one. No call may take the direct route (`NONE`).
  const routed = loopAnswered >= result.calls && leg3Answered >= result.calls && direct === 0;
  const notes = [`LOOP answered ${loopAnswered}`, `leg 3 → 4 answered ${leg3Answered}`];
  if (direct > 0) notes.push(`direct route (no TAS) ${direct}`);
  for (const [outcome, n] of loop) if (outcome !== 'answered') notes.push(`LOOP ${outcome} ${n}`);
  for (const [outcome, n] of leg3) if (outcome !== 'answered') notes.push(`leg 3 ${outcome} ${n}`);
  notes.push(`TLS connections opened ${opened}${closed.size > 0 ? `, closed ${listed(closed)}` : ''}, open ${open}`);
  if (tasFailures.size > 0) notes.push(`TAS failures ${listed(tasFailures)}`);
  if (tlsFailures.size > 0) notes.push(`TLS failures ${listed(tlsFailures)}`);
  if (tlsParseErrors.size > 0) notes.push(`bad input on TLS ${listed(tlsParseErrors)}`);
  if (!result.passed || !routed) {
    const unanswered = new Map(
      [...legs].filter(([k]) => !/ (received|started|answered)$/.test(k)).map(([k, v]) => [`leg ${k}`, v]),
    );
    if (unanswered.size > 0) notes.push(`legs ${listed(unanswered)}`);
    const errors = new Map([...tlsInviteErrors].filter(([status]) => Number(status) >= 300));
    if (errors.size > 0) notes.push(`INVITE responses ≥ 300 received over TLS ${listed(errors)}`);
    const logged = loggedSince(core, since, 4);
    if (logged.length > 0) notes.push(`core logged: ${logged.join('; ')}`);
    const socat = tas.socatProblems();
    if (socat.count > socatProblemsBefore)
      notes.push(
        `socat: ${socat.count - socatProblemsBefore} errors/warnings, last: ${socat.last.slice(-2).join(' | ')}`,
      );
  }
  return { ...result, passed: result.passed && routed, cpu: used, note: notes.join(', ') };
}

/** A line on socat's share of the CPU in the steps of a search (its busiest second): whether it could have been the limit. */
export function socatVerdict(steps: readonly StepResult[]): string {
  let top: StepResult | undefined;
  for (const s of steps)
    if (top === undefined || (s.cpu?.['socat']?.peak ?? 0) > (top.cpu?.['socat']?.peak ?? 0)) top = s;
  const share = (name: string): string => `${top?.cpu?.[name]?.peak ?? 0}%`;
  const line = `socat's busiest second took ${share('socat')} of one core (in the step at ${top?.rate ?? 0} calls/s, where the core's took ${share('core')} and the SIPp TAS's ${share('tas')})`;
  return (top?.cpu?.['socat']?.peak ?? 0) >= SOCAT_BOTTLENECK_PERCENT
    ? `${line}: socat may be the bottleneck of the LOOP figure`
    : `${line}: socat is not the bottleneck`;
}
