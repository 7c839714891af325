import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipBreakoutClient } from '@sipbreakout/grpc-api';
import { READY_LINE } from '../../src/startup-banner.js';
import { sample } from '@sipbreakout/test-peers';
import {
  ephemeralEnv,
  MAIN,
  PACKAGE_DIR,
  runShell,
  sendDatagram,
  sipOverUdp,
  startCore,
  type CoreProcess,
} from '../support/core-process.js';

async function get(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}

function tokenFromBanner(banner: string): string {
  const lines = banner.split('\n');
  const at = lines.findIndex((l) => l.startsWith('Example token'));
  const token = lines[at + 1]?.trim() ?? '';
  expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  return token;
}

describe('the breakout core as users run it (node dist/main.js)', () => {
  let dir: string;
  let dataDir: string;
  let first: { token: string; caPem: string; certPem: string; keyJwk: string } | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'breakout-core-e2e-'));
    dataDir = join(dir, 'data');
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts on a fresh data folder, registers through gRPC, serves metrics and health, answers SIP, and stops on SIGTERM', async () => {
    const core: CoreProcess = await startCore(ephemeralEnv(dataDir), dir);
    try {
      const { ready } = core;
      const banner = core.stderr();
      expect(banner).toContain(READY_LINE);
      expect(banner).toContain('Calls are routed');
      expect(banner).toContain(`udp ${ready.sipMobileUdp}`);
      expect(banner).toContain(`tls ${ready.sipTasTls}`);
      expect(banner).toContain(ready.grpc);
      // grpc.tls.mode off (the default) on loopback: plaintext, said so.
      expect(banner).toContain(`${ready.grpc}  (plaintext, loopback only;`);
      expect(ready.grpcTls).toBeUndefined();
      expect(ready.commands.bufCurl).toContain(`http://${ready.grpc}/`);
      expect(banner).toContain(`http://${ready.http}/metrics`);
      expect(core.logs.some((l) => l['msg'] === 'development CA and certificate generated')).toBe(true);
      const token = tokenFromBanner(banner);
      expect((await readFile(ready.tokenFile, 'utf8')).trim()).toBe(token);

      // The printed token, with our typed client.
      const client = new SipBreakoutClient({ address: ready.grpc, token });
      const upserted = await client.upsertRegistration({
        registration: {
          sipUri: 'sips:tas.example.com',
          routeType: 'ROUTE_TYPE_LOOP_MO',
          phoneNumber: { e164: '+4799990001' },
        },
      });
      client.close();
      expect(upserted).toMatchObject({ statusCode: 'STATUS_CODE_OK', timeToLive: { seconds: 3600 } });

      // The printed buf curl command (a client we did not write), pasted into a shell.
      const buf = await runShell(ready.commands.bufCurl, dir);
      expect(buf.stderr).toBe('');
      expect(buf.code).toBe(0);
      expect(JSON.parse(buf.stdout)).toMatchObject({ statusCode: 'STATUS_CODE_OK', timeToLive: '3600s' });

      // The printed node command (our SipBreakoutClient): the same registration again, a refresh.
      const node = await runShell(ready.commands.node, dir);
      expect(node.code).toBe(0);
      expect(JSON.parse(node.stdout)).toMatchObject({ statusCode: 'STATUS_CODE_OK' });

      const health = await get(`http://${ready.http}/healthz`);
      expect(health.status).toBe(200);
      expect(JSON.parse(health.text)).toEqual({ status: 'up', sip: 'up', grpc: 'up', store: 'up' });

      // SIP on the mobile side: an OPTIONS keep-alive probe gets 200, an INVITE to a callee that is no number 404, bad bytes a counter.
      const options = await sipOverUdp(ready.sipMobileUdp, 'OPTIONS');
      expect(options.split('\r\n')[0]).toBe('SIP/2.0 200 OK');
      const invite = await sipOverUdp(ready.sipMobileUdp, 'INVITE', ['Session-ID: 0123456789abcdef0123456789abcdef']);
      expect(invite.split('\r\n')[0]).toBe('SIP/2.0 404 Callee Is Not A Number');
      await sendDatagram(ready.sipMobileUdp, 'NOT SIP AT ALL\r\n\r\n');

      // The TAS side speaks TLS with the generated development certificate.
      const ca = await readFile(join(dataDir, 'tls', 'dev-ca.pem'), 'utf8');
      const [tlsHost = '', tlsPort = '0'] = ready.sipTasTls.split(':');
      const socket = tls.connect({ host: tlsHost, port: Number(tlsPort), ca, servername: 'localhost' });
      await new Promise<void>((resolve, reject) => {
        socket.once('secureConnect', resolve);
        socket.once('error', reject);
      });
      expect(socket.authorized).toBe(true);
      socket.destroy();

      const metrics = (await get(`http://${ready.http}/metrics`)).text;
      expect(sample(metrics, 'sipbreakout_registrations', { route_type: 'LOOP' })).toBe(1);
      expect(sample(metrics, 'sipbreakout_registrations', { route_type: 'LOOP_MO' })).toBe(1);
      expect(
        sample(metrics, 'sipbreakout_grpc_calls_total', {
          method: '/wgtwo.sipbreakout.v1.SipBreakoutService/UpsertRegistration',
          status: 'OK',
        }),
      ).toBe(3);
      expect(
        sample(metrics, 'sipbreakout_sip_messages_received_total', {
          face: 'mobile',
          transport: 'UDP',
          method: 'OPTIONS',
        }),
      ).toBe(1);
      expect(
        sample(metrics, 'sipbreakout_sip_messages_sent_total', { face: 'mobile', method: 'OPTIONS', status: '200' }),
      ).toBe(1);
      expect(sample(metrics, 'sipbreakout_calls_total', { route_type: 'NONE', outcome: 'rejected' })).toBe(1);
      await expect
        .poll(async () =>
          sample((await get(`http://${ready.http}/metrics`)).text, 'sipbreakout_sip_parse_errors_total', {
            face: 'mobile',
            code: 'SIP_ERR_BAD_START_LINE',
          }),
        )
        .toBe(1);
      expect(metrics).toContain('sipbreakout_sip_transactions_open{face="all",kind="client"} 0');
      expect(metrics).toContain('# TYPE sipbreakout_tls_failures_total counter');
      expect(metrics).toContain('# TYPE sipbreakout_tas_failures_total counter');

      // The INVITE's log line carries its Call-ID and Session-ID.
      const refused = core.logs.find(
        (l) => typeof l['msg'] === 'string' && l['msg'].startsWith('INVITE without an E.164 caller or callee'),
      );
      expect(refused).toMatchObject({ sessionId: '0123456789abcdef0123456789abcdef', face: 'mobile' });
      expect(String(refused?.['callId'])).toMatch(/^invite-/);

      first = {
        token,
        caPem: ca,
        certPem: await readFile(join(dataDir, 'tls', 'tas-face.pem'), 'utf8'),
        keyJwk: await readFile(join(dataDir, 'auth', 'dev-signing-key.jwk.json'), 'utf8'),
      };
    } finally {
      const code = await core.stop('SIGTERM');
      expect(code).toBe(0);
    }
    expect(core.logs.at(-1)?.['msg']).toBe('stopped');
  });

  it('keeps the registrations (journal) and reuses the certificates and signing key on restart', async () => {
    expect(first).toBeDefined();
    const core = await startCore(ephemeralEnv(dataDir), dir);
    try {
      expect(core.logs.some((l) => l['msg'] === 'development CA and certificate reused')).toBe(true);
      expect(core.logs.find((l) => l['msg'] === 'registration store open')).toMatchObject({ restored: 2 });
      expect(await readFile(join(dataDir, 'tls', 'dev-ca.pem'), 'utf8')).toBe(first?.caPem);
      expect(await readFile(join(dataDir, 'tls', 'tas-face.pem'), 'utf8')).toBe(first?.certPem);
      expect(await readFile(join(dataDir, 'auth', 'dev-signing-key.jwk.json'), 'utf8')).toBe(first?.keyJwk);

      const metrics = (await get(`http://${core.ready.http}/metrics`)).text;
      expect(sample(metrics, 'sipbreakout_registrations', { route_type: 'LOOP' })).toBe(1);
      expect(sample(metrics, 'sipbreakout_registrations', { route_type: 'LOOP_MO' })).toBe(1);

      // The first start's token is still good: same key.
      const client = new SipBreakoutClient({ address: core.ready.grpc, token: first?.token ?? '' });
      const deleted = await client.deleteRegistration({
        registration: {
          sipUri: 'sips:tas.example.com',
          routeType: 'ROUTE_TYPE_LOOP_MO',
          phoneNumber: { e164: '+4799990001' },
        },
      });
      client.close();
      expect(deleted.statusCode).toBe('STATUS_CODE_OK');
      const after = (await get(`http://${core.ready.http}/metrics`)).text;
      expect(sample(after, 'sipbreakout_registrations', { route_type: 'LOOP_MO' })).toBe(0);
    } finally {
      expect(await core.stop('SIGINT')).toBe(0);
    }
  });

  it('refuses a bad configuration with exit code 2, naming the key, without a stack trace', async () => {
    const result = await runShell(`SIPBREAKOUT_GRPC_PORT=http node ${MAIN}`, PACKAGE_DIR);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'grpc.port (env SIPBREAKOUT_GRPC_PORT): "http" is not a port: must be an integer 0-65535',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
