/**
 * `pnpm bench:registrar`: upserts/s and lookups/s on the memory store (with
 * and without the journal) and on Redis, and heap bytes per registration at
 * 1,000,000 registrations. Bounded in count and time; prints a table.
 * `--quick` runs smaller counts (CI).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MemoryRegistrationStore,
  RedisRegistrationStore,
  type RegistrationStore,
  type UpsertRequest,
} from '../src/index.js';
import { startRedisServer } from './redis-server.js';

const quick = process.argv.includes('--quick');
const TIME_LIMIT_MS = quick ? 1_000 : 3_000;
const HEAP_COUNT = quick ? 100_000 : 1_000_000;

interface Row {
  readonly store: string;
  readonly operation: string;
  readonly count: number;
  readonly perSecond: number;
  readonly note: string;
}
const rows: Row[] = [];

function number(i: number): string {
  return `+47${String(10_000_000 + i)}`;
}

function request(i: number): UpsertRequest {
  return {
    phoneNumber: number(i),
    routeType: 'LOOP',
    sipUri: `sips:tas${i % 100}.example.com`,
    mobileOriginatingPrefix: '00',
    mobileTerminatingPrefix: '',
    owner: `client-${i % 10}`,
  };
}

/** Runs `operation(i)` with `concurrency` in flight until `max` calls or the time limit. */
async function measure(
  max: number,
  concurrency: number,
  operation: (i: number) => Promise<unknown>,
): Promise<{ count: number; perSecond: number }> {
  let next = 0;
  const started = performance.now();
  const deadline = started + TIME_LIMIT_MS;
  const worker = async (): Promise<void> => {
    while (next < max && performance.now() < deadline) await operation(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { count: next, perSecond: next / seconds };
}

async function throughput(
  name: string,
  store: RegistrationStore,
  upserts: number,
  concurrency: number,
  note: string,
): Promise<void> {
  const written = await measure(upserts, concurrency, (i) => store.upsert(request(i)));
  rows.push({ store: name, operation: 'upsert', count: written.count, perSecond: written.perSecond, note });
  const loaded = written.count;
  const read = await measure(quick ? 200_000 : 2_000_000, concurrency, (i) => store.lookup(number(i % loaded)));
  rows.push({
    store: name,
    operation: 'lookup',
    count: read.count,
    perSecond: read.perSecond,
    note: `${concurrency} in flight`,
  });
}

function syncLookups(name: string, store: MemoryRegistrationStore, loaded: number): void {
  const max = quick ? 500_000 : 5_000_000;
  const started = performance.now();
  let found = 0;
  let i = 0;
  for (; i < max; i++) {
    if ((i & 0xffff) === 0 && performance.now() - started > TIME_LIMIT_MS) break;
    found += store.lookupNow(number((i * 7919) % loaded)).length;
  }
  const perSecond = i / ((performance.now() - started) / 1000);
  if (found !== i) throw new Error(`lookups found ${found} of ${i}`);
  rows.push({ store: name, operation: 'lookupNow', count: i, perSecond, note: 'no promise' });
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run with node --expose-gc');
  collect();
  collect();
}

async function heapPerRegistration(): Promise<{ bytes: number; totalMb: number }> {
  gc();
  const before = process.memoryUsage().heapUsed;
  const store = new MemoryRegistrationStore();
  const batch: Array<Promise<unknown>> = [];
  for (let i = 0; i < HEAP_COUNT; i++) {
    batch.push(store.upsert(request(i)));
    if (batch.length === 10_000) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  gc();
  const after = process.memoryUsage().heapUsed;
  if (store.size !== HEAP_COUNT) throw new Error('lost registrations');
  const result = { bytes: (after - before) / HEAP_COUNT, totalMb: (after - before) / 2 ** 20 };
  await store.close();
  return result;
}

async function main(): Promise<void> {
  const memory = new MemoryRegistrationStore();
  await throughput('memory', memory, quick ? 100_000 : 500_000, 1, 'sequential');
  syncLookups('memory', memory, Math.min(memory.size, quick ? 100_000 : 500_000));
  await memory.close();

  const directory = await mkdtemp(join(tmpdir(), 'registrar-bench-'));
  try {
    for (const concurrency of [1, 256]) {
      const { store } = await MemoryRegistrationStore.open({ journalPath: join(directory, `journal-${concurrency}`) });
      await throughput(
        'memory+journal',
        store,
        quick ? 20_000 : 200_000,
        concurrency,
        `${concurrency} in flight (group commit)`,
      );
      await store.close();
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }

  let redisNote = '';
  try {
    const server = await startRedisServer();
    try {
      const redis = await RedisRegistrationStore.connect(
        { host: '127.0.0.1', port: server.port },
        { keyPrefix: 'bench:' },
      );
      await throughput('redis', redis, quick ? 5_000 : 50_000, 64, '64 in flight');
      await redis.close();
    } finally {
      await server.stop();
    }
  } catch (error) {
    redisNote = `redis skipped: ${(error as Error).message}`;
  }

  const heap = await heapPerRegistration();

  const format = (n: number): string => Math.round(n).toLocaleString('en-US');
  console.log('\n| store | operation | count | ops/s | note |\n|---|---|---:|---:|---|');
  for (const row of rows)
    console.log(`| ${row.store} | ${row.operation} | ${format(row.count)} | ${format(row.perSecond)} | ${row.note} |`);
  console.log(
    `\nheap at ${format(HEAP_COUNT)} registrations: ${heap.totalMb.toFixed(1)} MB, ${format(heap.bytes)} bytes per registration` +
      ` (target: 1M in < 300 MB, i.e. < ${format((300 * 2 ** 20) / 1_000_000)} bytes each)`,
  );
  const lookups = rows.find((row) => row.store === 'memory' && row.operation === 'lookup');
  console.log(`memory lookups/s: ${format(lookups?.perSecond ?? 0)} (target >= 100,000)`);
  if (redisNote !== '') console.log(redisNote);
}

await main();
