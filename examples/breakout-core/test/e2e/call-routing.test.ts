/**
 * Calls through the core as users run it (`node dist/main.js`, config by
 * environment), with SIPp as Alice (mobile side), Bob (the mobile next hop)
 * and a TAS (behind socat for TLS). Each test asserts on what the peers
 * saw. sipp and socat must be installed: without them these tests fail.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipBreakoutClient } from '@sipbreakout/grpc-api';
import { TestCertificateAuthority } from '@sipbreakout/sip-core';
import { buildPackage, ephemeralEnv, sample, startCore, type CoreProcess } from '../support/core-process.js';
import { alice, bob, headerOf, received, receivedStatuses, scenario, tas } from '../support/sip-peers.js';
import { freePort, requireSipp, requireSocat, type SippResult } from '../support/sipp.js';
import { startSocat, writePemFiles } from '../support/socat.js';

const ALICE = '+4790000001';
const BOB = '+4790000002';
const TAS_DOMAIN = 'localhost';

let dir: string;
let core: CoreProcess;
let bobPort: number;
let pem: Awaited<ReturnType<typeof writePemFiles>>;
let client: SipBreakoutClient;

function expectPassed(result: SippResult, who: string): void {
  expect(result.timedOut, `${who} stuck:\n${result.output.slice(-1500)}`).toBe(false);
  expect(result.exitCode, `${who}:\n${result.output.slice(0, 1500)}\n…\n${result.output.slice(-600)}`).toBe(0);
  expect(result.successful, who).toBe(1);
  expect(result.failed, who).toBe(0);
}

async function metrics(): Promise<string> {
  return (await fetch(`http://${core.ready.http}/metrics`)).text();
}

const SESSION_ID = /^([0-9a-f]{32})(;remote=[0-9a-f]{32})?$/;

beforeAll(async () => {
  requireSipp();
  requireSocat();
  await buildPackage();
  dir = await mkdtemp(join(tmpdir(), 'breakout-core-calls-'));
  const ca = await TestCertificateAuthority.create();
  const coreCert = await ca.issue({ commonName: 'core.localhost', dnsNames: ['localhost'], uris: ['sip:localhost'], ips: ['127.0.0.1'] });
  const tasCert = await ca.issue({ commonName: TAS_DOMAIN, dnsNames: [TAS_DOMAIN], uris: [`sip:${TAS_DOMAIN}`] });
  const impostor = await ca.issue({ commonName: 'other.example.test', dnsNames: ['other.example.test'], uris: ['sip:other.example.test'] });
  pem = await writePemFiles({ 'impostor.pem': impostor.cert, 'impostor.key': impostor.key, 'ca.pem': ca.cert, 'core.pem': coreCert.cert, 'core.key': coreCert.key, 'tas.pem': tasCert.cert, 'tas.key': tasCert.key });
  bobPort = await freePort('udp');
  core = await startCore(
    ephemeralEnv(join(dir, 'data'), {
      SIPBREAKOUT_SIP_MOBILE_NEXT_HOP: `sip:127.0.0.1:${bobPort};transport=udp`,
      SIPBREAKOUT_SIP_TAS_CERT_FILE: pem.path('core.pem'),
      SIPBREAKOUT_SIP_TAS_KEY_FILE: pem.path('core.key'),
      SIPBREAKOUT_SIP_TAS_CA_FILE: pem.path('ca.pem'),
      SIPBREAKOUT_LOG_LEVEL: 'debug',
      SIPBREAKOUT_FALLBACK_TIMEOUT_SECONDS: '1',
    }),
    dir,
  );
  const token = (await readFile(core.ready.tokenFile, 'utf8')).trim();
  client = new SipBreakoutClient({ address: core.ready.grpc, token });
}, 60_000);

afterAll(async () => {
  client?.close();
  expect(await core?.stop()).toBe(0);
  await pem?.remove();
  await rm(dir, { recursive: true, force: true });
});

/** Alice calls Bob's number; Bob (the next hop) answers; both runs must pass. */
async function directCall(name: string): Promise<{ bobInvite: string; aliceLog: string; bobLog: string }> {
  const b = await bob({ dir, name: `${name}-bob`, port: bobPort });
  await new Promise((r) => setTimeout(r, 300));
  const a = await alice({ dir, name: `${name}-alice`, core: core.ready.sipMobileUdp, callee: BOB });
  const [ar, br] = await Promise.all([a.result, b.result]);
  expectPassed(ar, 'Alice');
  expectPassed(br, 'Bob');
  const bobLog = await b.messages();
  const invites = received(bobLog, 'INVITE');
  expect(invites).toHaveLength(1);
  return { bobInvite: invites[0] ?? '', aliceLog: await a.messages(), bobLog };
}

