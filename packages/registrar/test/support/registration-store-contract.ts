import { afterEach, describe, expect, it } from 'vitest';
import type { RouteType } from '@sipbreakout/routing';
import { ManualClock, type Clock } from '@sipbreakout/sip-core/clock';
import {
  isRegistrarError,
  type RegistrationExpired,
  type RegistrationStore,
  type UpsertRequest,
} from '../../src/index.js';
import { timerless } from './timerless-clock.js';

/** Makes a fresh, empty store on the given clock. */
export type StoreFactory = (options: { clock: Clock; ttlSeconds?: number }) => Promise<RegistrationStore>;

/** What a store can show in the contract. */
export interface StoreCapabilities {
  /** Whether expiry events follow the injected clock (memory) rather than the server's (Redis). */
  readonly clockDrivenExpiryEvents: boolean;
}

const A = '+4790000001';
const B = '+4790000002';

function request(routeType: RouteType, overrides: Partial<UpsertRequest> = {}): UpsertRequest {
  return {
    phoneNumber: A,
    routeType,
    sipUri: 'sips:tas-a.example.com',
    mobileOriginatingPrefix: '11',
    mobileTerminatingPrefix: '22',
    owner: 'client-1',
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** The one contract every {@link RegistrationStore} passes. */
export function describeRegistrationStoreContract(
  name: string,
  factory: StoreFactory,
  capabilities: StoreCapabilities,
): void {
  describe(`RegistrationStore contract: ${name}`, () => {
    const open: RegistrationStore[] = [];
    let clock: ManualClock;
    const make = async (options: { clock?: Clock; ttlSeconds?: number } = {}): Promise<RegistrationStore> => {
      clock = new ManualClock({ wallNow: Date.now() });
      const store = await factory({
        clock: options.clock ?? clock,
        ...(options.ttlSeconds === undefined ? {} : { ttlSeconds: options.ttlSeconds }),
      });
      open.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((store) => store.close()));
    });

    it('upsert creates a registration that expires 3600 s later', async () => {
      const store = await make();
      const outcome = await store.upsert(request('LOOP'));
      expect(outcome.kind).toBe('created');
      expect(outcome.registration.expiresAt).toBe(clock.wallNow() + 3_600_000);
      expect(outcome.registration.tas).toEqual({ domain: 'tas-a.example.com', port: undefined });
      expect(await store.lookup(A)).toEqual([outcome.registration]);
      expect(await store.get(A, 'LOOP')).toEqual(outcome.registration);
    });

    it('the TTL is configurable', async () => {
      const store = await make({ ttlSeconds: 60 });
      const outcome = await store.upsert(request('LOOP'));
      expect(outcome.registration.expiresAt).toBe(clock.wallNow() + 60_000);
    });

    it('an upsert with the same parameters refreshes the expiry', async () => {
      const store = await make();
      await store.upsert(request('LOOP'));
      clock.advance(1_000_000);
      const outcome = await store.upsert(request('LOOP'));
      expect(outcome.kind).toBe('refreshed');
      expect(outcome.registration.expiresAt).toBe(clock.wallNow() + 3_600_000);
      clock.advance(3_599_999);
      expect(await store.lookup(A)).toHaveLength(1);
    });

    it('an upsert with other prefixes replaces the registration', async () => {
      const store = await make();
      await store.upsert(request('LOOP'));
      const outcome = await store.upsert(request('LOOP', { mobileOriginatingPrefix: '00' }));
      expect(outcome.kind).toBe('replaced');
      expect((await store.get(A, 'LOOP'))?.mobileOriginatingPrefix).toBe('00');
    });

    it('an upsert with another SIP URI for the same route type replaces it: new URI, prefixes and a fresh TTL', async () => {
      const store = await make();
      await store.upsert(request('LOOP', { mobileOriginatingPrefix: '11', mobileTerminatingPrefix: '22' }));
      clock.advance(1_000_000);
      const outcome = await store.upsert(
        request('LOOP', {
          sipUri: 'sips:tas-b.example.com:5071',
          mobileOriginatingPrefix: '',
          mobileTerminatingPrefix: '9',
        }),
      );
      expect(outcome.kind).toBe('replaced');
      expect(outcome.registration).toMatchObject({
        sipUri: 'sips:tas-b.example.com:5071',
        tas: { domain: 'tas-b.example.com', port: 5071 },
        mobileOriginatingPrefix: '',
        mobileTerminatingPrefix: '9',
        expiresAt: clock.wallNow() + 3_600_000,
      });
      expect(await store.lookup(A)).toEqual([outcome.registration]);
      expect(await store.get(A, 'LOOP')).toEqual(outcome.registration);
      // The old registration's expiry instant passes without ending the new one …
      clock.advance(2_600_000);
      expect(await store.get(A, 'LOOP')).toEqual(outcome.registration);
      clock.advance(999_999);
      expect(await store.lookup(A)).toEqual([outcome.registration]);
      // … which ends at its own.
      clock.advance(1);
      expect(await store.get(A, 'LOOP')).toBeUndefined();
    });

    it('after a replacement, a delete needs the new SIP URI', async () => {
      const store = await make();
      await store.upsert(request('LOOP'));
      await store.upsert(request('LOOP', { sipUri: 'sips:tas-b.example.com' }));
      const error = await rejection(
        store.delete({ phoneNumber: A, routeType: 'LOOP', sipUri: 'sips:tas-a.example.com', owner: 'client-1' }),
      );
      expect(isRegistrarError(error, 'REG_ERR_URI_MISMATCH')).toBe(true);
      await store.delete({ phoneNumber: A, routeType: 'LOOP', sipUri: 'sips:tas-b.example.com', owner: 'client-1' });
      expect(await store.lookup(A)).toEqual([]);
    });

    it('another client cannot replace a registration', async () => {
      const store = await make();
      const first = await store.upsert(request('LOOP'));
      const error = await rejection(
        store.upsert(request('LOOP', { sipUri: 'sips:tas-b.example.com', owner: 'intruder' })),
      );
      expect(isRegistrarError(error, 'REG_ERR_NOT_OWNER')).toBe(true);
      expect(await store.lookup(A)).toEqual([first.registration]);
    });

    it('a replacement of one route type still may not break the rules between route types', async () => {
      const store = await make();
      await store.upsert(request('LOOP_MO'));
      const loopMt = await store.upsert(request('LOOP_MT', { sipUri: 'sips:tas-b.example.com' }));
      const replaced = await store.upsert(request('LOOP_MO', { sipUri: 'sips:tas-c.example.com' }));
      expect(replaced.kind).toBe('replaced');
      const error = await rejection(store.upsert(request('LOOP', { sipUri: 'sips:tas-c.example.com' })));
      expect(isRegistrarError(error, 'REG_ERR_CONFLICT')).toBe(true);
      if (!isRegistrarError(error)) throw error;
      expect(error.conflict).toEqual({ existing: replaced.registration, rule: 'one-acting-on-mo' });
      expect(error.detail).toContain('+4790000001 LOOP_MO sips:tas-c.example.com');
      expect(await store.lookup(A)).toEqual(expect.arrayContaining([replaced.registration, loopMt.registration]));
      expect(await store.lookup(A)).toHaveLength(2);
    });

    it('enforces the coexistence rules of routing: LOOP and LOOP_MO both act on MO calls', async () => {
      const store = await make();
      const loop = await store.upsert(request('LOOP'));
      const error = await rejection(store.upsert(request('LOOP_MO', { sipUri: 'sips:tas-b.example.com' })));
      expect(isRegistrarError(error, 'REG_ERR_CONFLICT')).toBe(true);
      if (!isRegistrarError(error)) throw error;
      expect(error.conflict).toEqual({ existing: loop.registration, rule: 'one-acting-on-mo' });
      await store.upsert(request('FALLBACK', { sipUri: 'sips:tas-b.example.com' }));
      await store.upsert(request('INGRESS', { sipUri: 'sips:tas-c.example.com' }));
      expect((await store.lookup(A)).map((r) => r.routeType).sort()).toEqual(['FALLBACK', 'INGRESS', 'LOOP']);
    });

    it('of two concurrent conflicting upserts, exactly one is accepted', async () => {
      const store = await make();
      const results = await Promise.allSettled([
        store.upsert(request('LOOP')),
        store.upsert(request('FORK', { sipUri: 'sips:tas-b.example.com' })),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected');
      expect(isRegistrarError(refused?.reason, 'REG_ERR_CONFLICT')).toBe(true);
      expect(await store.lookup(A)).toHaveLength(1);
    });

    it('refuses invalid registrations with the routing error inside', async () => {
      const store = await make();
      const error = await rejection(store.upsert(request('LOOP', { sipUri: 'sip:tas-a.example.com' })));
      expect(isRegistrarError(error, 'REG_ERR_INVALID_REGISTRATION')).toBe(true);
      if (!isRegistrarError(error)) throw error;
      expect(error.routingError?.code).toBe('ROUTE_ERR_NOT_SIPS');
      expect(await store.lookup(A)).toEqual([]);
    });

    it('another owner can neither replace nor delete a registration', async () => {
      const store = await make();
      await store.upsert(request('LOOP'));
      const replace = await rejection(store.upsert(request('LOOP', { owner: 'client-2' })));
      expect(isRegistrarError(replace, 'REG_ERR_NOT_OWNER')).toBe(true);
      const remove = await rejection(
        store.delete({ phoneNumber: A, routeType: 'LOOP', sipUri: 'sips:tas-a.example.com', owner: 'client-2' }),
      );
      expect(isRegistrarError(remove, 'REG_ERR_NOT_OWNER')).toBe(true);
      expect((await store.get(A, 'LOOP'))?.owner).toBe('client-1');
    });

    it('delete needs the same SIP URI; a mismatch is a typed error and removes nothing', async () => {
      const store = await make();
      const created = await store.upsert(request('LOOP'));
      const mismatch = await rejection(
        store.delete({ phoneNumber: A, routeType: 'LOOP', sipUri: 'sips:other.example.com', owner: 'client-1' }),
      );
      expect(isRegistrarError(mismatch, 'REG_ERR_URI_MISMATCH')).toBe(true);
      expect(await store.lookup(A)).toHaveLength(1);
      const deleted = await store.delete({
        phoneNumber: A,
        routeType: 'LOOP',
        sipUri: 'sips:tas-a.example.com',
        owner: 'client-1',
      });
      expect(deleted).toEqual(created.registration);
      expect(await store.lookup(A)).toEqual([]);
      const again = await rejection(
        store.delete({ phoneNumber: A, routeType: 'LOOP', sipUri: 'sips:tas-a.example.com', owner: 'client-1' }),
      );
      expect(isRegistrarError(again, 'REG_ERR_NOT_FOUND')).toBe(true);
    });

    it('lookup by number returns that number only', async () => {
      const store = await make();
      await store.upsert(request('LOOP'));
      await store.upsert(request('LOOP', { phoneNumber: B }));
      expect((await store.lookup(A)).map((r) => r.phoneNumber)).toEqual([A]);
      expect(await store.lookup('+4790000003')).toEqual([]);
    });

    it('a registration is never returned at or after its expiry, even before the sweep runs', async () => {
      const manual = new ManualClock({ wallNow: Date.now() });
      clock = manual;
      const store = await factory({ clock: timerless(manual) });
      open.push(store);
      await store.upsert(request('LOOP'));
      manual.advance(3_599_999);
      expect(await store.lookup(A)).toHaveLength(1);
      manual.advance(1);
      expect(await store.lookup(A)).toEqual([]);
      expect(await store.get(A, 'LOOP')).toBeUndefined();
      // Expired registrations no longer conflict nor belong to anyone.
      const outcome = await store.upsert(request('LOOP', { sipUri: 'sips:tas-b.example.com', owner: 'client-2' }));
      expect(outcome.kind).toBe('created');
      const missing = await rejection(
        store.delete({ phoneNumber: B, routeType: 'LOOP', sipUri: 'sips:tas-a.example.com', owner: 'client-1' }),
      );
      expect(isRegistrarError(missing, 'REG_ERR_NOT_FOUND')).toBe(true);
    });

    if (capabilities.clockDrivenExpiryEvents) {
      it('emits an expiry event exactly at the expiry instant, to the second', async () => {
        const store = await make();
        const events: Array<RegistrationExpired & { at: number }> = [];
        store.onExpired((event) => events.push({ ...event, at: clock.wallNow() }));
        const created = await store.upsert(request('LOOP'));
        clock.advance(1_000);
        await store.upsert(request('FALLBACK', { sipUri: 'sips:tas-b.example.com' }));
        clock.advance(3_598_999);
        expect(events).toEqual([]);
        clock.advance(1);
        expect(events).toEqual([
          { phoneNumber: A, routeType: 'LOOP', registration: created.registration, at: created.registration.expiresAt },
        ]);
        clock.advance(1_000);
        expect(events.map((e) => e.routeType)).toEqual(['LOOP', 'FALLBACK']);
      });

      it('a refreshed registration expires at its new instant, not the old one', async () => {
        const store = await make();
        const events: RegistrationExpired[] = [];
        store.onExpired((event) => events.push(event));
        await store.upsert(request('LOOP'));
        clock.advance(1_800_000);
        await store.upsert(request('LOOP'));
        clock.advance(1_800_000);
        expect(events).toEqual([]);
        clock.advance(1_800_000);
        expect(events).toHaveLength(1);
      });

      it('a deleted registration emits no expiry event', async () => {
        const store = await make();
        const events: RegistrationExpired[] = [];
        store.onExpired((event) => events.push(event));
        await store.upsert(request('LOOP'));
        await store.delete({ phoneNumber: A, routeType: 'LOOP', sipUri: 'sips:tas-a.example.com', owner: 'client-1' });
        clock.advance(7_200_000);
        expect(events).toEqual([]);
      });
    }

    it('a closed store refuses calls with REG_ERR_STORE_CLOSED', async () => {
      const store = await make();
      await store.close();
      const error = await rejection(store.upsert(request('LOOP')));
      expect(isRegistrarError(error, 'REG_ERR_STORE_CLOSED')).toBe(true);
    });
  });
}
