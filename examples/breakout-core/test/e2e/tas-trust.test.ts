/**
 * The TAS side's checks, end to end with the core as users run it and SIPp
 * as Alice, Bob and the TAS (behind socat for TLS): a TAS that is down and
 * one whose certificate names another domain (the default policy bypasses
 * both), a leg 3 refused for a wrong Session-ID or a Max-Forwards not
 * lowered, a leg 3 sent on a connection of the TAS's own (identified by
 * its client certificate; refused without one), and calls a TAS places
 * over mutual TLS (INGRESS allowed with the registration, refused without). sipp and socat must be installed:
 * without them these tests fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, expectPassed, startCallTestbed, TAS_DOMAIN, type CallTestbed } from '../support/call-testbed.js';
import { sample } from '@sipbreakout/test-peers';
import { alice, bob, headerOf, received, receivedStatuses, scenario } from '../support/sip-peers.js';
import { freePort, type SippResult } from '@sipbreakout/test-peers';
import { startSocat } from '@sipbreakout/test-peers';

let testbed: CallTestbed;

beforeAll(async () => {
  testbed = await startCallTestbed({ name: 'tas-trust' });
}, 60_000);

afterAll(async () => {
  await testbed?.stop();
});

describe('TAS identity and failures (SIPp as Alice, Bob and the TAS)', () => {
  it('a TAS that is down: LOOP bypasses it (default policy), Bob answers, counted as TRANSPORT_ERR_CONNECT', async () => {
    const unregister = await testbed.register({
      sipUri: `sips:${TAS_DOMAIN}:${await freePort('tcp')}`,
      routeType: 'ROUTE_TYPE_LOOP',
      phoneNumber: { e164: ALICE },
    });
    try {
      const { bobInvite } = await testbed.directCall('tas-down');
      expect(headerOf(bobInvite, 'Max-Forwards')).toBe('69');
      expect(
        sample(await testbed.metrics(), 'sipbreakout_tas_failures_total', {
          route_type: 'LOOP',
          cause: 'TRANSPORT_ERR_CONNECT',
        }),
      ).toBe(1);
    } finally {
      await unregister();
    }
  }, 40_000);

  it('a TAS whose certificate names another domain: bypassed, counted as TLS_ERR_IDENTITY_MISMATCH', async () => {
    const tlsPort = await freePort('tcp');
    const sink = await freePort('tcp');
    const impostor = await startSocat(
      `OPENSSL-LISTEN:${tlsPort},bind=127.0.0.1,reuseaddr,fork,cert=${testbed.pem.path('impostor.pem')},key=${testbed.pem.path('impostor.key')},verify=0`,
      `TCP:127.0.0.1:${sink}`,
      30,
    );
    const unregister = await testbed.register({
      sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
      routeType: 'ROUTE_TYPE_LOOP',
      phoneNumber: { e164: ALICE },
    });
    try {
      await testbed.directCall('impostor');
      expect(
        sample(await testbed.metrics(), 'sipbreakout_tas_failures_total', {
          route_type: 'LOOP',
          cause: 'TLS_ERR_IDENTITY_MISMATCH',
        }),
      ).toBe(1);
    } finally {
      await impostor.stop();
      await unregister();
    }
  }, 40_000);

  for (const c of [
    {
      name: 'a leg 3 with a wrong Session-ID is refused 403',
      session: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2',
      leg3Session: 'cccccccccccccccccccccccccccccccc',
      maxForwards: '60',
      status: 'SIP/2.0 403',
    },
    {
      name: 'a leg 3 without a lower Max-Forwards is refused 483',
      session: 'dddddddddddddddddddddddddddddddd',
      leg3Session: 'dddddddddddddddddddddddddddddddd',
      maxForwards: '69',
      status: 'SIP/2.0 483',
    },
  ]) {
    it(`${c.name}; the TAS then rejects leg 2 and its 403 reaches Alice; no leg 4`, async () => {
      const tlsPort = await freePort('tcp');
      const unregister = await testbed.register({
        sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
        routeType: 'ROUTE_TYPE_LOOP',
        phoneNumber: { e164: ALICE },
      });
      const t = await testbed.tas({
        name: 'leg3-refused-tas',
        tlsPort,
        scenarioFile: scenario('tas-leg3-refused.xml'),
        keys: {
          callee: BOB,
          core: testbed.core.ready.sipTasTls,
          leg3_session: c.leg3Session,
          leg3_max_forwards: c.maxForwards,
        },
      });
      try {
        const before =
          sample(await testbed.metrics(), 'sipbreakout_call_legs_total', { leg: '4', outcome: 'started' }) ?? 0;
        const a = await alice({
          dir: testbed.dir,
          name: 'leg3-refused-alice',
          core: testbed.core.ready.sipMobileUdp,
          callee: BOB,
          scenarioFile: scenario('alice-uac-refused.xml'),
          keys: { session: c.session },
        });
        const [ar, tr] = await Promise.all([a.result, t.result]);
        expectPassed(ar, 'Alice');
        expectPassed(tr, 'TAS');
        const [leg2] = received(await t.messages(), 'INVITE');
        expect(headerOf(leg2 ?? '', 'Session-ID')?.slice(0, 32)).toBe(c.session);
        expect(receivedStatuses(await t.messages()).find((l) => !l.startsWith('SIP/2.0 100'))).toMatch(
          new RegExp(`^${c.status} `),
        );
        expect(receivedStatuses(await a.messages()).at(-1)).toMatch(/^SIP\/2\.0 403 /);
        expect(
          sample(await testbed.metrics(), 'sipbreakout_call_legs_total', { leg: '4', outcome: 'started' }) ?? 0,
        ).toBe(before);
      } finally {
        await t.socat.stop();
        await unregister();
      }
    }, 40_000);
  }

  /**
   * A TAS placing a call: SIPp over TCP to socat, which opens TLS to the
   * core's TAS face, with the TAS's client certificate unless told not to.
   * `keys`: the scenario's (default: a Session-ID).
   */
  async function tasCalls(
    name: string,
    scenarioFile: string,
    options: { readonly keys?: Record<string, string>; readonly clientCertificate?: boolean } = {},
  ): Promise<{ result: SippResult; log: string }> {
    const relay = await freePort('tcp');
    const certificate =
      options.clientCertificate === false
        ? ''
        : `,cert=${testbed.pem.path('tas.pem')},key=${testbed.pem.path('tas.key')}`;
    const tunnel = await startSocat(
      `TCP-LISTEN:${relay},bind=127.0.0.1,reuseaddr,fork`,
      `OPENSSL:${testbed.core.ready.sipTasTls},cafile=${testbed.pem.path('ca.pem')}${certificate},verify=1,commonname=localhost`,
      30,
    );
    try {
      const caller = await alice({
        dir: testbed.dir,
        name,
        core: `127.0.0.1:${relay}`,
        callee: BOB,
        transport: 't1',
        scenarioFile,
        keys: options.keys ?? { session: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee' },
      });
      return { result: await caller.result, log: await caller.messages() };
    } finally {
      await tunnel.stop();
    }
  }

  it('INGRESS: a TAS holding the registration places a call to Bob over mutual TLS; Bob answers', async () => {
    const unregister = await testbed.register({
      sipUri: `sips:${TAS_DOMAIN}`,
      routeType: 'ROUTE_TYPE_INGRESS',
      phoneNumber: { e164: BOB },
    });
    const b = await bob({ dir: testbed.dir, name: 'ingress-bob', port: testbed.bobPort });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const { result } = await tasCalls('ingress-tas', scenario('alice-uac.xml'));
      expectPassed(result, 'TAS placing the call');
      expectPassed(await b.result, 'Bob');
      const [leg4] = received(await b.messages(), 'INVITE');
      expect(leg4?.split('\n')[0]).toBe(`INVITE sip:${BOB}@127.0.0.1:${testbed.bobPort};transport=udp SIP/2.0`);
      expect(headerOf(leg4 ?? '', 'Max-Forwards')).toBe('69');
      // Topology hiding: the TAS's parties reach the mobile side at the core's domain (the default, sip.domain unset).
      expect(headerOf(leg4 ?? '', 'From')).toMatch(/^Alice <sip:\+4790000001@sipbreakout\.invalid>;tag=\S+$/);
      expect(headerOf(leg4 ?? '', 'P-Asserted-Identity')).toBe('<sip:+4790000001@sipbreakout.invalid>');
      expect(
        sample(await testbed.metrics(), 'sipbreakout_calls_total', { route_type: 'INGRESS', outcome: 'answered' }),
      ).toBe(1);
    } finally {
      await unregister();
    }
  }, 40_000);

  it('INGRESS refused: a TAS without the registration gets 403', async () => {
    const { result, log } = await tasCalls('ingress-refused-tas', scenario('alice-uac-refused.xml'));
    expectPassed(result, 'TAS placing the call');
    expect(receivedStatuses(log).at(-1)).toMatch(/^SIP\/2\.0 403 /);
  }, 40_000);
  it("a leg 3 on a connection of the TAS's own, its client certificate identifying it: matched by Session-ID, on to Bob with the callee without the prefix", async () => {
    const tlsPort = await freePort('tcp');
    const session = 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0';
    const unregister = await testbed.register({
      sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
      routeType: 'ROUTE_TYPE_LOOP',
      phoneNumber: { e164: ALICE },
      mobileOriginatingPrefix: '00',
    });
    const legs3Before =
      sample(await testbed.metrics(), 'sipbreakout_call_legs_total', { leg: '3', outcome: 'received' }) ?? 0;
    const b = await bob({ dir: testbed.dir, name: 'leg3-own-bob', port: testbed.bobPort });
    // The TAS rings on leg 2 and answers it 2 s later; meanwhile leg 3 comes on a connection of its own.
    const t = await testbed.tas({ name: 'leg3-own-tas', tlsPort, scenarioFile: scenario('tas-answers-later.xml') });
    try {
      const a = await alice({
        dir: testbed.dir,
        name: 'leg3-own-alice',
        core: testbed.core.ready.sipMobileUdp,
        callee: BOB,
        scenarioFile: scenario('uac-session.xml'),
        keys: { session, max_forwards: '70' },
      });
      await new Promise((r) => setTimeout(r, 500));
      const leg3 = await tasCalls('leg3-own-connection', scenario('uac-session.xml'), {
        keys: { session, max_forwards: '60' },
      });
      expectPassed(leg3.result, 'TAS sending leg 3');
      const [ar, tr, br] = await Promise.all([a.result, t.result, b.result]);
      expectPassed(ar, 'Alice');
      expectPassed(tr, 'TAS');
      expectPassed(br, 'Bob');
      const [leg2] = received(await t.messages(), 'INVITE');
      expect(leg2?.split('\n')[0]).toBe(`INVITE sips:+00${BOB.slice(1)}@${TAS_DOMAIN}:${tlsPort} SIP/2.0`);
      expect(headerOf(leg2 ?? '', 'Max-Forwards')).toBe('69');
      const [leg4] = received(await b.messages(), 'INVITE');
      expect(leg4?.split('\n')[0]).toBe(`INVITE sip:${BOB}@127.0.0.1:${testbed.bobPort};transport=udp SIP/2.0`);
      expect(headerOf(leg4 ?? '', 'Session-ID')?.slice(0, 32)).toBe(session);
      expect(headerOf(leg4 ?? '', 'Max-Forwards')).toBe('59');
      expect(sample(await testbed.metrics(), 'sipbreakout_call_legs_total', { leg: '3', outcome: 'received' })).toBe(
        legs3Before + 1,
      );
    } finally {
      await t.socat.stop();
      await unregister();
    }
  }, 40_000);

  it('a leg 3 (or any INVITE) on a TLS connection without a client certificate: 403 TAS Not Identified', async () => {
    const { result, log } = await tasCalls('leg3-anonymous', scenario('alice-uac-refused.xml'), {
      clientCertificate: false,
    });
    expectPassed(result, 'TAS without a client certificate');
    expect(receivedStatuses(log).at(-1)).toBe('SIP/2.0 403 TAS Not Identified');
  }, 40_000);
});
