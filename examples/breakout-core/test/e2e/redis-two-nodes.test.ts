/**
 * Two breakout cores sharing one Redis, as a deployment of several nodes
 * runs them: nodes A and B each `node dist/main.js` with their own ports
 * and data folders, `SIPBREAKOUT_STORE=redis` on the same redis-server
 * (started here on a free loopback port, stopped after), and one token
 * issuer (B trusts A's JWKS). A registration made through one node's gRPC
 * API changes the very next call through the other, and its removal too;
 * both nodes' `sipbreakout_registrations` agree at once. SIPp plays Alice,
 * Bob and the TAS (behind socat for TLS). redis-server, sipp and socat
 * must be installed: without them these tests fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Registration } from '@sipbreakout/grpc-api';
import { freePort, startRedisServer, type RedisServer } from '@sipbreakout/test-peers';
import {
  ALICE,
  BOB,
  expectPassed,
  SESSION_ID,
  startCallTestbed,
  TAS_DOMAIN,
  type CallTestbed,
  type CoreNode,
} from '../support/call-testbed.js';
import { sample } from '@sipbreakout/test-peers';
import { alice, headerOf, received, scenario } from '../support/sip-peers.js';

let redis: RedisServer;
let testbed: CallTestbed;
/** Node B; node A is the testbed's own core. */
let nodeB: CoreNode;

beforeAll(async () => {
  // Throws when redis-server is missing: every test below then fails.
  redis = await startRedisServer();
  const env = {
    SIPBREAKOUT_STORE: 'redis',
    SIPBREAKOUT_REDIS_URL: redis.url,
    // With `fail`, a node still seeing a deleted LOOP registration would answer Alice 503 (its TAS is gone by then)
    // instead of bypassing it to Bob: a call reaching Bob proves the node saw the delete.
    SIPBREAKOUT_TAS_FAILURE_LOOP: 'fail',
  };
  testbed = await startCallTestbed({ name: 'redis-nodes', env });
  nodeB = await testbed.startNode({ name: 'b' });
}, 60_000);

afterAll(async () => {
  await testbed?.stop();
  await redis?.stop();
});

/** The LOOP registrations each node's `/metrics` reports. */
async function loopGauges(): Promise<{ a: number | undefined; b: number | undefined }> {
  const [a, b] = await Promise.all([testbed.metrics(), nodeB.metrics()]);
  return {
    a: sample(a, 'sipbreakout_registrations', { route_type: 'LOOP' }),
    b: sample(b, 'sipbreakout_registrations', { route_type: 'LOOP' }),
  };
}

