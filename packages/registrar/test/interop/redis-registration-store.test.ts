import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, SystemClock } from '@sipbreakout/sip-core/clock';
import { RedisRegistrationStore, type RegistrationExpired } from '../../src/index.js';
import { describeRegistrationStoreContract } from '../support/registration-store-contract.js';
import { startRedisServer, type RedisServer } from '@sipbreakout/test-peers';

// Started here, on a free loopback port; when redis-server is absent, beforeAll throws and every test fails.
let server: RedisServer;
let client: Redis;
let prefixes = 0;

beforeAll(async () => {
  server = await startRedisServer({ args: ['--notify-keyspace-events', 'Ex'] });
  client = new Redis({ host: '127.0.0.1', port: server.port });
}, 20_000);

afterAll(async () => {
  await client?.quit();
  await server?.stop();
});

describeRegistrationStoreContract(
  'redis',
  async ({ clock, ttlSeconds }) =>
    new RedisRegistrationStore({ client, clock, ttlSeconds, keyPrefix: `contract${prefixes++}:` }),
  { clockDrivenExpiryEvents: false },
);

describe('RedisRegistrationStore', () => {
  const A = '+4790000001';

  it('several nodes sharing one Redis see a change made on another at once', async () => {
    const keyPrefix = `nodes${prefixes++}:`;
    const clock = new ManualClock({ wallNow: Date.now() });
    const nodes = await Promise.all(
      [0, 1, 2].map(() =>
        RedisRegistrationStore.connect({ host: '127.0.0.1', port: server.port }, { clock, keyPrefix }),
      ),
    );
    const [one, two, three] = nodes as [RedisRegistrationStore, RedisRegistrationStore, RedisRegistrationStore];
    try {
      const created = await one.upsert({
        phoneNumber: A,
        routeType: 'LOOP',
        sipUri: 'sips:tas.example.com',
        owner: 'c',
      });
      expect(await two.lookup(A)).toEqual([created.registration]);
      expect(await three.get(A, 'LOOP')).toEqual(created.registration);
      await two.delete({ phoneNumber: A, routeType: 'LOOP', sipUri: 'sips:tas.example.com', owner: 'c' });
      expect(await one.lookup(A)).toEqual([]);
      expect(await three.lookup(A)).toEqual([]);
    } finally {
      await Promise.all(nodes.map((node) => node.close()));
    }
  });

  it('concurrent conflicting upserts through different nodes: exactly one is accepted', async () => {
    const keyPrefix = `race${prefixes++}:`;
    const clock = new ManualClock({ wallNow: Date.now() });
    const nodes = await Promise.all(
      [0, 1, 2, 3].map(() =>
        RedisRegistrationStore.connect({ host: '127.0.0.1', port: server.port }, { clock, keyPrefix }),
      ),
    );
    try {
      for (let round = 0; round < 20; round++) {
        const phoneNumber = `+479100${String(round).padStart(4, '0')}`;
        const routeTypes = ['LOOP', 'LOOP_MO', 'FORK', 'LOOP_MT'] as const;
        const results = await Promise.allSettled(
          nodes.map((node, i) =>
            node.upsert({
              phoneNumber,
              routeType: routeTypes[i] as (typeof routeTypes)[number],
              sipUri: `sips:tas${i}.example.com`,
              owner: 'c',
            }),
          ),
        );
        const accepted = results.filter((r) => r.status === 'fulfilled').map((r) => r.value.registration.routeType);
        // Any two of LOOP, LOOP_MO, FORK conflict; LOOP_MT conflicts with LOOP and FORK but not LOOP_MO.
        const live = (await (nodes[0] as RedisRegistrationStore).lookup(phoneNumber)).map((r) => r.routeType).sort();
        expect(live).toEqual([...accepted].sort());
        expect(accepted.filter((t) => t !== 'LOOP_MT').length).toBe(1);
        if (accepted.includes('LOOP_MT')) expect(accepted.sort()).toEqual(['LOOP_MO', 'LOOP_MT']);
      }
    } finally {
      await Promise.all(nodes.map((node) => node.close()));
    }
  });

  it('expiry is held by Redis itself: the key carries PXAT = expiresAt', async () => {
    const keyPrefix = `ttl${prefixes++}:`;
    const store = new RedisRegistrationStore({ client, keyPrefix });
    const { registration } = await store.upsert({
      phoneNumber: A,
      routeType: 'LOOP',
      sipUri: 'sips:tas.example.com',
      owner: 'c',
    });
    const expireTime = await client.call('PEXPIRETIME', `${keyPrefix}{${A}}:LOOP`);
    expect(expireTime).toBe(registration.expiresAt);
    await store.close();
  });

  it('Redis drops an expired registration and the store emits the expiry event', async () => {
    const keyPrefix = `events${prefixes++}:`;
    const store = await RedisRegistrationStore.connect(
      { host: '127.0.0.1', port: server.port },
      { clock: new SystemClock(), keyPrefix, ttlSeconds: 1, expiryEvents: true },
    );
    try {
      const events: RegistrationExpired[] = [];
      const expired = new Promise<void>((resolve) => store.onExpired((event) => (events.push(event), resolve())));
      await store.upsert({ phoneNumber: A, routeType: 'FORK', sipUri: 'sips:tas.example.com', owner: 'c' });
      await expired;
      expect(events).toEqual([{ phoneNumber: A, routeType: 'FORK', registration: undefined }]);
      expect(await client.exists(`${keyPrefix}{${A}}:FORK`)).toBe(0);
    } finally {
      await store.close();
    }
  }, 10_000);
});
