/**
 * Runs Debian's `rtpengine` (package rtpengine-daemon, installed by
 * .ci/setup.d/50-rtpengine.sh) for the media relay tests: one daemon of the
 * test's own, in the foreground, userspace forwarding only (`--table=-1`, no
 * kernel module), media on 127.0.0.1 in a port range of its own, the "ng"
 * control protocol on a free loopback UDP port; stopped by its pid. A
 * missing `rtpengine` is an error, never a skip.
 */
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

/** The lowest media port a test's rtpengine may use. */
export const RTPENGINE_PORTS_FROM = 20_000;
/** The highest media port a test's rtpengine may use: below the kernel's ephemeral ports (32768 on Linux). */
export const RTPENGINE_PORTS_TO = 29_999;

/** Throws when `rtpengine` is not installed: the media relay tests must fail, not skip. */
export function requireRtpengine(): void {
  const r = spawnSync('rtpengine', ['--version'], { encoding: 'utf8' });
  if (r.error !== undefined || !`${r.stdout}${r.stderr}`.includes('Version')) {
    throw new Error(
      'rtpengine is not installed: install Debian package rtpengine-daemon (.ci/setup.d/50-rtpengine.sh)',
    );
  }
}

/** A running rtpengine of the test's own. */
export interface Rtpengine {
  /** The ng control port on 127.0.0.1. */
  readonly ngPort: number;
  /** `127.0.0.1:<ngPort>`. */
  readonly ng: string;
  /** The media port range it allocates from (inclusive). */
  readonly portMin: number;
  readonly portMax: number;
  /** What it logged (stderr). */
  output(): string;
  /** Stops it (SIGTERM, SIGKILL after 5 s) and resolves once it exited. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts `rtpengine` on 127.0.0.1 and resolves once it answers an ng `ping`
 * (within 10 s, else it is killed and the promise rejects). Sessions are
 * deleted at once on `delete` (`--delete-delay=0`).
 */
export async function startRtpengine(options: { readonly args?: readonly string[] } = {}): Promise<Rtpengine> {
  requireRtpengine();
  const ngPort = await freePort('udp');
  // A range of 200 even-based ports of its own, somewhere in 20000-29999: below Linux's ephemeral range
  // (32768-60999, /proc/sys/net/ipv4/ip_local_port_range), where freePort finds the ports SIPp and other peers bind
  // after it (SIPp's -mp and the -rtp_echo port mp+2): were they in rtpengine's range, rtpengine could take one
  // between freePort's answer and the peer's bind (it skips ports in use, but not ports about to be used).
  const slots = (RTPENGINE_PORTS_TO + 1 - 200 - RTPENGINE_PORTS_FROM) / 2 + 1;
  const portMin = RTPENGINE_PORTS_FROM + 2 * Math.floor(Math.random() * slots);
  const portMax = portMin + 199;
  const child = spawn(
    'rtpengine',
    [
      // Not Debian's /etc/rtpengine/rtpengine.conf (its CLI, HTTP and ng ports would collide): only what is given here.
      '--config-file=none',
      '--foreground',
      '--log-stderr',
      '--no-log-timestamps',
      '--log-level=6',
      '--table=-1',
      '--interface=127.0.0.1',
      `--listen-ng=127.0.0.1:${ngPort}`,
      `--port-min=${portMin}`,
      `--port-max=${portMax}`,
      '--delete-delay=0',
      '--num-threads=2',
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(killer);
      }
    })());

  const failed = (): boolean => spawnError !== undefined || child.exitCode !== null;
  const answered = await waitFor(async () => failed() || (await answersPing(ngPort)), 10_000, 50);
  if (!answered || failed()) {
    await stop();
    throw new Error(
      `rtpengine did not answer an ng ping on 127.0.0.1:${ngPort}${spawnError === undefined ? '' : ` (${spawnError.message})`}:\n${output}`,
    );
  }
  return { ngPort, ng: `127.0.0.1:${ngPort}`, portMin, portMax, output: () => output, stop };
}

/** Whether an ng listener on loopback `port` answers `ping` (bencoded `{command: ping}`) with `pong` within 300 ms. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 300);
    socket.once('error', () => done(false));
    socket.on('message', (data: Buffer) => done(data.toString('latin1') === 'ready d6:result4:ponge'));
    socket.send(Buffer.from('ready d7:command4:pinge', 'latin1'), port, '127.0.0.1');
  });
}
