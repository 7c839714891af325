/**
 * Runs Debian's `socat` (OpenSSL) as an independent TLS peer in front of
 * SIPp, whose Debian build has no TLS: SIPp speaks TCP to socat, socat
 * speaks TLS to us. Loopback only, bounded by `timeout`, stopped by pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A running socat. */
export interface Socat {
  readonly process: ChildProcess;
  /** What socat printed (its -d -d notices included). */
  output(): string;
  /** Stops this socat (and the children it forked for connections). */
  stop(): Promise<void>;
}

/**
 * Starts `socat -d -d <left> <right>` under `timeout seconds`, and resolves
 * once it listens (it prints "listening on"). Rejects if it exits first.
 */
export function startSocat(left: string, right: string, seconds: number): Promise<Socat> {
  return new Promise((resolve, reject) => {
    const child = spawn('timeout', ['--kill-after=2', String(seconds), 'socat', '-d', '-d', left, right], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let output = '';
    let listening = false;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const socat: Socat = {
      process: child,
      output: () => output,
      stop: async () => {
        // The process group holds timeout, socat and socat's forked children: only ours. Signalled even
        // when timeout itself has exited, since a forked child can outlive it (and spin on a half-closed pair).
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, 'SIGTERM');
          } catch {
            // already gone
          }
        }
        await exited;
      },
    };
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString('latin1');
      if (!listening && output.includes('listening on')) {
        listening = true;
        resolve(socat);
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!listening) reject(new Error(`socat exited (${code}) before listening:\n${output}`));
    });
  });
}

/** A temporary directory holding PEM files; `remove` deletes it. */
export async function writePemFiles(
  files: Record<string, string>,
): Promise<{ dir: string; path: (name: string) => string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sipbreakout-tls-'));
  for (const [name, pem] of Object.entries(files)) await writeFile(path.join(dir, name), pem, { mode: 0o600 });
  return { dir, path: (name) => path.join(dir, name), remove: () => rm(dir, { recursive: true, force: true }) };
}