describe('call routing through the core (SIPp as Alice, Bob and the TAS)', () => {
  it('no registration: direct to the next hop, the callee in the Request-URI, Session-ID added, Max-Forwards 70 → 69, BYE relayed', async () => {
    const { bobInvite, bobLog } = await directCall('direct');
    expect(bobInvite.split('\n')[0]).toBe(`INVITE sip:${BOB}@127.0.0.1:${bobPort};transport=udp SIP/2.0`);
    expect(headerOf(bobInvite, 'Session-ID')).toMatch(SESSION_ID);
    expect(headerOf(bobInvite, 'Max-Forwards')).toBe('69');
    expect(headerOf(bobInvite, 'P-Asserted-Identity')).toBe(`<sip:${ALICE}@mobile.invalid>`);
    // A B2BUA leg: its own Call-ID, one Via (ours).
    expect(bobInvite.match(/^Via:/gim)).toHaveLength(1);
    expect(received(bobLog, 'BYE')).toHaveLength(1);
    const m = await metrics();
    expect(sample(m, 'sipbreakout_calls_total', { route_type: 'NONE', outcome: 'answered' })).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'sipbreakout_call_legs_total', { leg: '4', outcome: 'answered' })).toBeGreaterThanOrEqual(1);
  }, 40_000);

  it('registration created through gRPC: the call goes to the TAS over TLS with the MO prefix; deleted: direct again', async () => {
    const tlsPort = await freePort('tcp');
    const registration = { sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`, routeType: 'ROUTE_TYPE_LOOP' as const, phoneNumber: { e164: ALICE }, mobileOriginatingPrefix: '00' };
    expect(await client.upsertRegistration({ registration })).toMatchObject({ statusCode: 'STATUS_CODE_OK' });

    // The TAS answers leg 2 itself.
    const t = await tas({ dir, name: 'registered-tas', tlsPort, domain: TAS_DOMAIN, certFile: pem.path('tas.pem'), keyFile: pem.path('tas.key'), scenarioFile: scenario('answering-uas.xml') });
    try {
      const a = await alice({ dir, name: 'registered-alice', core: core.ready.sipMobileUdp, callee: BOB });
      const [ar, tr] = await Promise.all([a.result, t.result]);
      expectPassed(ar, 'Alice');
      expectPassed(tr, `TAS\n${t.socat.output().slice(-800)}`);
      const tasLog = await t.messages();
      const [leg2] = received(tasLog, 'INVITE');
      expect(leg2?.split('\n')[0]).toBe(`INVITE sips:+00${BOB.slice(1)}@${TAS_DOMAIN}:${tlsPort} SIP/2.0`);
      expect(headerOf(leg2 ?? '', 'Session-ID')).toMatch(SESSION_ID);
      expect(headerOf(leg2 ?? '', 'Max-Forwards')).toBe('69');
      // Nothing of the mobile side's transport leaks: one Via, the core's TLS one; Contact on the TAS face.
      expect(leg2?.match(/^Via:/gim)).toHaveLength(1);
      expect(headerOf(leg2 ?? '', 'Via')).toMatch(/^SIP\/2\.0\/TLS /);
      expect(headerOf(leg2 ?? '', 'Contact')).toContain(`sips:${core.ready.sipTasTls}`);
      expect(received(tasLog, 'BYE')).toHaveLength(1);
      const m = await metrics();
      expect(sample(m, 'sipbreakout_calls_total', { route_type: 'LOOP', outcome: 'answered' })).toBe(1);
      expect(sample(m, 'sipbreakout_call_legs_total', { leg: '2', outcome: 'answered' })).toBe(1);
    } finally {
      await t.socat.stop();
    }

    expect(await client.deleteRegistration({ registration })).toMatchObject({ statusCode: 'STATUS_CODE_OK' });
    const { bobInvite } = await directCall('deleted');
    expect(bobInvite.split('\n')[0]).toBe(`INVITE sip:${BOB}@127.0.0.1:${bobPort};transport=udp SIP/2.0`);
  }, 60_000);

  it('LOOP on an MO call: leg 2 to the TAS, leg 3 back with the same Session-ID and a lower Max-Forwards, leg 4 to Bob answered; BYE on both pairs', async () => {
    const tlsPort = await freePort('tcp');
    const registration = { sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`, routeType: 'ROUTE_TYPE_LOOP' as const, phoneNumber: { e164: ALICE } };
    expect(await client.upsertRegistration({ registration })).toMatchObject({ statusCode: 'STATUS_CODE_OK' });
    const b = await bob({ dir, name: 'loop-bob', port: bobPort });
    const t = await tas({ dir, name: 'loop-tas', tlsPort, domain: TAS_DOMAIN, certFile: pem.path('tas.pem'), keyFile: pem.path('tas.key'), scenarioFile: scenario('tas-loop.xml'), keys: { callee: BOB, core: core.ready.sipTasTls } });
    try {
      const a = await alice({ dir, name: 'loop-alice', core: core.ready.sipMobileUdp, callee: BOB });
      const [ar, tr, br] = await Promise.all([a.result, t.result, b.result]);
      expectPassed(ar, 'Alice');
      expectPassed(tr, `TAS\n${t.socat.output().slice(-800)}`);
      expectPassed(br, 'Bob');
      const tasLog = await t.messages();
      const bobLog = await b.messages();
      const [leg2] = received(tasLog, 'INVITE');
      const [leg4] = received(bobLog, 'INVITE');
      expect(leg2?.split('\n')[0]).toBe(`INVITE sips:${BOB}@${TAS_DOMAIN}:${tlsPort} SIP/2.0`);
      expect(headerOf(leg2 ?? '', 'Max-Forwards')).toBe('69');
      const sessionId = SESSION_ID.exec(headerOf(leg2 ?? '', 'Session-ID') ?? '')?.[1];
      expect(sessionId).toBeDefined();
      // Leg 4 carries the same Session-ID, and leg 3's Max-Forwards (60) minus one.
      expect(leg4?.split('\n')[0]).toBe(`INVITE sip:${BOB}@127.0.0.1:${bobPort};transport=udp SIP/2.0`);
      expect(headerOf(leg4 ?? '', 'Session-ID')).toContain(sessionId);
      expect(headerOf(leg4 ?? '', 'Max-Forwards')).toBe('59');
      // Alice's BYE went to the TAS (leg 2); the TAS's BYE on leg 3 went to Bob (leg 4).
      expect(received(tasLog, 'BYE')).toHaveLength(1);
      expect(received(bobLog, 'BYE')).toHaveLength(1);
      const m = await metrics();
      expect(sample(m, 'sipbreakout_calls_total', { route_type: 'LEG3', outcome: 'answered' })).toBe(1);
      expect(sample(m, 'sipbreakout_call_legs_total', { leg: '3', outcome: 'received' })).toBe(1);
    } finally {
      await t.socat.stop();
      await client.deleteRegistration({ registration });
    }
  }, 60_000);

  /** Upserts a registration through gRPC; returns what deletes it. */
  async function register(registration: { sipUri: string; routeType: 'ROUTE_TYPE_LOOP' | 'ROUTE_TYPE_LOOP_MO' | 'ROUTE_TYPE_LOOP_MT' | 'ROUTE_TYPE_FORK' | 'ROUTE_TYPE_FALLBACK' | 'ROUTE_TYPE_INGRESS'; phoneNumber: { e164: string }; mobileOriginatingPrefix?: string; mobileTerminatingPrefix?: string }): Promise<() => Promise<void>> {
    expect(await client.upsertRegistration({ registration })).toMatchObject({ statusCode: 'STATUS_CODE_OK' });
    return async () => {
      expect(await client.deleteRegistration({ registration })).toMatchObject({ statusCode: 'STATUS_CODE_OK' });
    };
  }

  it('LOOP where the TAS rejects leg 2: its 486 reaches Alice, no leg 4', async () => {
    const tlsPort = await freePort('tcp');
    const unregister = await register({ sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`, routeType: 'ROUTE_TYPE_LOOP', phoneNumber: { e164: ALICE } });
    const t = await tas({ dir, name: 'reject-tas', tlsPort, domain: TAS_DOMAIN, certFile: pem.path('tas.pem'), keyFile: pem.path('tas.key'), scenarioFile: scenario('busy-uas.xml') });
    try {
      const a = await alice({ dir, name: 'reject-alice', core: core.ready.sipMobileUdp, callee: BOB, scenarioFile: scenario('alice-uac-refused.xml'), keys: { session: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1' } });
      const [ar, tr] = await Promise.all([a.result, t.result]);
      expectPassed(ar, 'Alice');
      expectPassed(tr, 'TAS');
      expect(receivedStatuses(await a.messages()).at(-1)).toBe('SIP/2.0 486 Busy Here');
      expect(received(await t.messages(), 'INVITE')).toHaveLength(1);
      expect(sample(await metrics(), 'sipbreakout_calls_total', { route_type: 'LOOP', outcome: 'failed' })).toBe(1);
    } finally {
      await t.socat.stop();
      await unregister();
    }
  }, 40_000);

  it('a TAS that is down: LOOP bypasses it (default policy), Bob answers, counted as TRANSPORT_ERR_CONNECT', async () => {
    const unregister = await register({ sipUri: `sips:${TAS_DOMAIN}:${await freePort('tcp')}`, routeType: 'ROUTE_TYPE_LOOP', phoneNumber: { e164: ALICE } });
    try {
      const { bobInvite } = await directCall('tas-down');
      expect(headerOf(bobInvite, 'Max-Forwards')).toBe('69');
      expect(sample(await metrics(), 'sipbreakout_tas_failures_total', { route_type: 'LOOP', cause: 'TRANSPORT_ERR_CONNECT' })).toBe(1);
    } finally {
      await unregister();
    }
  }, 40_000);

  it('a TAS whose certificate names another domain: bypassed, counted as TLS_ERR_IDENTITY_MISMATCH', async () => {
    const tlsPort = await freePort('tcp');
    const sink = await freePort('tcp');
    const impostor = await startSocat(`OPENSSL-LISTEN:${tlsPort},bind=127.0.0.1,reuseaddr,fork,cert=${pem.path('impostor.pem')},key=${pem.path('impostor.key')},verify=0`, `TCP:127.0.0.1:${sink}`, 30);
    const unregister = await register({ sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`, routeType: 'ROUTE_TYPE_LOOP', phoneNumber: { e164: ALICE } });
    try {
      await directCall('impostor');
      expect(sample(await metrics(), 'sipbreakout_tas_failures_total', { route_type: 'LOOP', cause: 'TLS_ERR_IDENTITY_MISMATCH' })).toBe(1);
    } finally {
      await impostor.stop();
      await unregister();
    }
  }, 40_000);

  it('FALLBACK on busy: Bob answers 486, the call goes to the TAS with the MT prefix and the TAS answers', async () => {
    const tlsPort = await freePort('tcp');
    const unregister = await register({ sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`, routeType: 'ROUTE_TYPE_FALLBACK', phoneNumber: { e164: BOB }, mobileTerminatingPrefix: '22' });
    const b = await bob({ dir, name: 'fallback-bob', port: bobPort, scenarioFile: scenario('busy-uas.xml') });
    const t = await tas({ dir, name: 'fallback-tas', tlsPort, domain: TAS_DOMAIN, certFile: pem.path('tas.pem'), keyFile: pem.path('tas.key'), scenarioFile: scenario('answering-uas.xml') });
    try {
      const a = await alice({ dir, name: 'fallback-alice', core: core.ready.sipMobileUdp, callee: BOB });
      const [ar, br, tr] = await Promise.all([a.result, b.result, t.result]);
      expectPassed(ar, 'Alice');
      expectPassed(br, 'Bob');
      expectPassed(tr, 'TAS');
      const [leg2] = received(await t.messages(), 'INVITE');
      expect(leg2?.split('\n')[0]).toBe(`INVITE sips:+22${BOB.slice(1)}@${TAS_DOMAIN}:${tlsPort} SIP/2.0`);
      const [leg4] = received(await b.messages(), 'INVITE');
      expect(headerOf(leg2 ?? '', 'Session-ID')?.slice(0, 32)).toBe(headerOf(leg4 ?? '', 'Session-ID')?.slice(0, 32));
      expect(sample(await metrics(), 'sipbreakout_calls_total', { route_type: 'FALLBACK', outcome: 'answered' })).toBe(1);
    } finally {
      await t.socat.stop();
      await unregister();
    }
  }, 40_000);

  it('FORK where the TAS answers first: Bob, ringing, gets CANCEL; the TAS gets the BYE', async () => {
    const tlsPort = await freePort('tcp');
    const unregister = await register({ sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`, routeType: 'ROUTE_TYPE_FORK', phoneNumber: { e164: ALICE } });
    const b = await bob({ dir, name: 'fork-bob', port: bobPort, scenarioFile: scenario('ringing-uas-cancelled.xml') });
    const t = await tas({ dir, name: 'fork-tas', tlsPort, domain: TAS_DOMAIN, certFile: pem.path('tas.pem'), keyFile: pem.path('tas.key'), scenarioFile: scenario('answering-uas.xml') });
    try {
      const a = await alice({ dir, name: 'fork-alice', core: core.ready.sipMobileUdp, callee: BOB });
      const [ar, br, tr] = await Promise.all([a.result, b.result, t.result]);
      expectPassed(ar, 'Alice');
      expectPassed(br, 'Bob');
      expectPassed(tr, 'TAS');
      const bobLog = await b.messages();
      const tasLog = await t.messages();
      expect(received(bobLog, 'CANCEL')).toHaveLength(1);
      expect(received(bobLog, 'BYE')).toHaveLength(0);
      expect(received(tasLog, 'BYE')).toHaveLength(1);
      const [leg2] = received(tasLog, 'INVITE');
      const [leg4] = received(bobLog, 'INVITE');
      expect(headerOf(leg2 ?? '', 'Session-ID')?.slice(0, 32)).toBe(headerOf(leg4 ?? '', 'Session-ID')?.slice(0, 32));
      expect(sample(await metrics(), 'sipbreakout_calls_total', { route_type: 'FORK', outcome: 'answered' })).toBe(1);
    } finally {
      await t.socat.stop();
      await unregister();
    }
  }, 40_000);

  for (const c of [
    { name: 'a leg 3 with a wrong Session-ID is refused 403', session: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2', leg3Session: 'cccccccccccccccccccccccccccccccc', maxForwards: '60', status: 'SIP/2.0 403' },
    { name: 'a leg 3 without a lower Max-Forwards is refused 483', session: 'dddddddddddddddddddddddddddddddd', leg3Session: 'dddddddddddddddddddddddddddddddd', maxForwards: '69', status: 'SIP/2.0 483' },
  ]) {
    it(`${c.name}; the TAS then rejects leg 2 and its 403 reaches Alice; no leg 4`, async () => {
      const tlsPort = await freePort('tcp');
      const unregister = await register({ sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`, routeType: 'ROUTE_TYPE_LOOP', phoneNumber: { e164: ALICE } });
      const t = await tas({
        dir, name: 'leg3-refused-tas', tlsPort, domain: TAS_DOMAIN, certFile: pem.path('tas.pem'), keyFile: pem.path('tas.key'), scenarioFile: scenario('tas-leg3-refused.xml'),
        keys: { callee: BOB, core: core.ready.sipTasTls, leg3_session: c.leg3Session, leg3_max_forwards: c.maxForwards },
      });
      try {
        const before = sample(await metrics(), 'sipbreakout_call_legs_total', { leg: '4', outcome: 'started' }) ?? 0;
        const a = await alice({ dir, name: 'leg3-refused-alice', core: core.ready.sipMobileUdp, callee: BOB, scenarioFile: scenario('alice-uac-refused.xml'), keys: { session: c.session } });
        const [ar, tr] = await Promise.all([a.result, t.result]);
        expectPassed(ar, 'Alice');
        expectPassed(tr, 'TAS');
        const [leg2] = received(await t.messages(), 'INVITE');
        expect(headerOf(leg2 ?? '', 'Session-ID')?.slice(0, 32)).toBe(c.session);
        expect(receivedStatuses(await t.messages()).find((l) => !l.startsWith('SIP/2.0 100'))).toMatch(new RegExp(`^${c.status} `));
        expect(receivedStatuses(await a.messages()).at(-1)).toMatch(/^SIP\/2\.0 403 /);
        expect(sample(await metrics(), 'sipbreakout_call_legs_total', { leg: '4', outcome: 'started' }) ?? 0).toBe(before);
      } finally {
        await t.socat.stop();
        await unregister();
      }
    }, 40_000);
  }

  /** A TAS placing a call: SIPp over TCP to socat, which opens mutual TLS to the core's TAS face with the TAS's certificate. */
  async function tasCalls(name: string, scenarioFile: string): Promise<{ result: SippResult; log: string }> {
    const relay = await freePort('tcp');
    const tunnel = await startSocat(
      `TCP-LISTEN:${relay},bind=127.0.0.1,reuseaddr,fork`,
      `OPENSSL:${core.ready.sipTasTls},cafile=${pem.path('ca.pem')},cert=${pem.path('tas.pem')},key=${pem.path('tas.key')},verify=1,commonname=localhost`,
      30,
    );
    try {
      const caller = await alice({ dir, name, core: `127.0.0.1:${relay}`, callee: BOB, transport: 't1', scenarioFile, keys: { session: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee' } });
      return { result: await caller.result, log: await caller.messages() };
    } finally {
      await tunnel.stop();
    }
  }

  it('INGRESS: a TAS holding the registration places a call to Bob over mutual TLS; Bob answers', async () => {
    const unregister = await register({ sipUri: `sips:${TAS_DOMAIN}`, routeType: 'ROUTE_TYPE_INGRESS', phoneNumber: { e164: BOB } });
    const b = await bob({ dir, name: 'ingress-bob', port: bobPort });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const { result } = await tasCalls('ingress-tas', scenario('alice-uac.xml'));
      expectPassed(result, 'TAS placing the call');
      expectPassed(await b.result, 'Bob');
      const [leg4] = received(await b.messages(), 'INVITE');
      expect(leg4?.split('\n')[0]).toBe(`INVITE sip:${BOB}@127.0.0.1:${bobPort};transport=udp SIP/2.0`);
      expect(headerOf(leg4 ?? '', 'Max-Forwards')).toBe('69');
      expect(sample(await metrics(), 'sipbreakout_calls_total', { route_type: 'INGRESS', outcome: 'answered' })).toBe(1);
    } finally {
      await unregister();
    }
  }, 40_000);

  it('INGRESS refused: a TAS without the registration gets 403', async () => {
    const { result, log } = await tasCalls('ingress-refused-tas', scenario('alice-uac-refused.xml'));
    expectPassed(result, 'TAS placing the call');
    expect(receivedStatuses(log).at(-1)).toMatch(/^SIP\/2\.0 403 /);
  }, 40_000);

  for (const c of [
    { name: 'LOOP_MO leaves MT calls alone: Bob holding LOOP_MO is called directly', routeType: 'ROUTE_TYPE_LOOP_MO' as const, number: BOB },
    { name: 'LOOP_MT leaves MO calls alone: Alice holding LOOP_MT calls Bob directly', routeType: 'ROUTE_TYPE_LOOP_MT' as const, number: ALICE },
  ]) {
    it(c.name, async () => {
      // The TAS of the registration is never reached: nothing listens there.
      const unregister = await register({ sipUri: `sips:${TAS_DOMAIN}:${await freePort('tcp')}`, routeType: c.routeType, phoneNumber: { e164: c.number } });
      try {
        const before = sample(await metrics(), 'sipbreakout_tas_failures_total', { route_type: c.routeType.replace('ROUTE_TYPE_', ''), cause: 'TRANSPORT_ERR_CONNECT' }) ?? 0;
        const { bobInvite } = await directCall(c.routeType);
        expect(bobInvite.split('\n')[0]).toBe(`INVITE sip:${BOB}@127.0.0.1:${bobPort};transport=udp SIP/2.0`);
        expect(sample(await metrics(), 'sipbreakout_tas_failures_total', { route_type: c.routeType.replace('ROUTE_TYPE_', ''), cause: 'TRANSPORT_ERR_CONNECT' }) ?? 0).toBe(before);
      } finally {
        await unregister();
      }
    }, 40_000);
  }

  it('both parties registered (LOOP each): the originating phase first, leg 2 to the caller\'s TAS with the caller\'s MO prefix', async () => {
    const tlsPort = await freePort('tcp');
    const unregisterAlice = await register({ sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`, routeType: 'ROUTE_TYPE_LOOP', phoneNumber: { e164: ALICE }, mobileOriginatingPrefix: '11' });
    const unregisterBob = await register({ sipUri: `sips:${TAS_DOMAIN}:${await freePort('tcp')}`, routeType: 'ROUTE_TYPE_LOOP', phoneNumber: { e164: BOB }, mobileTerminatingPrefix: '22' });
    const t = await tas({ dir, name: 'both-tas', tlsPort, domain: TAS_DOMAIN, certFile: pem.path('tas.pem'), keyFile: pem.path('tas.key'), scenarioFile: scenario('answering-uas.xml') });
    try {
      const a = await alice({ dir, name: 'both-alice', core: core.ready.sipMobileUdp, callee: BOB });
      const [ar, tr] = await Promise.all([a.result, t.result]);
      expectPassed(ar, 'Alice');
      expectPassed(tr, 'TAS');
      const [leg2] = received(await t.messages(), 'INVITE');
      expect(leg2?.split('\n')[0]).toBe(`INVITE sips:+11${BOB.slice(1)}@${TAS_DOMAIN}:${tlsPort} SIP/2.0`);
    } finally {
      await t.socat.stop();
      await unregisterAlice();
      await unregisterBob();
    }
  }, 40_000);

  it('FALLBACK on no answer: Bob rings past the timeout (1 s here), gets CANCEL, and the TAS answers', async () => {
    const tlsPort = await freePort('tcp');
    const unregister = await register({ sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`, routeType: 'ROUTE_TYPE_FALLBACK', phoneNumber: { e164: BOB } });
    const b = await bob({ dir, name: 'noanswer-bob', port: bobPort, scenarioFile: scenario('ringing-uas-cancelled.xml') });
    const t = await tas({ dir, name: 'noanswer-tas', tlsPort, domain: TAS_DOMAIN, certFile: pem.path('tas.pem'), keyFile: pem.path('tas.key'), scenarioFile: scenario('answering-uas.xml') });
    try {
      const a = await alice({ dir, name: 'noanswer-alice', core: core.ready.sipMobileUdp, callee: BOB });
      const [ar, br, tr] = await Promise.all([a.result, b.result, t.result]);
      expectPassed(ar, 'Alice');
      expectPassed(br, 'Bob');
      expectPassed(tr, 'TAS');
      expect(received(await b.messages(), 'CANCEL')).toHaveLength(1);
      expect(received(await t.messages(), 'BYE')).toHaveLength(1);
    } finally {
      await t.socat.stop();
      await unregister();
    }
  }, 40_000);

  it('FORK where Bob answers first: the TAS, ringing, gets CANCEL over TLS; Bob gets the BYE', async () => {
    const tlsPort = await freePort('tcp');
    const unregister = await register({ sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`, routeType: 'ROUTE_TYPE_FORK', phoneNumber: { e164: BOB } });
    const b = await bob({ dir, name: 'fork-bob-first', port: bobPort });
    const t = await tas({ dir, name: 'fork-tas-ringing', tlsPort, domain: TAS_DOMAIN, certFile: pem.path('tas.pem'), keyFile: pem.path('tas.key'), scenarioFile: scenario('ringing-uas-cancelled.xml') });
    try {
      const a = await alice({ dir, name: 'fork-bob-first-alice', core: core.ready.sipMobileUdp, callee: BOB });
      const [ar, br, tr] = await Promise.all([a.result, b.result, t.result]);
      expectPassed(ar, 'Alice');
      expectPassed(br, 'Bob');
      expectPassed(tr, 'TAS');
      expect(received(await t.messages(), 'CANCEL')).toHaveLength(1);
      expect(received(await b.messages(), 'BYE')).toHaveLength(1);
    } finally {
      await t.socat.stop();
      await unregister();
    }
  }, 40_000);
});
