/**
 * The operator's published API as a client of it meets it: Python's grpcio
 * (a gRPC client we did not write) against the core run as users run it,
 * each answer compared whole — upsert adds or replaces, refusals carry
 * exactly their documented text, and the operator sees what the client
 * does not (the refusal's code in the metrics, its detail in the log).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDescriptorSet, METHOD_PATHS } from '@sipbreakout/grpc-api';
import { requirePythonGrpc, runPython, sample } from '@sipbreakout/test-peers';
import { EXAMPLE_REGISTRATION } from '../../src/first-registration-commands.js';
import { ephemeralEnv, runShell, startCore, type CoreProcess } from '../support/core-process.js';

const PYTHON_CLIENT = fileURLToPath(new URL('./python/upsert_registration.py', import.meta.url));
const NUMBER = '+4799990010';

type Method = 'UpsertRegistration' | 'DeleteRegistration';

interface Outcome {
  readonly ok: boolean;
  readonly response?: Record<string, unknown>;
  readonly code?: string;
}

function registration(sipUri: string, routeType = 'ROUTE_TYPE_LOOP', extra: Record<string, string> = {}) {
  return { registration: { sipUri, routeType, phoneNumber: { e164: NUMBER }, ...extra } };
}

describe('the published API, through Python grpcio, against the core (node dist/main.js)', () => {
  let dir: string;
  let python: string;
  let descriptorSet: string;
  let core: CoreProcess;
  let token: string;

  beforeAll(async () => {
    python = requirePythonGrpc();
    dir = await mkdtemp(join(tmpdir(), 'breakout-core-published-api-'));
    descriptorSet = join(dir, 'sipbreakout.binpb');
    await writeFile(descriptorSet, buildDescriptorSet().encodedSet);
    core = await startCore(ephemeralEnv(join(dir, 'data')), dir);
    token = (await readFile(core.ready.tokenFile, 'utf8')).trim();
  }, 60_000);

  afterAll(async () => {
    await core?.stop('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  const call = async (method: Method, request: unknown): Promise<Outcome> =>
    JSON.parse(
      await runPython(
        python,
        [PYTHON_CLIENT, descriptorSet, core.ready.grpc],
        JSON.stringify({ token, method, request }),
      ),
    ) as Outcome;

  const metrics = async (): Promise<string> => (await fetch(`http://${core.ready.http}/metrics`)).text();

  it('upsert adds, then replaces the same number and route type: new SIP URI and prefixes, a fresh TTL', async () => {
    const added = await call('UpsertRegistration', registration('sips:tas-a.example.com'));
    expect(added).toEqual({ ok: true, response: { statusCode: 'STATUS_CODE_OK', timeToLive: '3600s' } });

    const replaced = await call(
      'UpsertRegistration',
      registration('sips:tas-b.example.com:5071', 'ROUTE_TYPE_LOOP', { mobileOriginatingPrefix: '00' }),
    );
    expect(replaced).toEqual({ ok: true, response: { statusCode: 'STATUS_CODE_OK', timeToLive: '3600s' } });
    expect(sample(await metrics(), 'sipbreakout_registrations', { route_type: 'LOOP' })).toBe(1);

    // The old SIP URI no longer deletes it; the new one does (below).
    expect(await call('DeleteRegistration', registration('sips:tas-a.example.com'))).toEqual({
      ok: true,
      response: { statusCode: 'STATUS_CODE_NOT_ACCEPTABLE', errorMessage: 'SIP URI does not match the registration' },
    });
  });

  it('refuses a conflict between route types, and every bad sip_uri, with exactly the documented text', async () => {
    expect(await call('UpsertRegistration', registration('sips:tas-c.example.com', 'ROUTE_TYPE_LOOP_MO'))).toEqual({
      ok: true,
      response: { statusCode: 'STATUS_CODE_NOT_ACCEPTABLE', errorMessage: 'Conflicts with an existing registration' },
    });
    for (const sipUri of ['sip:tas.example.com', 'sips:192.0.2.10', 'sips:[2001:db8::1]:5061', 'not a uri', '']) {
      expect(await call('UpsertRegistration', registration(sipUri, 'ROUTE_TYPE_FALLBACK')), sipUri).toEqual({
        ok: true,
        response: { statusCode: 'STATUS_CODE_NOT_ACCEPTABLE', errorMessage: 'Secure SIP domain name required' },
      });
    }
  });

  it('deletes with the current SIP URI, then answers a second delete "No such registration"', async () => {
    expect(await call('DeleteRegistration', registration('sips:tas-b.example.com:5071'))).toEqual({
      ok: true,
      response: { statusCode: 'STATUS_CODE_OK' },
    });
    expect(await call('DeleteRegistration', registration('sips:tas-b.example.com:5071'))).toEqual({
      ok: true,
      response: { statusCode: 'STATUS_CODE_NOT_ACCEPTABLE', errorMessage: 'No such registration' },
    });
  });

  it('counts refusals by API status and code, and logs the detail the client was not sent', async () => {
    const text = await metrics();
    const upsert = METHOD_PATHS.UpsertRegistration;
    const remove = METHOD_PATHS.DeleteRegistration;
    const calls = (method: string, apiStatus: string) =>
      sample(text, 'sipbreakout_grpc_calls_total', { method, status: 'OK', api_status: apiStatus });
    expect(calls(upsert, 'STATUS_CODE_OK')).toBe(2);
    expect(calls(upsert, 'STATUS_CODE_NOT_ACCEPTABLE')).toBe(6);
    expect(calls(remove, 'STATUS_CODE_OK')).toBe(1);
    expect(calls(remove, 'STATUS_CODE_NOT_ACCEPTABLE')).toBe(2);
    const refusals = (method: string, code: string) =>
      sample(text, 'sipbreakout_grpc_refusals_total', { method, code });
    expect(refusals(upsert, 'REG_ERR_CONFLICT')).toBe(1);
    expect(refusals(upsert, 'ROUTE_ERR_NOT_SIPS')).toBe(1);
    expect(refusals(upsert, 'API_ERR_IP_LITERAL')).toBe(2);
    expect(refusals(upsert, 'API_ERR_MALFORMED_URI')).toBe(2);
    expect(refusals(remove, 'REG_ERR_URI_MISMATCH')).toBe(1);
    expect(refusals(remove, 'REG_ERR_NOT_FOUND')).toBe(1);

    const refused = core.logs.filter((line) => line['msg'] === 'registration refused');
    expect(refused).toHaveLength(8);
    expect(refused.find((line) => line['code'] === 'ROUTE_ERR_NOT_SIPS')).toMatchObject({
      grpcMethod: upsert,
      client: 'dev-client',
      errorMessage: 'Secure SIP domain name required',
      detail: expect.stringContaining('sip:tas.example.com'),
    });
    expect(refused.find((line) => line['code'] === 'REG_ERR_CONFLICT')?.['detail']).toContain(
      `${NUMBER} LOOP sips:tas-b.example.com:5071`,
    );
  });

  it('prints an example registration of a number and domain nobody has, and how to delete it', async () => {
    const banner = core.stderr();
    expect(EXAMPLE_REGISTRATION).toEqual({
      phoneNumber: '+447700900123',
      sipUri: 'sips:tas.example',
      routeType: 'LOOP',
    });
    expect(banner).toContain(`registers ${EXAMPLE_REGISTRATION.phoneNumber}`);
    expect(banner).toContain('Delete it with:');
    const { node, deleteNode, deleteBufCurl } = core.ready.commands;
    expect(banner).toContain(deleteNode);
    expect(banner).toContain(deleteBufCurl);

    expect((await runShell(node, dir)).code).toBe(0);
    const deleted = await runShell(deleteBufCurl, dir);
    expect(deleted.stderr).toBe('');
    expect(JSON.parse(deleted.stdout)).toEqual({ statusCode: 'STATUS_CODE_OK' });
    // Gone: the printed node delete is now refused (exit 1), with the documented text.
    const again = await runShell(deleteNode, dir);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({
      statusCode: 'STATUS_CODE_NOT_ACCEPTABLE',
      errorMessage: 'No such registration',
    });
  });
});
