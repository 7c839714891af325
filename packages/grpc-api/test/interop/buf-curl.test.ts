import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAME } from '../../src/index.js';
import { BUF, bufCurl, requireBuf } from '../support/buf.js';
import { UPSERT_REFUSALS } from '../support/refusal-cases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const UPSERT = `${SERVICE_NAME}/UpsertRegistration`;
const DELETE = `${SERVICE_NAME}/DeleteRegistration`;

// The request of the product documents, as JSON.
const LOOP = {
  registration: { sipUri: 'sips:tas.example.com', routeType: 'ROUTE_TYPE_LOOP', phoneNumber: { e164: '+4799990000' } },
};

describe('buf curl against SipBreakoutService, schema through reflection', () => {
  let t: TestServer;
  let auth: string;

  beforeAll(async () => {
    requireBuf();
    t = await startTestServer();
    auth = `authorization: Bearer ${await t.tokens.client()}`;
  });
  afterAll(async () => {
    await t.close();
  });

  const parse = (stdout: string): Record<string, unknown> => JSON.parse(stdout) as Record<string, unknown>;

  it('lists the service through reflection', async () => {
    const result = await new Promise<string>((resolve, reject) => {
      import('node:child_process')
        .then(({ execFile }) =>
          execFile(
            BUF,
            ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '--list-services', `http://${t.address}`],
            (error, stdout, stderr) => (error === null ? resolve(stdout) : reject(new Error(stderr))),
          ),
        )
        .catch(reject);
    });
    expect(result.split('\n')).toContain(SERVICE_NAME);
  });

  it("upserts the product documents' request: STATUS_CODE_OK and time_to_live 3600s", async () => {
    const result = await bufCurl(t.address, UPSERT, LOOP, [auth]);
    expect(result.stderr).toBe('');
    expect(parse(result.stdout)).toEqual({ statusCode: 'STATUS_CODE_OK', timeToLive: '3600s' });
    const stored = await t.store.get('+4799990000', 'LOOP');
    expect(stored?.owner).toBe('pbx-provider-1');
  });

  it('refreshes with the same request: STATUS_CODE_OK again', async () => {
    const result = await bufCurl(t.address, UPSERT, LOOP, [auth]);
    expect(parse(result.stdout)).toEqual({ statusCode: 'STATUS_CODE_OK', timeToLive: '3600s' });
  });

  it('replaces the registration with another SIP URI and prefixes: STATUS_CODE_OK and a fresh TTL', async () => {
    const before = await t.store.get('+4799990000', 'LOOP');
    const other = {
      registration: { ...LOOP.registration, sipUri: 'sips:other-tas.example.com', mobileOriginatingPrefix: '00' },
    };
    const result = await bufCurl(t.address, UPSERT, other, [auth]);
    expect(parse(result.stdout)).toEqual({ statusCode: 'STATUS_CODE_OK', timeToLive: '3600s' });
    const stored = await t.store.get('+4799990000', 'LOOP');
    expect(stored).toMatchObject({ sipUri: 'sips:other-tas.example.com', mobileOriginatingPrefix: '00' });
    expect(stored?.expiresAt).toBeGreaterThanOrEqual(before?.expiresAt ?? Number.POSITIVE_INFINITY);
    // Back to the documents' registration, for the cases below.
    expect(parse((await bufCurl(t.address, UPSERT, LOOP, [auth])).stdout)['statusCode']).toBe('STATUS_CODE_OK');
  });

  it('refuses a conflict between route types with exactly the documented text', async () => {
    const loopMo = { registration: { ...LOOP.registration, routeType: 'ROUTE_TYPE_LOOP_MO' } };
    const body = parse((await bufCurl(t.address, UPSERT, loopMo, [auth])).stdout);
    expect(body).toEqual({
      statusCode: 'STATUS_CODE_NOT_ACCEPTABLE',
      errorMessage: 'Conflicts with an existing registration',
    });
  });

  it('refuses a delete whose SIP URI does not match', async () => {
    const other = { registration: { ...LOOP.registration, sipUri: 'sips:other-tas.example.com' } };
    const body = parse((await bufCurl(t.address, DELETE, other, [auth])).stdout);
    expect(body).toEqual({
      statusCode: 'STATUS_CODE_NOT_ACCEPTABLE',
      errorMessage: 'SIP URI does not match the registration',
    });
  });

  it('deletes with the same SIP URI: STATUS_CODE_OK, and the registration is gone', async () => {
    const body = parse((await bufCurl(t.address, DELETE, LOOP, [auth])).stdout);
    expect(body).toEqual({ statusCode: 'STATUS_CODE_OK' });
    expect(await t.store.get('+4799990000', 'LOOP')).toBeUndefined();
  });

  it('refuses a delete of a registration that does not exist', async () => {
    const body = parse((await bufCurl(t.address, DELETE, LOOP, [auth])).stdout);
    expect(body).toEqual({ statusCode: 'STATUS_CODE_NOT_ACCEPTABLE', errorMessage: 'No such registration' });
  });

  for (const refusal of UPSERT_REFUSALS) {
    it(`refuses ${refusal.name} with STATUS_CODE_NOT_ACCEPTABLE`, async () => {
      const result = await bufCurl(t.address, UPSERT, { registration: refusal.registration }, [auth]);
      const body = parse(result.stdout);
      expect(body).toEqual({ statusCode: 'STATUS_CODE_NOT_ACCEPTABLE', errorMessage: refusal.message });
      // The detail the client does not get reaches the operator's listener, with the code.
      const heard = t.refusals.at(-1);
      expect(heard).toMatchObject({ method: 'UpsertRegistration', client: 'pbx-provider-1' });
      expect(heard?.refusal.code).toBe(refusal.code);
      expect(heard?.refusal.message).toBe(refusal.message);
      expect(heard?.refusal.detail).toEqual(expect.any(String));
    });
  }

  describe('auth failures are gRPC errors', () => {
    const expectError = async (headers: readonly string[], code: string, body: unknown = LOOP): Promise<string> => {
      const result = await bufCurl(t.address, UPSERT, body, headers);
      expect(result.exitCode).not.toBe(0);
      const error = JSON.parse(result.stderr) as { code: string; message: string };
      expect(error.code).toBe(code);
      return error.message;
    };

    it('no authorization: unauthenticated', async () => {
      await expectError([], 'unauthenticated');
    });
    it('not a bearer token: unauthenticated', async () => {
      await expectError(['authorization: Basic dXNlcjpwYXNz'], 'unauthenticated');
    });
    it('a garbage token: unauthenticated', async () => {
      await expectError(['authorization: Bearer not.a.jwt'], 'unauthenticated');
    });
    it('a token signed by an unknown key: unauthenticated', async () => {
      const token = await t.tokens.sign({ sub: 'pbx-provider-1', scope: 'call.routing:write' }, { key: 'untrusted' });
      await expectError([`authorization: Bearer ${token}`], 'unauthenticated');
    });
    it('an expired token: unauthenticated', async () => {
      const token = await t.tokens.sign(
        { sub: 'pbx-provider-1', scope: 'call.routing:write' },
        { expiresIn: Math.floor(Date.now() / 1000) - 120 },
      );
      await expectError([`authorization: Bearer ${token}`], 'unauthenticated');
    });
    it('another audience: unauthenticated', async () => {
      const token = await t.tokens.client({ aud: 'someone-else' });
      await expectError([`authorization: Bearer ${token}`], 'unauthenticated');
    });
    it('without call.routing:write: permission_denied', async () => {
      const token = await t.tokens.client({ scope: 'call.routing:read' });
      const message = await expectError([`authorization: Bearer ${token}`], 'permission_denied');
      expect(message).toContain('call.routing:write');
    });
    it('a client token for a number its client may not manage: permission_denied', async () => {
      const body = { registration: { ...LOOP.registration, phoneNumber: { e164: '+4791234567' } } };
      await expectError([auth], 'permission_denied', body);
    });
    it('a user token for another number: permission_denied', async () => {
      const token = await t.tokens.user('+4799990077');
      await expectError([`authorization: Bearer ${token}`], 'permission_denied');
    });
  });

  it('a user token may omit phone_number: its own number, owned by its client', async () => {
    const token = await t.tokens.user('+4799990077');
    const body = { registration: { sipUri: 'sips:tas.example.com', routeType: 'ROUTE_TYPE_FORK' } };
    const result = await bufCurl(t.address, UPSERT, body, [`authorization: Bearer ${token}`]);
    expect(parse(result.stdout)).toEqual({ statusCode: 'STATUS_CODE_OK', timeToLive: '3600s' });
    expect((await t.store.get('+4799990077', 'FORK'))?.owner).toBe('pbx-provider-1');
  });
});
