import { describe, expect, it } from 'vitest';
import { MemoryRegistrationStore } from '@sipbreakout/registrar';
import { ManualClock } from '@sipbreakout/sip-core/clock';
import { createRegistration } from '@sipbreakout/routing';
import { CountedRegistrationStore } from '../src/counted-registration-store.js';

const request = {
  phoneNumber: '+4799990000',
  routeType: 'LOOP',
  sipUri: 'sips:tas.example.com',
  owner: 'dev-client',
} as const;

describe('CountedRegistrationStore', () => {
  it('counts a creation once, not its refresh or replacement, and drops it on delete and on expiry', async () => {
    const clock = new ManualClock({ wallNow: 0 });
    const store = new CountedRegistrationStore(new MemoryRegistrationStore({ clock, ttlSeconds: 60 }), []);
    await store.upsert(request);
    await store.upsert(request);
    await store.upsert({ ...request, mobileOriginatingPrefix: '00' });
    await store.upsert({ ...request, phoneNumber: '+4799990001', routeType: 'FORK' });
    expect(store.counts()).toMatchObject({ LOOP: 1, FORK: 1, LOOP_MO: 0 });
    await store.delete(request);
    expect(store.counts()).toMatchObject({ LOOP: 0, FORK: 1 });
    clock.advance(60_000);
    expect(store.counts()).toMatchObject({ LOOP: 0, FORK: 0 });
    await store.close();
  });

  it('starts from the registrations it is given', () => {
    const created = createRegistration({
      ...request,
      routeType: 'LOOP_MT',
      mobileOriginatingPrefix: '',
      mobileTerminatingPrefix: '',
      expiresAt: Date.now() + 60_000,
    });
    if (!created.ok) throw new Error(created.error.code);
    const store = new CountedRegistrationStore(new MemoryRegistrationStore(), [created.registration]);
    expect(store.counts().LOOP_MT).toBe(1);
  });
});
