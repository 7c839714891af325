/**
 * Runs Debian's `redis-server` (installed by .ci/setup.d/20-redis.sh) for the
 * tests of what several nodes share: one server of the test's own on a free
 * loopback port, no persistence, stopped by its pid. A missing
 * `redis-server` is an error, never a skip.
 */
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

/** Throws when `redis-server` is not on PATH: the Redis tests must fail, not skip. */
export function requireRedisServer(): void {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0 || !r.stdout.includes('Redis server')) {
    throw new Error('redis-server is not installed: install Debian package redis-server (.ci/setup.d/20-redis.sh)');
  }
}

/** A running redis-server of the test's own. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** What the server printed. */
  output(): string;
  /** Stops it (SIGTERM, SIGKILL after 5 s) and resolves once it exited. */
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` on a free loopback port, without persistence (no
 * RDB, no AOF, no data folder written), and resolves once it answers
 * `PING` (within 10 s, else it is killed and the promise rejects).
 */
export async function startRedisServer(options: { readonly args?: readonly string[] } = {}): Promise<RedisServer> {
  requireRedisServer();
  const port = await freePort('tcp');
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      tmpdir(),
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

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
  };

  const failed = (): boolean => spawnError !== undefined || child.exitCode !== null;
  const answered = await waitFor(async () => failed() || (await answersPing(port)), 10_000, 50);
  if (!answered || failed()) {
    await stop();
    throw new Error(
      `redis-server did not answer PING on 127.0.0.1:${port}${spawnError === undefined ? '' : ` (${spawnError.message})`}:\n${output}`,
    );
  }
  return { port, url: `redis://127.0.0.1:${port}`, output: () => output, stop };
}

/** Whether a Redis server on loopback `port` answers `PING` with `+PONG` (RESP) within 1 s. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
