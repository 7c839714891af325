import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceProcess } from '@sipbreakout/test-peers';
import { ephemeralEnv, type ReadyLine } from '../support/core-process.js';

/** The repository root, where `pnpm start` is typed. */
const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
/** What the root `start` script runs. */
const START = join(ROOT, 'scripts', 'start.mjs');

/** Runs pnpm with `args` in the root with only `env` (over PATH and HOME). */
function pnpm(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'pnpm',
      args,
      {
        cwd: ROOT,
        env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
        timeout: 180_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

describe('pnpm start (the root script: build, then the core)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'breakout-core-pnpm-start-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("passes a refused configuration's exit code 2 through, the core's message alone on stderr, pnpm's one line on stdout", async () => {
    const dataDir = join(dir, 'refused');
    const message =
      'sipbreakout: invalid configuration\n' +
      '  grpc.port (env SIPBREAKOUT_GRPC_PORT): "abc" is not a port: must be an integer 0-65535 (0 picks a free port)\n';
    const plain = await pnpm(['start'], ephemeralEnv(dataDir, { SIPBREAKOUT_GRPC_PORT: 'abc' }));
    expect(plain.code).toBe(2);
    // stderr: the core's message alone (no build output, no recursive-run report).
    expect(plain.stderr).toBe(message);
    // stdout: pnpm's header (the script it runs) and its one failure line, nothing else.
    expect(plain.stdout.trim().split('\n')).toEqual([
      '> sipbreakout@ start ' + ROOT.replace(/\/$/, ''),
      '> node scripts/start.mjs',
      '',
      expect.stringMatching(/^\s*ELIFECYCLE\s+Command failed with exit code 2\.$/),
    ]);
    // Silent: the message and the exit code only.
    expect(await pnpm(['-s', 'start'], ephemeralEnv(dataDir, { SIPBREAKOUT_GRPC_PORT: 'abc' }))).toEqual({
      code: 2,
      stdout: '',
      stderr: message,
    });
    expect(existsSync(dataDir)).toBe(false);
  }, 240_000);

  it('starts the core (only its JSON logs on stdout) and stops it on SIGTERM with exit code 0', async () => {
    const core = await startServiceProcess<ReadyLine>({
      main: START,
      env: ephemeralEnv(join(dir, 'data')),
      cwd: ROOT,
      name: 'pnpm start',
      timeoutMs: 120_000,
    });
    try {
      expect(core.ready.grpc).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(core.ready.dataDir).toBe(join(dir, 'data'));
    } finally {
      expect(await core.stop('SIGTERM')).toBe(0);
    }
  }, 180_000);
});
