/**
 * A TAS found only through DNS SRV (RFC 3263 §4.2): the registration's URI
 * has no port (`sips:<domain>`), the core is pointed at a DNS server on
 * loopback (`SIPBREAKOUT_DNS_SERVERS`) which alone knows
 * `_sips._tcp.<domain>` and the address of its target, and the TAS (SIPp
 * behind socat for TLS, with a certificate for the domain) answers leg 2.
 * sipp and socat must be installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE,
  BOB,
  expectPassed,
  SESSION_ID,
  startCallTestbed,
  type CallTestbed,
  type TestPki,
} from '../support/call-testbed.js';
import { sample } from '@sipbreakout/test-peers';
import { TestDnsServer } from '@sipbreakout/test-peers';
import { alice, headerOf, received, scenario, tas } from '../support/sip-peers.js';
import { freePort } from '@sipbreakout/test-peers';
import { writePemFiles } from '@sipbreakout/test-peers';

/** A domain no resolver but the test's knows (RFC 2606 reserves `.test`). */
const SRV_DOMAIN = 'tas.srv.test';
/** The SRV target: a host name in the same zone, not an address. */
const SRV_TARGET = `sip1.${SRV_DOMAIN}`;

let dnsServer: TestDnsServer;
let testbed: CallTestbed;
let tasPem: TestPki;

beforeAll(async () => {
  dnsServer = new TestDnsServer();
  await dnsServer.start();
  testbed = await startCallTestbed({ name: 'srv', env: { SIPBREAKOUT_DNS_SERVERS: dnsServer.address } });
  const cert = await testbed.ca.issue({ commonName: SRV_DOMAIN, dnsNames: [SRV_DOMAIN], uris: [`sip:${SRV_DOMAIN}`] });
  tasPem = await writePemFiles({ 'tas.pem': cert.cert, 'tas.key': cert.key });
}, 60_000);

afterAll(async () => {
  await testbed?.stop();
  await dnsServer?.stop();
  await tasPem?.remove();
});

describe('a TAS found only through SRV (SIPp as Alice and the TAS, a DNS server on loopback)', () => {
  it("locates sips:<domain> by _sips._tcp SRV and the target's A record, opens TLS checked for the domain, and the TAS answers leg 2", async () => {
    const { core, metrics } = testbed;
    const tlsPort = await freePort('tcp');
    dnsServer.records = [
      { type: 'SRV', name: `_sips._tcp.${SRV_DOMAIN}`, priority: 10, weight: 0, port: tlsPort, target: SRV_TARGET },
      { type: 'A', name: SRV_TARGET, address: '127.0.0.1' },
    ];
    const unregister = await testbed.register({
      sipUri: `sips:${SRV_DOMAIN}`,
      routeType: 'ROUTE_TYPE_LOOP',
      phoneNumber: { e164: ALICE },
    });
    const t = await tas({
      dir: testbed.dir,
      name: 'srv-tas',
      tlsPort,
      domain: SRV_DOMAIN,
      certFile: tasPem.path('tas.pem'),
      keyFile: tasPem.path('tas.key'),
      scenarioFile: scenario('answering-uas.xml'),
    });
    try {
      const a = await alice({ dir: testbed.dir, name: 'srv-alice', core: core.ready.sipMobileUdp, callee: BOB });
      const [ar, tr] = await Promise.all([a.result, t.result]);
      expectPassed(ar, 'Alice');
      expectPassed(tr, `TAS\n${t.socat.output().slice(-800)}`);
      const tasLog = await t.messages();
      const [leg2] = received(tasLog, 'INVITE');
      // The Request-URI keeps the registration's domain, without the port SRV gave.
      expect(leg2?.split('\n')[0]).toBe(`INVITE sips:${BOB}@${SRV_DOMAIN} SIP/2.0`);
      expect(headerOf(leg2 ?? '', 'Session-ID')).toMatch(SESSION_ID);
      expect(headerOf(leg2 ?? '', 'Via')).toMatch(/^SIP\/2\.0\/TLS /);
      expect(received(tasLog, 'BYE')).toHaveLength(1);
      // RFC 3263 §4.2: the port came from SRV, the address from the target's A record, both from our server.
      expect(dnsServer.count('SRV', `_sips._tcp.${SRV_DOMAIN}`)).toBeGreaterThanOrEqual(1);
      expect(dnsServer.count('A', SRV_TARGET)).toBeGreaterThanOrEqual(1);
      const m = await metrics();
      expect(sample(m, 'sipbreakout_calls_total', { route_type: 'LOOP', outcome: 'answered' })).toBe(1);
      expect(sample(m, 'sipbreakout_call_legs_total', { leg: '2', outcome: 'answered' })).toBe(1);
      expect(sample(m, 'sipbreakout_tas_failures_total', { route_type: 'LOOP' }) ?? 0).toBe(0);
    } finally {
      await t.socat.stop();
      await unregister();
    }
  }, 40_000);
});
