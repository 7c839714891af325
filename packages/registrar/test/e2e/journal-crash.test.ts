import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRegistrationStore } from '../../src/index.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
let directory: string;

beforeAll(async () => {
  // The child runs the compiled package; build it from the sources under test.
  execFileSync(
    process.execPath,
    [join(packageRoot, '../../node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: packageRoot,
      stdio: 'inherit',
    },
  );
  directory = await mkdtemp(join(tmpdir(), 'registrar-crash-'));
}, 60_000);

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('MemoryRegistrationStore with journal, killed with SIGKILL under write load', () => {
  it('keeps every write that returned, and nothing half-written', async () => {
    const journalPath = join(directory, 'journal');
    const child = spawn(process.execPath, [join(packageRoot, 'test/fixtures/journal-writer-child.mjs'), journalPath], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const put = new Set<string>();
    const deleted = new Set<string>();
    let buffered = '';
    let acknowledged = 0;
    const killed = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    let killAt = Infinity;
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') {
          // Let it write for a while, then kill it mid-write.
          killAt = Date.now() + 400;
          setTimeout(() => child.kill('SIGKILL'), 400);
          continue;
        }
        const [op, number] = line.split(' ') as [string, string];
        if (op === 'put') put.add(number);
        else deleted.add(number);
        acknowledged++;
      }
    });
    expect(await killed).toBe('SIGKILL');
    expect(Number.isFinite(killAt)).toBe(true);
    expect(acknowledged).toBeGreaterThan(100);

    const { store, replay } = await MemoryRegistrationStore.open({ journalPath });
    for (const number of put) {
      const live = await store.lookup(number);
      if (deleted.has(number)) expect(live, `${number} was deleted`).toEqual([]);
      // The child deletes every fifth number after its put: a delete in flight at the kill may or may not be there.
      else if (Number(number.slice(5)) % 5 === 0) expect(live.length).toBeLessThanOrEqual(1);
      else
        expect(
          live.map((r) => r.routeType),
          `${number} was acknowledged`,
        ).toEqual(['LOOP']);
    }
    // Nothing half-written: what was restored is the acknowledged writes give or take the 64 in flight, each whole.
    expect(replay.restored).toBeGreaterThanOrEqual(put.size - deleted.size - 64);
    expect(replay.restored).toBeLessThanOrEqual(put.size - deleted.size + 64);
    await store.close();
  }, 30_000);
});
