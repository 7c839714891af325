/**
 * Calls through the core by route type, as users run it (`node
 * dist/main.js`, config by environment), with SIPp as Alice (mobile side),
 * Bob (the mobile next hop) and a TAS (behind socat for TLS): no
 * registration, a registration made and deleted through gRPC, LOOP (leg 3
 * back, TAS answering, TAS rejecting), LOOP_MO / LOOP_MT, both parties
 * registered, FORK and FALLBACK. Each test asserts on what the peers saw.
 * TAS identity and failures: `tas-trust.test.ts`. sipp and socat must be
 * installed: without them these tests fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE,
  BOB,
  expectPassed,
  SESSION_ID,
  startCallTestbed,
  TAS_DOMAIN,
  type CallTestbed,
} from '../support/call-testbed.js';
import { sample } from '@sipbreakout/test-peers';
import { alice, bob, headerOf, received, receivedStatuses, scenario } from '../support/sip-peers.js';
import { freePort } from '@sipbreakout/test-peers';

let testbed: CallTestbed;

beforeAll(async () => {
  // FALLBACK's no-answer timer short, so that test waits 1 s.
  testbed = await startCallTestbed({ name: 'calls', env: { SIPBREAKOUT_FALLBACK_TIMEOUT_SECONDS: '1' } });
}, 60_000);

afterAll(async () => {
  await testbed?.stop();
});

describe('call routing by route type (SIPp as Alice, Bob and the TAS)', () => {
  it('no registration: direct to the next hop, the callee in the Request-URI, Session-ID added, Max-Forwards 70 → 69, BYE relayed', async () => {
    const { bobInvite, bobLog } = await testbed.directCall('direct');
    expect(bobInvite.split('\n')[0]).toBe(`INVITE sip:${BOB}@127.0.0.1:${testbed.bobPort};transport=udp SIP/2.0`);
    expect(headerOf(bobInvite, 'Session-ID')).toMatch(SESSION_ID);
    expect(headerOf(bobInvite, 'Max-Forwards')).toBe('69');
    expect(headerOf(bobInvite, 'P-Asserted-Identity')).toBe(`<sip:${ALICE}@mobile.invalid>`);
    // A B2BUA leg: its own Call-ID, one Via (ours).
    expect(bobInvite.match(/^Via:/gim)).toHaveLength(1);
    expect(received(bobLog, 'BYE')).toHaveLength(1);
    const m = await testbed.metrics();
    expect(sample(m, 'sipbreakout_calls_total', { route_type: 'NONE', outcome: 'answered' })).toBeGreaterThanOrEqual(1);
    expect(sample(m, 'sipbreakout_call_legs_total', { leg: '4', outcome: 'answered' })).toBeGreaterThanOrEqual(1);
  }, 40_000);

  it('registration created through gRPC, then replaced by an upsert: the call goes to the new TAS over TLS with the new MO prefix; deleted: direct again', async () => {
    const tlsPort = await freePort('tcp');
    const registration = {
      sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
      routeType: 'ROUTE_TYPE_LOOP' as const,
      phoneNumber: { e164: ALICE },
      mobileOriginatingPrefix: '00',
    };
    // First a registration to a TAS nobody listens for, with another prefix; the upsert below replaces it.
    const stale = {
      ...registration,
      sipUri: `sips:${TAS_DOMAIN}:${await freePort('tcp')}`,
      mobileOriginatingPrefix: '11',
    };
    expect(await testbed.client.upsertRegistration({ registration: stale })).toMatchObject({
      statusCode: 'STATUS_CODE_OK',
    });
    expect(await testbed.client.upsertRegistration({ registration })).toMatchObject({
      statusCode: 'STATUS_CODE_OK',
      timeToLive: { seconds: 3600 },
    });

    // The TAS answers leg 2 itself.
    const t = await testbed.tas({ name: 'registered-tas', tlsPort, scenarioFile: scenario('answering-uas.xml') });
    try {
      const a = await alice({
        dir: testbed.dir,
        name: 'registered-alice',
        core: testbed.core.ready.sipMobileUdp,
        callee: BOB,
      });
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
      expect(headerOf(leg2 ?? '', 'Contact')).toContain(`sips:${testbed.core.ready.sipTasTls}`);
      expect(received(tasLog, 'BYE')).toHaveLength(1);
      const m = await testbed.metrics();
      expect(sample(m, 'sipbreakout_calls_total', { route_type: 'LOOP', outcome: 'answered' })).toBe(1);
      expect(sample(m, 'sipbreakout_call_legs_total', { leg: '2', outcome: 'answered' })).toBe(1);
    } finally {
      await t.socat.stop();
    }

    expect(await testbed.client.deleteRegistration({ registration })).toMatchObject({ statusCode: 'STATUS_CODE_OK' });
    const { bobInvite } = await testbed.directCall('deleted');
    expect(bobInvite.split('\n')[0]).toBe(`INVITE sip:${BOB}@127.0.0.1:${testbed.bobPort};transport=udp SIP/2.0`);
  }, 60_000);

  it('LOOP on an MO call: leg 2 to the TAS, leg 3 back with the same Session-ID and a lower Max-Forwards, leg 4 to Bob answered; BYE on both pairs', async () => {
    const tlsPort = await freePort('tcp');
    const registration = {
      sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
      routeType: 'ROUTE_TYPE_LOOP' as const,
      phoneNumber: { e164: ALICE },
    };
    expect(await testbed.client.upsertRegistration({ registration })).toMatchObject({ statusCode: 'STATUS_CODE_OK' });
    const b = await bob({ dir: testbed.dir, name: 'loop-bob', port: testbed.bobPort });
    const t = await testbed.tas({
      name: 'loop-tas',
      tlsPort,
      scenarioFile: scenario('tas-loop.xml'),
      keys: { callee: BOB, core: testbed.core.ready.sipTasTls },
    });
    try {
      const a = await alice({
        dir: testbed.dir,
        name: 'loop-alice',
        core: testbed.core.ready.sipMobileUdp,
        callee: BOB,
      });
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
      expect(leg4?.split('\n')[0]).toBe(`INVITE sip:${BOB}@127.0.0.1:${testbed.bobPort};transport=udp SIP/2.0`);
      expect(headerOf(leg4 ?? '', 'Session-ID')).toContain(sessionId);
      expect(headerOf(leg4 ?? '', 'Max-Forwards')).toBe('59');
      // Alice's BYE went to the TAS (leg 2); the TAS's BYE on leg 3 went to Bob (leg 4).
      expect(received(tasLog, 'BYE')).toHaveLength(1);
      expect(received(bobLog, 'BYE')).toHaveLength(1);
      const m = await testbed.metrics();
      expect(sample(m, 'sipbreakout_calls_total', { route_type: 'LEG3', outcome: 'answered' })).toBe(1);
      expect(sample(m, 'sipbreakout_call_legs_total', { leg: '3', outcome: 'received' })).toBe(1);
    } finally {
      await t.socat.stop();
      await testbed.client.deleteRegistration({ registration });
    }
  }, 60_000);

  it('LOOP where the TAS rejects leg 2: its 486 reaches Alice, no leg 4', async () => {
    const tlsPort = await freePort('tcp');
    const unregister = await testbed.register({
      sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
      routeType: 'ROUTE_TYPE_LOOP',
      phoneNumber: { e164: ALICE },
    });
    const t = await testbed.tas({ name: 'reject-tas', tlsPort, scenarioFile: scenario('busy-uas.xml') });
    try {
      const a = await alice({
        dir: testbed.dir,
        name: 'reject-alice',
        core: testbed.core.ready.sipMobileUdp,
        callee: BOB,
        scenarioFile: scenario('alice-uac-refused.xml'),
        keys: { session: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1' },
      });
      const [ar, tr] = await Promise.all([a.result, t.result]);
      expectPassed(ar, 'Alice');
      expectPassed(tr, 'TAS');
      expect(receivedStatuses(await a.messages()).at(-1)).toBe('SIP/2.0 486 Busy Here');
      expect(received(await t.messages(), 'INVITE')).toHaveLength(1);
      expect(
        sample(await testbed.metrics(), 'sipbreakout_calls_total', { route_type: 'LOOP', outcome: 'failed' }),
      ).toBe(1);
    } finally {
      await t.socat.stop();
      await unregister();
    }
  }, 40_000);

  it('FALLBACK on busy: Bob answers 486, the call goes to the TAS with the MT prefix and the TAS answers', async () => {
    const tlsPort = await freePort('tcp');
    const unregister = await testbed.register({
      sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
      routeType: 'ROUTE_TYPE_FALLBACK',
      phoneNumber: { e164: BOB },
      mobileTerminatingPrefix: '22',
    });
    const b = await bob({
      dir: testbed.dir,
      name: 'fallback-bob',
      port: testbed.bobPort,
      scenarioFile: scenario('busy-uas.xml'),
    });
    const t = await testbed.tas({ name: 'fallback-tas', tlsPort, scenarioFile: scenario('answering-uas.xml') });
    try {
      const a = await alice({
        dir: testbed.dir,
        name: 'fallback-alice',
        core: testbed.core.ready.sipMobileUdp,
        callee: BOB,
      });
      const [ar, br, tr] = await Promise.all([a.result, b.result, t.result]);
      expectPassed(ar, 'Alice');
      expectPassed(br, 'Bob');
      expectPassed(tr, 'TAS');
      const [leg2] = received(await t.messages(), 'INVITE');
      expect(leg2?.split('\n')[0]).toBe(`INVITE sips:+22${BOB.slice(1)}@${TAS_DOMAIN}:${tlsPort} SIP/2.0`);
      const [leg4] = received(await b.messages(), 'INVITE');
      expect(headerOf(leg2 ?? '', 'Session-ID')?.slice(0, 32)).toBe(headerOf(leg4 ?? '', 'Session-ID')?.slice(0, 32));
      expect(
        sample(await testbed.metrics(), 'sipbreakout_calls_total', { route_type: 'FALLBACK', outcome: 'answered' }),
      ).toBe(1);
    } finally {
      await t.socat.stop();
      await unregister();
    }
  }, 40_000);

  it('FORK where the TAS answers first: Bob, ringing, gets CANCEL; the TAS gets the BYE', async () => {
    const tlsPort = await freePort('tcp');
    const unregister = await testbed.register({
      sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
      routeType: 'ROUTE_TYPE_FORK',
      phoneNumber: { e164: ALICE },
    });
    const b = await bob({
      dir: testbed.dir,
      name: 'fork-bob',
      port: testbed.bobPort,
      scenarioFile: scenario('ringing-uas-cancelled.xml'),
    });
    const t = await testbed.tas({ name: 'fork-tas', tlsPort, scenarioFile: scenario('answering-uas.xml') });
    try {
      const a = await alice({
        dir: testbed.dir,
        name: 'fork-alice',
        core: testbed.core.ready.sipMobileUdp,
        callee: BOB,
      });
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
      expect(
        sample(await testbed.metrics(), 'sipbreakout_calls_total', { route_type: 'FORK', outcome: 'answered' }),
      ).toBe(1);
    } finally {
      await t.socat.stop();
      await unregister();
    }
  }, 40_000);

  for (const c of [
    {
      name: 'LOOP_MO leaves MT calls alone: Bob holding LOOP_MO is called directly',
      routeType: 'ROUTE_TYPE_LOOP_MO' as const,
      number: BOB,
    },
    {
      name: 'LOOP_MT leaves MO calls alone: Alice holding LOOP_MT calls Bob directly',
      routeType: 'ROUTE_TYPE_LOOP_MT' as const,
      number: ALICE,
    },
  ]) {
    it(c.name, async () => {
      // The TAS of the registration is never reached: nothing listens there.
      const unregister = await testbed.register({
        sipUri: `sips:${TAS_DOMAIN}:${await freePort('tcp')}`,
        routeType: c.routeType,
        phoneNumber: { e164: c.number },
      });
      try {
        const before =
          sample(await testbed.metrics(), 'sipbreakout_tas_failures_total', {
            route_type: c.routeType.replace('ROUTE_TYPE_', ''),
            cause: 'TRANSPORT_ERR_CONNECT',
          }) ?? 0;
        const { bobInvite } = await testbed.directCall(c.routeType);
        expect(bobInvite.split('\n')[0]).toBe(`INVITE sip:${BOB}@127.0.0.1:${testbed.bobPort};transport=udp SIP/2.0`);
        expect(
          sample(await testbed.metrics(), 'sipbreakout_tas_failures_total', {
            route_type: c.routeType.replace('ROUTE_TYPE_', ''),
            cause: 'TRANSPORT_ERR_CONNECT',
          }) ?? 0,
        ).toBe(before);
      } finally {
        await unregister();
      }
    }, 40_000);
  }

  it("both parties registered (LOOP each): the originating phase first, leg 2 to the caller's TAS with the caller's MO prefix", async () => {
    const tlsPort = await freePort('tcp');
    const unregisterAlice = await testbed.register({
      sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
      routeType: 'ROUTE_TYPE_LOOP',
      phoneNumber: { e164: ALICE },
      mobileOriginatingPrefix: '11',
    });
    const unregisterBob = await testbed.register({
      sipUri: `sips:${TAS_DOMAIN}:${await freePort('tcp')}`,
      routeType: 'ROUTE_TYPE_LOOP',
      phoneNumber: { e164: BOB },
      mobileTerminatingPrefix: '22',
    });
    const t = await testbed.tas({ name: 'both-tas', tlsPort, scenarioFile: scenario('answering-uas.xml') });
    try {
      const a = await alice({
        dir: testbed.dir,
        name: 'both-alice',
        core: testbed.core.ready.sipMobileUdp,
        callee: BOB,
      });
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
    const unregister = await testbed.register({
      sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
      routeType: 'ROUTE_TYPE_FALLBACK',
      phoneNumber: { e164: BOB },
    });
    const b = await bob({
      dir: testbed.dir,
      name: 'noanswer-bob',
      port: testbed.bobPort,
      scenarioFile: scenario('ringing-uas-cancelled.xml'),
    });
    const t = await testbed.tas({ name: 'noanswer-tas', tlsPort, scenarioFile: scenario('answering-uas.xml') });
    try {
      const a = await alice({
        dir: testbed.dir,
        name: 'noanswer-alice',
        core: testbed.core.ready.sipMobileUdp,
        callee: BOB,
      });
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
    const unregister = await testbed.register({
      sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
      routeType: 'ROUTE_TYPE_FORK',
      phoneNumber: { e164: BOB },
    });
    const b = await bob({ dir: testbed.dir, name: 'fork-bob-first', port: testbed.bobPort });
    const t = await testbed.tas({
      name: 'fork-tas-ringing',
      tlsPort,
      scenarioFile: scenario('ringing-uas-cancelled.xml'),
    });
    try {
      const a = await alice({
        dir: testbed.dir,
        name: 'fork-bob-first-alice',
        core: testbed.core.ready.sipMobileUdp,
        callee: BOB,
      });
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
