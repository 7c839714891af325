/**
 * SIPp runs for the load benchmark: loopback only, the caller bounded in
 * calls (`-m`) and in time (`timeout`, whose exit 124 counts as a failure:
 * calls were stuck), each instance with its own SIP, control and media ports.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The scenario files of ours (benches/load/scenarios), found from dist/load or load/. */
export const SCENARIO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../load/scenarios');

/** 4 MiB: the system's rmem_max here; UDP buffers decide the limit (BENCHMARKING.md). */
export const UDP_BUFFER_BYTES = 4 * 1024 * 1024;

/** Throws when `sipp` is missing: the benchmark cannot say anything without it. */
export function requireSipp(): string {
  const r = spawnSync('sipp', ['-v'], { encoding: 'utf8' });
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.error !== undefined || !text.includes('SIPp')) {
    throw new Error('sipp is not installed: run scripts/install-test-peers.sh (Debian package sip-tester)');
  }
  return /SIPp v[\d.]+/.exec(text)?.[0] ?? 'SIPp';
}

const taken = new Set<number>();

/** A free loopback UDP port not handed out before in this process. */
export async function freeUdpPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        const p = socket.address().port;
        socket.close(() => resolve(p));
      });
    });
    // SIPp's media port uses +2 as well; keep neighbours apart.
    if (!taken.has(port) && !taken.has(port + 2) && !taken.has(port - 2)) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free UDP port after 50 attempts');
}

/** A free loopback TCP port not handed out before in this process (a listener: the SIPp TAS, socat). */
export async function freeTcpPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const p = typeof address === 'object' && address !== null ? address.port : 0;
        server.close(() => resolve(p));
      });
    });
    if (!taken.has(port) && !taken.has(port + 2) && !taken.has(port - 2)) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free TCP port after 50 attempts');
}

/** SIP (-p), control (-cp) and media (-mp) ports of one SIPp instance. */
export interface SippPorts {
  readonly sip: number;
  readonly control: number;
  readonly media: number;
}

/** Distinct free ports for one SIPp instance. */
export async function sippPorts(): Promise<SippPorts> {
  return { sip: await freeUdpPort(), control: await freeUdpPort(), media: await freeUdpPort() };
}

/** SIPp's address and port flags for `ports`, on loopback. */
export function portArgs(ports: SippPorts): string[] {
  return ['-i', '127.0.0.1', '-p', String(ports.sip), '-cp', String(ports.control), '-mp', String(ports.media)];
}

/** A running SIPp callee, stopped by `stop()`. */
export interface SippCallee {
  readonly ports: SippPorts;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the SIPp callee (scenarios/uas.xml) on free ports; it runs until `stop()`, at most `maxSeconds`. */
export async function startCallee(maxSeconds: number): Promise<SippCallee> {
  const ports = await sippPorts();
  const child = spawn(
    'timeout',
    [
      '--kill-after=5',
      String(maxSeconds),
      'sipp',
      '-sf',
      path.join(SCENARIO_DIR, 'uas.xml'),
      ...portArgs(ports),
      '-buff_size',
      String(UDP_BUFFER_BYTES),
      '-nostdin',
    ],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  await waitForUdpPort(ports.sip, 10_000);
  return {
    ports,
    child,
    stop: () => stopChild(child),
  };
}

/** What one caller run showed. */
export interface StepResult {
  readonly rate: number;
  readonly calls: number;
  readonly passed: boolean;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly successful: number;
  readonly failed: number;
  readonly retransmissions: number;
  readonly seconds: number;
  /** What a system's own check of the step found (the LOOP route: legs counted by the core), printed after the figures. */
  readonly note?: string;
  /** CPU used during the step by the processes of the path, in % of one core, average and busiest second (the LOOP route: core, socat, TAS). */
  readonly cpu?: Readonly<Record<string, { readonly average: number; readonly peak: number }>>;
}

function lastCount(output: string, label: string): number {
  const re = new RegExp(`${label}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`, 'g');
  let last = 0;
  for (const m of output.matchAll(re)) last = Number(m[1]);
  return last;
}

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

/**
 * Runs the SIPp caller (scenarios/uac.xml) at `rate` calls/s for `calls`
 * calls toward `target` (host:port), under `timeout`. Passed = exit 0 and
 * every call successful (SIPp exits 1 when a call failed).
 */
export async function runCaller(options: {
  target: string;
  rate: number;
  calls: number;
  callee: string;
  maxSeconds: number;
}): Promise<StepResult> {
  const ports = await sippPorts();
  const started = process.hrtime.bigint();
  const args = [
    '--kill-after=5',
    String(options.maxSeconds),
    'sipp',
    options.target,
    '-sf',
    path.join(SCENARIO_DIR, 'uac.xml'),
    '-s',
    options.callee,
    ...portArgs(ports),
    '-m',
    String(options.calls),
    '-r',
    String(options.rate),
    '-rp',
    '1000',
    '-l',
    String(Math.max(1000, options.rate * 10)),
    '-buff_size',
    String(UDP_BUFFER_BYTES),
    // A call with no answer for 10 s fails instead of holding the run.
    '-recv_timeout',
    '10000',
    // A message the scenario does not expect is let through instead of failing the call: a 180 that
    // arrives after the 200 (a multi-process proxy can reorder them) or a second 200 to a retransmitted
    // BYE are both correct SIP. A wrong answer still fails: the awaited one never comes (-recv_timeout).
    '-default_behaviors',
    'all,-abortunexp',
    '-nostdin',
  ];
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn('timeout', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (d: Buffer): void => {
      out += d.toString('latin1');
      // Only the last screens matter; keep memory bounded.
      if (out.length > 256 * 1024) out = out.slice(-128 * 1024);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('close', (c) => resolve({ code: c, output: out }));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const successful = lastCount(output, 'Successful call');
  const failed = lastCount(output, 'Failed call');
  const timedOut = code === 124 || code === 137;
  return {
    rate: options.rate,
    calls: options.calls,
    passed: code === 0 && failed === 0 && successful === options.calls,
    exitCode: code,
    timedOut,
    successful,
    failed,
    retransmissions: retransmissionsOf(output),
    seconds,
  };
}

/** Resolves once something listens on TCP 127.0.0.1:`port` (state 0A in /proc/net/tcp), or throws after `ms`. */
export async function waitForTcpListener(port: number, ms: number): Promise<void> {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const listening = readFileSync('/proc/net/tcp', 'latin1')
      .split('\n')
      .some((line) => {
        const f = line.trim().split(/\s+/);
        return f[1] === local && f[3] === '0A';
      });
    if (listening) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on tcp 127.0.0.1:${port} after ${ms} ms`);
}

/** Resolves once something listens on UDP 127.0.0.1:`port` (read from /proc/net/udp), or throws after `ms`. */
export async function waitForUdpPort(port: number, ms: number): Promise<void> {
  const hex = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (readFileSync('/proc/net/udp', 'latin1').includes(hex)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on udp 127.0.0.1:${port} after ${ms} ms`);
}

/** SIGTERM to a child we started, SIGKILL after 5 s; resolves when it has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
