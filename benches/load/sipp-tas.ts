/**
 * The TAS of the LOOP route: one SIPp instance (scenarios/tas-loop.xml)
 * over TCP, behind socat, which terminates TLS with the TAS's certificate
 * (Debian's SIPp has no TLS). The core opens one TLS connection to socat and
 * sends every leg 2 on it; socat forks one child for it, which relays to
 * SIPp's one TCP socket; leg 3 comes back over the same connection. Both
 * run until `stop()`, at most `maxSeconds` (`timeout`), on loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  freeTcpPort,
  freeUdpPort,
  portArgs,
  SCENARIO_DIR,
  stopChild,
  UDP_BUFFER_BYTES,
  waitForTcpListener,
  type SippPorts,
} from './sipp.js';

/** The SIPp TAS and its socat. */
export interface SippTas {
  /** SIPp's ports (its SIP port is TCP, socat's target). */
  readonly ports: SippPorts;
  /** socat's TLS port: the registration's `sips:localhost:<port>`. */
  readonly tlsPort: number;
  /** `timeout` running SIPp, and socat's `timeout` (socat and its forked child below it). */
  readonly sippPid: number | undefined;
  readonly socatPid: number | undefined;
  /** socat's notices (-d -d: each accepted connection, errors), the last 16 KiB. */
  socatOutput(): string;
  /** How many error (E) and warning (W) lines socat printed so far, and the last few. */
  socatProblems(): { readonly count: number; readonly last: readonly string[] };
  /** SIPp's screens and errors, the last 64 KiB. */
  sippOutput(): string;
  stop(): Promise<void>;
}

/** Options of {@link startTas}. */
export interface TasOptions {
  /** socat's TLS port (free on TCP). */
  readonly tlsPort: number;
  /** The TAS's certificate (for `localhost`) and key, PEM files. */
  readonly certFile: string;
  readonly keyFile: string;
  /** The core's TAS face, host:port: leg 3's Request-URI. */
  readonly core: string;
  /** The number leg 3 calls. */
  readonly callee: string;
  /** The most simultaneous calls SIPp keeps (-l), as the caller's. */
  readonly maxCalls: number;
  readonly maxSeconds: number;
}

/** Starts SIPp, waits for its TCP listener, then starts socat in front of it and waits for "listening on". */
export async function startTas(options: TasOptions): Promise<SippTas> {
  const ports: SippPorts = { sip: await freeTcpPort(), control: await freeUdpPort(), media: await freeUdpPort() };
  const sipp = spawn(
    'timeout',
    [
      '--kill-after=5',
      String(options.maxSeconds),
      'sipp',
      '-sf',
      path.join(SCENARIO_DIR, 'tas-loop.xml'),
      '-t',
      't1',
      ...portArgs(ports),
      '-key',
      'contact',
      `sips:tas@localhost:${options.tlsPort}`,
      '-key',
      'callee',
      options.callee,
      '-key',
      'core',
      options.core,
      '-l',
      String(options.maxCalls),
      '-buff_size',
      String(UDP_BUFFER_BYTES),
      '-nostdin',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let sippText = '';
  const keepSipp = (d: Buffer): void => {
    sippText = (sippText + d.toString('latin1')).slice(-65536);
  };
  sipp.stdout?.on('data', keepSipp);
  sipp.stderr?.on('data', keepSipp);
  try {
    await waitForTcpListener(ports.sip, 10_000);
  } catch (e) {
    await stopChild(sipp);
    throw new Error(
      `the SIPp TAS did not listen: ${e instanceof Error ? e.message : String(e)}\n${sippText.slice(-2000)}`,
    );
  }
  let socat: ChildProcess;
  let socatText = '';
  let partial = '';
  let problemCount = 0;
  const problems: string[] = [];
  try {
    socat = await startSocat(options, ports.sip, (text) => {
      socatText = (socatText + text).slice(-16384);
      // Lines look like `2026/11/23 02:25:51 socat[1234] E SSL_read(): …`.
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!/ socat\[\d+\] [EW] /.test(line)) continue;
        problemCount++;
        problems.push(line.trim());
        if (problems.length > 5) problems.shift();
      }
    });
  } catch (e) {
    await stopChild(sipp);
    throw e;
  }
  return {
    ports,
    tlsPort: options.tlsPort,
    sippPid: sipp.pid,
    socatPid: socat.pid,
    socatOutput: () => socatText,
    socatProblems: () => ({ count: problemCount, last: [...problems] }),
    sippOutput: () => sippText,
    stop: async () => {
      await stopGroup(socat);
      await stopChild(sipp);
    },
  };
}

/**
 * `socat -d -d OPENSSL-LISTEN:… TCP:…` under `timeout`, in its own process
 * group (its forked children with it). `fork`: a connection the core opens
 * again after losing one is served too (and counted by the core's metrics);
 * `nodelay` on both sides, so small SIP messages are not held back by
 * Nagle's algorithm; `-b 65536`: whole TLS records per read.
 */
function startSocat(options: TasOptions, sippPort: number, onOutput: (text: string) => void): Promise<ChildProcess> {
  const left = `OPENSSL-LISTEN:${options.tlsPort},bind=127.0.0.1,reuseaddr,fork,nodelay,cert=${options.certFile},key=${options.keyFile},verify=0`;
  const right = `TCP:127.0.0.1:${sippPort},nodelay`;
  return new Promise((resolve, reject) => {
    const child = spawn(
      'timeout',
      ['--kill-after=2', String(options.maxSeconds), 'socat', '-d', '-d', '-b', '65536', left, right],
      { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    );
    let listening = false;
    let seen = '';
    child.stderr?.on('data', (d: Buffer) => {
      const text = d.toString('latin1');
      onOutput(text);
      if (!listening) {
        seen += text;
        if (seen.includes('listening on')) {
          listening = true;
          resolve(child);
        }
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!listening) reject(new Error(`socat exited (${code}) before listening:\n${seen.slice(-2000)}`));
    });
  });
}

/** SIGTERM to the process group of `child` (ours: timeout, socat and socat's forks), SIGKILL after 5 s. */
function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const pgid = child.pid;
  return new Promise((resolve) => {
    const kill = setTimeout(() => {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch {
      clearTimeout(kill);
      resolve();
    }
  });
}
