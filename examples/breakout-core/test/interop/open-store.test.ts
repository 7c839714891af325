/**
 * The Redis side of `openStore`, against a real redis-server started here on
 * a free loopback port (missing: the tests fail, never skip): the counts
 * behind `sipbreakout_registrations`, as two nodes sharing the Redis see them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '@sipbreakout/test-peers';
import { CORE_CONFIG_SCHEMA } from '../../src/config-schema.js';
import { openStore, REDIS_CHANGES_KEY, type OpenedStore } from '../../src/open-store.js';

const loop = {
  phoneNumber: '+4799990000',
  routeType: 'LOOP',
  sipUri: 'sips:tas.example.com',
  owner: 'dev-client',
} as const;

let server: RedisServer;
let admin: Redis;
let dataDir: string;
let nodes: OpenedStore[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
  dataDir = await mkdtemp(join(tmpdir(), 'breakout-core-open-store-'));
}, 20_000);

afterAll(async () => {
  await admin?.quit();
  await server?.stop();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await admin.flushall();
});

afterEach(async () => {
  await Promise.all(nodes.map((node) => node.store.close()));
  nodes = [];
});

/** One node's store, opened as the core opens it with `store.kind = redis`. */
async function node(): Promise<OpenedStore> {
  const opened = await openStore(CORE_CONFIG_SCHEMA.parse({ store: { kind: 'redis', redisUrl: server.url } }), dataDir);
  nodes.push(opened);
  return opened;
}

describe('openStore with Redis: registration counts of nodes sharing it', () => {
  it("moves every node's counts at once when a registration is created through one node and deleted through another", async () => {
    const a = await node();
    const b = await node();
    // Both counted (and cached) before the change.
    expect((await a.counts()).LOOP).toBe(0);
    expect((await b.counts()).LOOP).toBe(0);

    await a.store.upsert(loop);
    expect((await a.counts()).LOOP).toBe(1);
    expect((await b.counts()).LOOP).toBe(1);

    await b.store.delete(loop);
    expect((await a.counts()).LOOP).toBe(0);
    expect((await b.counts()).LOOP).toBe(0);
  });

  it('reuses its last count while no node created or deleted one: a refresh or a replacement does not SCAN again', async () => {
    const a = await node();
    const b = await node();
    await a.store.upsert(loop);
    expect((await b.counts()).LOOP).toBe(1);
    const changes = await admin.get(REDIS_CHANGES_KEY);

    // A key written behind the stores' back is not seen: the count is the cached one.
    await admin.set('sipbreakout:reg:{+4799990009}:FORK', '[]');
    await a.store.upsert(loop);
    await a.store.upsert({ ...loop, mobileOriginatingPrefix: '00' });
    expect(await admin.get(REDIS_CHANGES_KEY)).toBe(changes);
    expect(await b.counts()).toMatchObject({ LOOP: 1, FORK: 0 });

    // The next creation, through either node, makes the next count a SCAN again.
    await a.store.upsert({ ...loop, phoneNumber: '+4799990001', routeType: 'LOOP_MT' });
    expect(await b.counts()).toMatchObject({ LOOP: 1, LOOP_MT: 1, FORK: 1 });
  });
});
