import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDescriptorSet } from '../../src/index.js';
import { requirePythonGrpc, runPython } from '@sipbreakout/test-peers';
import { UPSERT_REFUSALS } from '../support/refusal-cases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const SCRIPT = fileURLToPath(new URL('./python/sipbreakout_client.py', import.meta.url));

interface PythonCall {
  readonly method: 'UpsertRegistration' | 'DeleteRegistration';
  readonly token: string;
  readonly request: unknown;
}

interface PythonResult {
  readonly ok: boolean;
  readonly requestHex: string;
  readonly response?: Record<string, unknown>;
  readonly responseHex?: string;
  readonly code?: string;
  readonly details?: string;
}

const LOOP = {
  registration: { sipUri: 'sips:tas.example.com', routeType: 'ROUTE_TYPE_LOOP', phoneNumber: { e164: '+4799990000' } },
};

describe('Python grpcio against SipBreakoutService, schema from our descriptor set', () => {
  let t: TestServer;
  let python: string;
  let descriptorSet: string;

  beforeAll(async () => {
    python = requirePythonGrpc();
    t = await startTestServer();
    descriptorSet = join(t.dir, 'sipbreakout.binpb');
    await writeFile(descriptorSet, buildDescriptorSet().encodedSet);
  });
  afterAll(async () => {
    await t.close();
  });

  const run = async (calls: readonly PythonCall[]): Promise<PythonResult[]> => {
    const stdout = await runPython(python, [SCRIPT, descriptorSet, t.address], JSON.stringify(calls));
    return stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as PythonResult);
  };

  it('upserts, refreshes and deletes, byte for byte', async () => {
    const token = await t.tokens.client();
    const [created, refreshed, deleted] = await run([
      { method: 'UpsertRegistration', token, request: LOOP },
      { method: 'UpsertRegistration', token, request: LOOP },
      { method: 'DeleteRegistration', token, request: LOOP },
    ]);
    // UpsertRegistrationResponse{status_code: OK (field 1 = 1), time_to_live (field 3) {seconds (field 1) = 3600}}.
    expect(created).toMatchObject({
      ok: true,
      response: { statusCode: 'STATUS_CODE_OK', timeToLive: '3600s' },
      responseHex: '08011a0308901c',
    });
    expect(refreshed).toMatchObject({ ok: true, responseHex: '08011a0308901c' });
    // DeleteRegistrationResponse{status_code: OK}.
    expect(deleted).toMatchObject({ ok: true, response: { statusCode: 'STATUS_CODE_OK' }, responseHex: '0801' });
    // The request as grpcio encodes it: registration (1) {sip_uri (3), route_type (4) = 1, phone_number (5) {e164 (1)}}.
    expect(created?.requestHex).toBe(
      Buffer.concat([
        Buffer.from([0x0a, 0x27, 0x1a, 0x14]),
        Buffer.from('sips:tas.example.com'),
        Buffer.from([0x20, 0x01, 0x2a, 0x0d, 0x0a, 0x0b]),
        Buffer.from('+4799990000'),
      ]).toString('hex'),
    );
  });

  it('gets every refusal as STATUS_CODE_NOT_ACCEPTABLE with its message', async () => {
    const token = await t.tokens.client();
    const results = await run(
      UPSERT_REFUSALS.map((refusal) => ({
        method: 'UpsertRegistration',
        token,
        request: { registration: refusal.registration },
      })),
    );
    UPSERT_REFUSALS.forEach((refusal, index) => {
      const result = results[index];
      expect(result?.response?.['statusCode'], refusal.name).toBe('STATUS_CODE_NOT_ACCEPTABLE');
      expect(result?.response?.['errorMessage'], refusal.name).toBe(refusal.message);
    });
  });

  it('replaces on upsert, refuses a conflict between route types and a delete with another SIP URI', async () => {
    const token = await t.tokens.client();
    const other = { registration: { ...LOOP.registration, sipUri: 'sips:other-tas.example.com' } };
    const loopMo = { registration: { ...LOOP.registration, routeType: 'ROUTE_TYPE_LOOP_MO' } };
    const [, replaced, conflict, mismatch, deleted] = await run([
      { method: 'UpsertRegistration', token, request: LOOP },
      { method: 'UpsertRegistration', token, request: other },
      { method: 'UpsertRegistration', token, request: loopMo },
      { method: 'DeleteRegistration', token, request: LOOP },
      { method: 'DeleteRegistration', token, request: other },
    ]);
    expect(replaced?.response).toMatchObject({ statusCode: 'STATUS_CODE_OK', timeToLive: '3600s' });
    expect(conflict?.response?.['errorMessage']).toBe('Conflicts with an existing registration');
    expect(mismatch?.response?.['errorMessage']).toBe('SIP URI does not match the registration');
    expect(deleted?.response).toMatchObject({ statusCode: 'STATUS_CODE_OK' });
  });

  it('gets UNAUTHENTICATED without a valid token and PERMISSION_DENIED without the scope or the number', async () => {
    const noScope = await t.tokens.client({ scope: 'call.routing:read' });
    const bad = await t.tokens.sign({ sub: 'pbx-provider-1', scope: 'call.routing:write' }, { key: 'untrusted' });
    const token = await t.tokens.client();
    const results = await run([
      { method: 'UpsertRegistration', token: '', request: LOOP },
      { method: 'UpsertRegistration', token: bad, request: LOOP },
      { method: 'DeleteRegistration', token: noScope, request: LOOP },
      {
        method: 'UpsertRegistration',
        token,
        request: { registration: { ...LOOP.registration, phoneNumber: { e164: '+4791234567' } } },
      },
    ]);
    expect(results.map((result) => result.code)).toEqual([
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'PERMISSION_DENIED',
      'PERMISSION_DENIED',
    ]);
  });
});
