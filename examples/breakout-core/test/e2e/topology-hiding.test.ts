/**
 * Topology hiding between the mobile side and a TAS, end to end through the
 * core as users run it (`node dist/main.js`, `SIPBREAKOUT_SIP_DOMAIN` set),
 * on a LOOP call: Alice and Bob (the mobile side) run on 127.0.0.2 and
 * write their own address into every header field that names a party; the
 * SIPp TAS runs on 127.0.0.3 (socat in front for TLS) and writes its own
 * host into leg 3 and its answers. Each SIPp fails its run when a header
 * field of anything it receives names the other side's address (an <ereg>
 * with check_it_inverse over the message up to the blank line); the test
 * then reads the logs for what was rewritten to the core's domain and what
 * was left behind. sipp and socat must be installed: without them these
 * tests fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@sipbreakout/test-peers';
import { ALICE, BOB, expectPassed, startCallTestbed, TAS_DOMAIN, type CallTestbed } from '../support/call-testbed.js';
import { alice, bob, headerOf, loggedMessages, received, scenario } from '../support/sip-peers.js';

/** The core's configured SIP domain. */
const DOMAIN = 'breakout.example.net';
/** The mobile side's parties (Alice, Bob) and the TAS's own host, each on its loopback address. */
const MOBILE_IP = '127.0.0.2';
const TAS_IP = '127.0.0.3';

let testbed: CallTestbed;
let bobPort: number;

beforeAll(async () => {
  bobPort = await freePort('udp');
  testbed = await startCallTestbed({
    name: 'hiding',
    env: {
      SIPBREAKOUT_SIP_DOMAIN: DOMAIN,
      SIPBREAKOUT_SIP_MOBILE_NEXT_HOP: `sip:${MOBILE_IP}:${bobPort};transport=udp`,
    },
  });
}, 60_000);

afterAll(async () => {
  await testbed?.stop();
});

/** The header part of a logged message (before the blank line). */
function headersOf(message: string): string {
  const at = message.indexOf('\n\n');
  return at < 0 ? message : message.slice(0, at);
}

/** The body of a logged message (after the blank line). */
function bodyOf(message: string): string {
  const at = message.indexOf('\n\n');
  return at < 0 ? '' : message.slice(at + 2);
}

describe('topology hiding between the mobile side and a TAS (SIPp as Alice, Bob and the TAS)', () => {
  it("LOOP: the TAS gets the numbers at the core's domain and no mobile-side address; Alice and Bob never get the TAS's host", async () => {
    const tlsPort = await freePort('tcp');
    const unregister = await testbed.register({
      sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
      routeType: 'ROUTE_TYPE_LOOP',
      phoneNumber: { e164: ALICE },
    });
    const b = await bob({
      dir: testbed.dir,
      name: 'hiding-bob',
      ip: MOBILE_IP,
      port: bobPort,
      scenarioFile: scenario('bob-uas-hiding.xml'),
    });
    const t = await testbed.tas({
      name: 'hiding-tas',
      tlsPort,
      ip: TAS_IP,
      scenarioFile: scenario('tas-loop-hiding.xml'),
      keys: { callee: BOB, core: testbed.core.ready.sipTasTls },
    });
    try {
      const a = await alice({
        dir: testbed.dir,
        name: 'hiding-alice',
        ip: MOBILE_IP,
        core: testbed.core.ready.sipMobileUdp,
        callee: BOB,
        scenarioFile: scenario('alice-uac-hiding.xml'),
      });
      // Each run fails by itself when it receives the other side's address in a header field.
      const [ar, tr, br] = await Promise.all([a.result, t.result, b.result]);
      expectPassed(ar, 'Alice');
      expectPassed(tr, `TAS\n${t.socat.output().slice(-800)}`);
      expectPassed(br, 'Bob');
      const aliceLog = await a.messages();
      const tasLog = await t.messages();
      const bobLog = await b.messages();

      // Leg 2: every party named at the core's domain, numbers, display names, parameters and tags kept.
      const [leg2] = received(tasLog, 'INVITE');
      const h = (name: string): string | undefined => headerOf(leg2 ?? '', name);
      expect(h('From')).toMatch(new RegExp(`^Alice <sip:\\${ALICE}@${DOMAIN}>;tag=\\S+$`));
      expect(h('To')).toBe(`<sip:${BOB}@${DOMAIN}>`);
      expect(h('P-Asserted-Identity')).toBe(`Alice <sip:${ALICE}@${DOMAIN};user=phone>, <tel:${ALICE}>`);
      expect(h('P-Preferred-Identity')).toBe(`<sip:${ALICE}@${DOMAIN}>`);
      expect(h('Remote-Party-ID')).toBe(`Alice <sip:${ALICE}@${DOMAIN}>;party=calling;screen=yes`);
      expect(h('Diversion')).toBe(`<sip:+4790000009@${DOMAIN}>;reason=unconditional;counter=1`);
      expect(h('History-Info')).toBe(`<sip:+4790000009@${DOMAIN}>;index=1, <sip:${BOB}@${DOMAIN};cause=302>;index=1.1`);
      expect(h('Referred-By')).toBe(`<sip:+4790000008@${DOMAIN}>`);
      // The operator's network stays behind.
      expect(h('P-Charging-Vector')).toBeUndefined();
      expect(h('P-Access-Network-Info')).toBeUndefined();
      // With the media relay off the SDP is the caller's as sent (the media relay's business, see the README).
      expect(bodyOf(leg2 ?? '')).toContain(`c=IN IP4 ${MOBILE_IP}`);

      // Nothing a peer received names the other side in a header field (the SIPp runs checked it; so does the test).
      for (const m of loggedMessages(tasLog).filter((x) => x.received))
        expect(headersOf(m.text), m.text.split('\n')[0]).not.toContain(MOBILE_IP);
      for (const log of [aliceLog, bobLog])
        for (const m of loggedMessages(log).filter((x) => x.received))
          expect(headersOf(m.text), m.text.split('\n')[0]).not.toContain(TAS_IP);

      // Leg 4 (after leg 3): the TAS's From, PAI and Diversion at the core's domain.
      const [leg4] = received(bobLog, 'INVITE');
      expect(headerOf(leg4 ?? '', 'From')).toMatch(new RegExp(`^Alice <sip:\\${ALICE}@${DOMAIN}>;tag=\\S+$`));
      expect(headerOf(leg4 ?? '', 'P-Asserted-Identity')).toBe(`<sip:${ALICE}@${DOMAIN};user=phone>`);
      expect(headerOf(leg4 ?? '', 'Diversion')).toBe(`<sip:+4790000007@${DOMAIN}>;reason=unconditional`);

      // The TAS's answer to Alice and Bob's answer to the TAS: the connected party at the core's domain.
      const aliceOk = loggedMessages(aliceLog).find(
        (m) => m.received && m.text.startsWith('SIP/2.0 200') && headerOf(m.text, 'CSeq') === '1 INVITE',
      );
      expect(headerOf(aliceOk?.text ?? '', 'P-Asserted-Identity')).toBe(`TAS <sip:${BOB}@${DOMAIN}>`);
      const leg3Ok = loggedMessages(tasLog).find(
        (m) => m.received && m.text.startsWith('SIP/2.0 200') && headerOf(m.text, 'CSeq') === '1 INVITE',
      );
      expect(headerOf(leg3Ok?.text ?? '', 'P-Asserted-Identity')).toBe(`Bob <sip:${BOB}@${DOMAIN}>`);
    } finally {
      await t.socat.stop();
      await unregister();
    }
  }, 60_000);
});
