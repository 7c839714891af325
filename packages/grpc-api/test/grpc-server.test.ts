import { credentials, makeGenericClientConstructor, status, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { RegistrationStore } from '@sipbreakout/registrar';
import { SERVICE_NAME, SipBreakoutClient } from '../src/index.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const LOOP = {
  registration: {
    sipUri: 'sips:tas.example.com',
    routeType: 'ROUTE_TYPE_LOOP' as const,
    phoneNumber: { e164: '+4799990000' },
  },
};

function healthCheck(address: string, serviceName: string): Promise<string> {
  const Health = makeGenericClientConstructor(healthService, 'Health');
  const client = new Health(address, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      (value: { service: string }) => Buffer.from(healthService['Check']?.requestSerialize(value) ?? []),
      (bytes: Buffer) => healthService['Check']?.responseDeserialize(bytes) as { status: string },
      { service: serviceName },
      (error: ServiceError | null, response?: { status: string }) => {
        client.close();
        if (error !== null) reject(error);
        else resolve(response?.status ?? '');
      },
    );
  });
}

describe('startSipBreakoutServer with SipBreakoutClient', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('upserts and deletes through the typed client', async () => {
    t = await startTestServer();
    const client = new SipBreakoutClient({ address: t.address, token: await t.tokens.client() });
    expect(await client.upsertRegistration(LOOP)).toEqual({
      statusCode: 'STATUS_CODE_OK',
      errorMessage: '',
      timeToLive: { seconds: 3600, nanos: 0 },
    });
    expect(await client.deleteRegistration(LOOP)).toEqual({ statusCode: 'STATUS_CODE_OK', errorMessage: '' });
    client.close();
  });

  it('rejects with UNAUTHENTICATED for a bad token', async () => {
    t = await startTestServer();
    const client = new SipBreakoutClient({ address: t.address, token: 'x.y.z' });
    await expect(client.upsertRegistration(LOOP)).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    client.close();
  });

  it('answers the standard health check: SERVING for the server and the service', async () => {
    t = await startTestServer();
    expect(await healthCheck(t.address, '')).toBe('SERVING');
    expect(await healthCheck(t.address, SERVICE_NAME)).toBe('SERVING');
  });

  it('drains on shutdown: a call in flight completes, new calls are refused', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered: () => void = () => undefined;
    const inStore = new Promise<void>((resolve) => (entered = resolve));
    const slow = (store: RegistrationStore): RegistrationStore => ({
      ...store,
      upsert: async (request) => {
        entered();
        await gate;
        return store.upsert(request);
      },
      delete: (request) => store.delete(request),
      lookup: (number) => store.lookup(number),
      get: (number, routeType) => store.get(number, routeType),
      onExpired: (listener) => store.onExpired(listener),
      close: () => store.close(),
    });
    t = await startTestServer({ wrapStore: slow });
    const client = new SipBreakoutClient({ address: t.address, token: await t.tokens.client() });
    const inFlight = client.upsertRegistration(LOOP);
    await inStore;
    const stopped = t.server.shutdown({ graceMs: 5000 });
    const late = new SipBreakoutClient({ address: t.address, token: await t.tokens.client() });
    await expect(late.upsertRegistration(LOOP, { deadline: Date.now() + 2000 })).rejects.toMatchObject({
      code: expect.any(Number) as number,
    });
    release();
    expect((await inFlight).statusCode).toBe('STATUS_CODE_OK');
    await stopped;
    expect((await t.store.get('+4799990000', 'LOOP'))?.owner).toBe('pbx-provider-1');
    client.close();
    late.close();
  });

  it('cancels a call by AbortSignal', async () => {
    t = await startTestServer();
    const client = new SipBreakoutClient({ address: t.address, token: await t.tokens.client() });
    const controller = new AbortController();
    controller.abort();
    await expect(client.upsertRegistration(LOOP, { signal: controller.signal })).rejects.toThrow();
    client.close();
  });
});