describe('two core nodes sharing one redis-server (SIPp as Alice, Bob and the TAS)', () => {
  it('runs two nodes on their own ports and data folders, both on the Redis started here', () => {
    const a = testbed.core.ready;
    const b = nodeB.core.ready;
    expect(new Set([a.sipMobileUdp, b.sipMobileUdp]).size).toBe(2);
    expect(new Set([a.sipTasTls, b.sipTasTls]).size).toBe(2);
    expect(new Set([a.grpc, b.grpc]).size).toBe(2);
    expect(a.dataDir).not.toBe(b.dataDir);
    for (const node of [testbed.core, nodeB.core]) {
      expect(node.logs.find((l) => l['msg'] === 'registration store open')?.['store']).toBe(`redis ${redis.url}`);
    }
  });

  it('no registration: a call through node B goes directly to Bob; neither node counts a registration', async () => {
    const { bobInvite } = await testbed.directCall('b-direct', nodeB.core);
    expect(bobInvite.split('\n')[0]).toBe(`INVITE sip:${BOB}@127.0.0.1:${testbed.bobPort};transport=udp SIP/2.0`);
    expect(headerOf(bobInvite, 'Max-Forwards')).toBe('69');
    const b = await nodeB.metrics();
    expect(sample(b, 'sipbreakout_calls_total', { route_type: 'NONE', outcome: 'answered' })).toBe(1);
    // Node A saw nothing of it.
    expect(
      sample(await testbed.metrics(), 'sipbreakout_calls_total', { route_type: 'NONE', outcome: 'answered' }) ?? 0,
    ).toBe(0);
    // Both scrapes counted the shared store just now (a node may cache that count: the next tests check it moves at once).
    expect(await loopGauges()).toEqual({ a: 0, b: 0 });
  }, 40_000);

  it('LOOP registered through node A: the very next call through node B goes to the TAS; deleted through node B: the next call through node A goes to Bob', async () => {
    const tlsPort = await freePort('tcp');
    const registration: Registration = {
      sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
      routeType: 'ROUTE_TYPE_LOOP',
      phoneNumber: { e164: ALICE },
      mobileOriginatingPrefix: '00',
    };
    expect(await testbed.client.upsertRegistration({ registration })).toMatchObject({ statusCode: 'STATUS_CODE_OK' });

    // Node B sees it at once: both gauges, and B's API refuses a FORK next to it (one-acting-on-mo).
    expect(await loopGauges()).toEqual({ a: 1, b: 1 });
    const fork = await nodeB.client.upsertRegistration({
      registration: { ...registration, routeType: 'ROUTE_TYPE_FORK' },
    });
    expect(fork).toMatchObject({
      statusCode: 'STATUS_CODE_NOT_ACCEPTABLE',
      errorMessage: 'Conflicts with an existing registration',
    });
    // The registration in the way is the operator's to read, in node B's log.
    expect(nodeB.core.logs.find((line) => line['msg'] === 'registration refused')?.['detail']).toContain(
      `conflicts with ${ALICE} LOOP sips:${TAS_DOMAIN}:${tlsPort} (one-acting-on-mo)`,
    );

    // No wait: the call through node B right after the upsert through node A. The TAS answers leg 2 itself.
    const t = await testbed.tas({ name: 'b-tas', tlsPort, scenarioFile: scenario('answering-uas.xml') });
    try {
      const a = await alice({
        dir: testbed.dir,
        name: 'b-loop-alice',
        core: nodeB.core.ready.sipMobileUdp,
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
      expect(leg2?.match(/^Via:/gim)).toHaveLength(1);
      expect(headerOf(leg2 ?? '', 'Via')).toMatch(/^SIP\/2\.0\/TLS /);
      // Node B sent leg 2: its TAS face is the Contact, not node A's.
      expect(headerOf(leg2 ?? '', 'Contact')).toContain(`sips:${nodeB.core.ready.sipTasTls}`);
      expect(received(tasLog, 'BYE')).toHaveLength(1);
    } finally {
      await t.socat.stop();
    }
    const b = await nodeB.metrics();
    expect(sample(b, 'sipbreakout_calls_total', { route_type: 'LOOP', outcome: 'answered' })).toBe(1);
    expect(sample(b, 'sipbreakout_call_legs_total', { leg: '2', outcome: 'answered' })).toBe(1);
    expect(sample(b, 'sipbreakout_tas_failures_total', { route_type: 'LOOP' }) ?? 0).toBe(0);
    expect(
      sample(await testbed.metrics(), 'sipbreakout_calls_total', { route_type: 'LOOP', outcome: 'answered' }) ?? 0,
    ).toBe(0);

    // Deleted through node B (which needs it to exist there), with the token node A's issuer signed.
    expect(await nodeB.client.deleteRegistration({ registration })).toMatchObject({ statusCode: 'STATUS_CODE_OK' });
    expect(await loopGauges()).toEqual({ a: 0, b: 0 });
    // Node A sees it gone at once: deleting it there again is refused.
    const again = await testbed.client.deleteRegistration({ registration });
    expect(again.statusCode).toBe('STATUS_CODE_NOT_ACCEPTABLE');
    expect(again.errorMessage).toBe('No such registration');

    // No wait: the call through node A right after the delete through node B.
    const { bobInvite } = await testbed.directCall('a-direct', testbed.core);
    expect(bobInvite.split('\n')[0]).toBe(`INVITE sip:${BOB}@127.0.0.1:${testbed.bobPort};transport=udp SIP/2.0`);
    const a = await testbed.metrics();
    expect(sample(a, 'sipbreakout_calls_total', { route_type: 'NONE', outcome: 'answered' })).toBe(1);
    expect(sample(a, 'sipbreakout_calls_total', { route_type: 'LOOP', outcome: 'answered' }) ?? 0).toBe(0);
    expect(sample(a, 'sipbreakout_tas_failures_total', { route_type: 'LOOP' }) ?? 0).toBe(0);
  }, 50_000);
});
