/**
 * A program of ours run as users run it — `node <main>` in a child process,
 * configured by environment variables — for end-to-end tests: every JSON
 * log line it writes on stdout is kept, stderr (its banner) is kept, and
 * the start resolves once it logs its ready line.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** A running program. */
export interface ServiceProcess<Ready> {
  readonly child: ChildProcess;
  /** The ready log line. */
  readonly ready: Ready;
  /** Every JSON log line so far. */
  readonly logs: Array<Record<string, unknown>>;
  /** Everything printed on stderr so far. */
  stderr(): string;
  /** Sends a signal (SIGTERM by default) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Options of {@link startServiceProcess}. */
export interface ServiceProcessOptions {
  /** The compiled entry point (`dist/main.js`). */
  readonly main: string;
  /** The environment, over a clean one holding only PATH and HOME. */
  readonly env: Record<string, string>;
  readonly cwd: string;
  /** The `msg` of the log line that says the program is ready (default `ready`). */
  readonly readyMessage?: string;
  /** How long to wait for it (default 20 s). */
  readonly timeoutMs?: number;
  /** The program's name in error messages (default `process`). */
  readonly name?: string;
}

/**
 * Starts the program and waits for its ready line. Rejects when it exits
 * first, writes a stdout line that is not JSON, or is not ready in time.
 */
export function startServiceProcess<Ready = Record<string, unknown>>(
  options: ServiceProcessOptions,
): Promise<ServiceProcess<Ready>> {
  const name = options.name ?? 'process';
  const readyMessage = options.readyMessage ?? 'ready';
  const timeoutMs = options.timeoutMs ?? 20_000;
  const child = spawn(process.execPath, [options.main], {
    cwd: options.cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  let buffered = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ready line within ${timeoutMs / 1000} s; stderr: ${stderr}`)),
      timeoutMs,
    );
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(line) as Record<string, unknown>;
        } catch {
          reject(new Error(`stdout line is not JSON: ${line}`));
          return;
        }
        logs.push(parsed);
        if (parsed['msg'] === readyMessage) {
          clearTimeout(timer);
          resolve({
            child,
            ready: parsed as unknown as Ready,
            logs,
            stderr: () => stderr,
            stop: (signal = 'SIGTERM') => {
              child.kill(signal);
              return exited;
            },
          });
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before ready; stderr: ${stderr}`));
    });
  });
}
