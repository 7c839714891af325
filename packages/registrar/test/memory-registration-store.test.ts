import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@sipbreakout/sip-core/clock';
import { MemoryRegistrationStore, isRegistrarError } from '../src/index.js';
import { describeRegistrationStoreContract } from './support/registration-store-contract.js';

const directories: string[] = [];
afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

describeRegistrationStoreContract(
  'memory without journal',
  async ({ clock, ttlSeconds }) => new MemoryRegistrationStore({ clock, ttlSeconds }),
  { clockDrivenExpiryEvents: true },
);

describeRegistrationStoreContract(
  'memory with journal',
  async ({ clock, ttlSeconds }) => {
    const directory = await mkdtemp(join(tmpdir(), 'registrar-contract-'));
    directories.push(directory);
    const { store } = await MemoryRegistrationStore.open({
      clock,
      ttlSeconds,
      journalPath: join(directory, 'journal'),
    });
    return store;
  },
  { clockDrivenExpiryEvents: true },
);

describe('MemoryRegistrationStore', () => {
  it('holds at most maxRegistrations (REG_ERR_STORE_FULL)', async () => {
    const store = new MemoryRegistrationStore({ clock: new ManualClock(), maxRegistrations: 1 });
    await store.upsert({ phoneNumber: '+4790000001', routeType: 'LOOP', sipUri: 'sips:tas.example.com', owner: 'o' });
    await expect(
      store.upsert({ phoneNumber: '+4790000002', routeType: 'LOOP', sipUri: 'sips:tas.example.com', owner: 'o' }),
    ).rejects.toSatisfy((error: unknown) => isRegistrarError(error, 'REG_ERR_STORE_FULL'));
    // A refresh of a held registration is no new one.
    await store.upsert({ phoneNumber: '+4790000001', routeType: 'LOOP', sipUri: 'sips:tas.example.com', owner: 'o' });
    await store.close();
  });

  it('sweeps 10,000 registrations expiring at 10,000 instants in deadline order (one timer)', async () => {
    const clock = new ManualClock();
    const store = new MemoryRegistrationStore({ clock, ttlSeconds: 10 });
    const expiredAt: number[] = [];
    store.onExpired(() => expiredAt.push(clock.now()));
    for (let i = 0; i < 10_000; i++) {
      await store.upsert({
        phoneNumber: `+47${90000000 + i}`,
        routeType: 'LOOP',
        sipUri: 'sips:tas.example.com',
        owner: 'o',
      });
      clock.advance(1);
    }
    expect(clock.pending).toBe(1);
    clock.advance(20_000);
    expect(expiredAt).toHaveLength(10_000);
    expect(expiredAt.every((at, i) => i === 0 || at > (expiredAt[i - 1] as number))).toBe(true);
    expect(store.size).toBe(0);
    expect(clock.pending).toBe(0);
    await store.close();
  });
});
