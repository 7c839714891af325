/**
 * A registration's lifetime end to end: a core started with a short TTL
 * (`SIPBREAKOUT_TTL_SECONDS`), a LOOP registration made through gRPC and
 * never deleted; the call made while it lives goes to the TAS, the call
 * made after its TTL goes straight to Bob. SIPp plays Alice, Bob and the
 * TAS (behind socat for TLS). sipp and socat must be installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, expectPassed, startCallTestbed, TAS_DOMAIN, type CallTestbed } from '../support/call-testbed.js';
import { sample } from '@sipbreakout/test-peers';
import { alice, headerOf, received, scenario } from '../support/sip-peers.js';
import { freePort } from '@sipbreakout/test-peers';

/** Short, so the test waits little; long enough that the first call is routed well before it ends. */
const TTL_SECONDS = 3;

let testbed: CallTestbed;

beforeAll(async () => {
  testbed = await startCallTestbed({
    name: 'expiry',
    env: {
      SIPBREAKOUT_TTL_SECONDS: String(TTL_SECONDS),
      // With `fail`, a LOOP registration still alive whose TAS is gone would answer Alice 503:
      // the second call reaching Bob then proves the registration expired, not that the TAS was bypassed.
      SIPBREAKOUT_TAS_FAILURE_LOOP: 'fail',
    },
  });
}, 60_000);

afterAll(async () => {
  await testbed?.stop();
});

describe('a registration on a short TTL (SIPp as Alice, Bob and the TAS)', () => {
  it('routes the call made while it lives to the TAS, and the call made after its TTL directly to Bob', async () => {
    const { core, bobPort, metrics } = testbed;
    const tlsPort = await freePort('tcp');
    await testbed.register({
      sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
      routeType: 'ROUTE_TYPE_LOOP',
      phoneNumber: { e164: ALICE },
    });
    // The core set expiresAt = its now + TTL during the call above: it ends by this instant.
    const expiresBy = Date.now() + TTL_SECONDS * 1000;
    expect(sample(await metrics(), 'sipbreakout_registrations', { route_type: 'LOOP' })).toBe(1);

    const t = await testbed.tas({ name: 'expiry-tas', tlsPort, scenarioFile: scenario('answering-uas.xml') });
    try {
      const a = await alice({
        dir: testbed.dir,
        name: 'expiry-alice-live',
        core: core.ready.sipMobileUdp,
        callee: BOB,
      });
      const [ar, tr] = await Promise.all([a.result, t.result]);
      expectPassed(ar, 'Alice');
      expectPassed(tr, `TAS\n${t.socat.output().slice(-800)}`);
      const [leg2] = received(await t.messages(), 'INVITE');
      expect(leg2?.split('\n')[0]).toBe(`INVITE sips:${BOB}@${TAS_DOMAIN}:${tlsPort} SIP/2.0`);
    } finally {
      // From here on nothing listens at the registration's URI.
      await t.socat.stop();
    }

    await new Promise((r) => setTimeout(r, Math.max(0, expiresBy - Date.now()) + 200));
    const { bobInvite } = await testbed.directCall('expiry-expired');
    expect(bobInvite.split('\n')[0]).toBe(`INVITE sip:${BOB}@127.0.0.1:${bobPort};transport=udp SIP/2.0`);
    expect(headerOf(bobInvite, 'Max-Forwards')).toBe('69');
    const m = await metrics();
    // No leg 2 was tried: the registration was no longer there, rather than its TAS failing.
    expect(sample(m, 'sipbreakout_tas_failures_total', { route_type: 'LOOP' }) ?? 0).toBe(0);
    expect(sample(m, 'sipbreakout_calls_total', { route_type: 'LOOP', outcome: 'answered' })).toBe(1);
    expect(sample(m, 'sipbreakout_calls_total', { route_type: 'NONE', outcome: 'answered' })).toBe(1);
    // The journal store counts the expiry.
    expect(sample(m, 'sipbreakout_registrations', { route_type: 'LOOP' }) ?? 0).toBe(0);
  }, 40_000);
});
