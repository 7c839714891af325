/**
 * Runs SIPp (Debian's sip-tester) for the interop and end-to-end tiers: loopback only, every
 * run bounded in calls and in time by `timeout`, whose exit 124 counts as a
 * failure (calls were stuck). A missing `sipp` is an error, never a skip.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';

/** Throws when `sipp` is not on PATH: the interop tier must fail, not skip. */
export function requireSipp(): void {
  const r = spawnSync('sipp', ['-v'], { encoding: 'utf8' });
  if (r.error !== undefined || !`${r.stdout}${r.stderr}`.includes('SIPp')) {
    throw new Error('sipp is not installed: install Debian package sip-tester (.ci/setup.d/10-sipp.sh)');
  }
}

/** Throws when `socat` is not on PATH (the TLS leg of the interop tier needs it). */
export function requireSocat(): void {
  const r = spawnSync('socat', ['-V'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0)
    throw new Error('socat is not installed: install Debian package socat (.ci/setup.d/10-sipp.sh)');
}

/** Distinct free ports for one SIPp instance: SIP (-p), control (-cp) and media (-mp, with room for +2). */
export async function sippPorts(): Promise<{ sip: number; control: number; media: number }> {
  const sip = await freePort('tcp');
  const control = await freePort('udp');
  let media = await freePort('udp');
  while (media === control || media + 2 === control || media === sip) media = await freePort('udp');
  return { sip, control, media };
}

/** What one SIPp run showed. */
export interface SippResult {
  readonly exitCode: number | null;
  /** True when `timeout` killed SIPp (exit 124): calls were stuck. */
  readonly timedOut: boolean;
  readonly successful: number;
  readonly failed: number;
  readonly retransmissions: number;
  readonly output: string;
}

function lastCount(output: string, label: string): number {
  const re = new RegExp(`${label}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`, 'g');
  let last = 0;
  for (const m of output.matchAll(re)) last = Number(m[1]);
  return last;
}

/** Sums the Retrans column (second number on each message line) of the last message table SIPp printed. */
function retransmissionsOf(output: string): number {
  const at = output.lastIndexOf('Messages  Retrans');
  if (at < 0) return 0;
  let sum = 0;
  for (const line of output.slice(at).split('\n')) {
    if (line.includes('Test Terminated') || line.includes('Statistics Screen')) break;
    const m = /(?:-+>|<-+)\s+(?:E-RTD\d\s+)?(\d+)\s+(\d+)/.exec(line);
    if (m?.[2] !== undefined) sum += Number(m[2]);
  }
  return sum;
}

/** Runs `sipp args…` under `timeout seconds`; resolves when it exits. */
export function runSipp(args: readonly string[], seconds: number, cwd?: string): Promise<SippResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('timeout', ['--kill-after=5', String(seconds), 'sipp', ...args, '-nostdin'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(cwd === undefined ? {} : { cwd }),
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('latin1')));
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({
        exitCode: code,
        timedOut: code === 124 || code === 137,
        successful: lastCount(output, 'Successful call'),
        failed: lastCount(output, 'Failed call'),
        retransmissions: retransmissionsOf(output),
        output,
      });
    });
  });
}

/**
 * The path of a SIPp scenario kept here (`tools/test-peers/scenarios/`),
 * shared by the interop tiers of the packages: `uac-txn.xml` (a caller:
 * INVITE, ACK, BYE), `uas-ack-optional.xml` (a callee that answers 200,
 * and takes the ACK whether it comes or not), `uac-cancel-race.xml` (a
 * caller whose CANCEL races the 200).
 */
export function sippScenario(name: string): string {
  return fileURLToPath(new URL(`../scenarios/${name}`, import.meta.url));
}

/**
 * A copy of `scenarioPath` in a temporary directory with its `<timewait>`
 * set to `milliseconds`: how long SIPp keeps a finished call to answer
 * retransmissions of the last request (RFC 3261 Timer J is 64·T1 = 32 s on
 * UDP; SIPp's built-in 4 s loses a call whenever the 200 to a BYE and the
 * next few BYE retransmissions are all lost under -lost).
 */
export function withTimewait(scenarioPath: string, milliseconds: number): string {
  const text = readFileSync(scenarioPath, 'latin1');
  const changed = text.replace(/<timewait milliseconds="\d+"\/>/, `<timewait milliseconds="${milliseconds}"/>`);
  if (changed === text) throw new Error(`${scenarioPath} has no <timewait> to change`);
  const dir = mkdtempSync(path.join(tmpdir(), 'sipbreakout-sipp-'));
  const out = path.join(dir, path.basename(scenarioPath));
  writeFileSync(out, changed, 'latin1');
  return out;
}
