/**
 * Our UAS answering SIPp as UAC over UDP and TCP, with and without SIPp's
 * packet loss, and with a CANCEL racing our 200. SIPp must be installed:
 * without it these tests fail.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TcpTransport } from '../../src/transport/tcp-transport.js';
import { UdpTransport } from '../../src/transport/udp-transport.js';
import { requireSipp, runSipp, sippPorts, sippScenario } from '@sipbreakout/test-peers';
import { TestUa } from './support/test-ua.js';

const scenario = sippScenario;

let ua: TestUa | undefined;
afterEach(async () => {
  await ua?.close();
  ua = undefined;
});

async function sippUacAgainstUs(
  protocol: 'UDP' | 'TCP',
  calls: number,
  rate: number,
  extra: string[] = [],
  setup?: (ua: TestUa) => void,
) {
  ua = new TestUa([protocol === 'UDP' ? new UdpTransport({ port: 0 }) : new TcpTransport({ port: 0 })]);
  setup?.(ua);
  await ua.listen();
  const port = ua.transport.transports[0]!.local.port;
  const p = await sippPorts();
  const result = await runSipp(
    [
      ...(extra.includes('-sf') ? [] : ['-sf', scenario('uac-txn.xml')]),
      `127.0.0.1:${port}`,
      '-t',
      protocol === 'UDP' ? 'u1' : 't1',
      '-i',
      '127.0.0.1',
      '-p',
      String(p.sip),
      '-cp',
      String(p.control),
      '-mp',
      String(p.media),
      '-m',
      String(calls),
      '-r',
      String(rate),
      '-timeout',
      '45s',
      '-timeout_error',
      ...extra,
    ],
    55,
  );
  return { result, ua };
}

/** Nothing stuck: no transaction still waiting on the user, no 2xx still waiting for its ACK. */
function expectNothingStuck(ua: TestUa): void {
  const states = ua.transactions.stateCounts();
  expect(states['InviteServer/Proceeding'] ?? 0, JSON.stringify(states)).toBe(0);
  expect(states['NonInviteServer/Trying'] ?? 0, JSON.stringify(states)).toBe(0);
  expect(ua.pendingAcks).toBe(0);
}

describe('interop: our UAS against SIPp as UAC', () => {
  beforeAll(() => requireSipp());

  it.each(['UDP', 'TCP'] as const)(
    'completes 500 calls at 100 calls/s over %s',
    async (protocol) => {
      const { result, ua } = await sippUacAgainstUs(protocol, 500, 100);
      expect(result.timedOut, result.output.slice(-2000)).toBe(false);
      expect(result.exitCode, result.output.slice(-2000)).toBe(0);
      expect(result.successful).toBe(500);
      expect(result.failed).toBe(0);
      expect(ua.counters.invites).toBe(500);
      expect(ua.counters.byes).toBe(500);
      expectNothingStuck(ua);
    },
    70_000,
  );

  it('completes every call over UDP with 10% of packets lost by SIPp (-lost 10), through retransmissions', async () => {
    const { result, ua } = await sippUacAgainstUs('UDP', 100, 20, ['-lost', '10']);
    expect(result.timedOut, result.output.slice(-2000)).toBe(false);
    expect(result.exitCode, result.output.slice(-2000)).toBe(0);
    expect(result.successful).toBe(100);
    expect(result.retransmissions).toBeGreaterThan(0);
    expect(ua.counters.invites).toBe(100);
    expect(ua.counters.byes, JSON.stringify(ua.counters)).toBe(100);
    expectNothingStuck(ua);
  }, 70_000);

  it('ends a CANCEL racing our 200 with exactly one outcome per call and nothing stuck (§9.2)', async () => {
    let n = 0;
    const { result, ua } = await sippUacAgainstUs('UDP', 100, 50, ['-sf', scenario('uac-cancel-race.xml')], (u) => {
      // Alternate: answer at once (the 200 wins) or after 20 ms (the CANCEL wins).
      u.answerDelay = () => (n++ % 2 === 0 ? 0 : 20);
    });
    expect(result.timedOut, result.output.slice(-2000)).toBe(false);
    expect(result.exitCode, result.output.slice(-2500)).toBe(0);
    expect(result.successful).toBe(100);
    // Every call is either a dialog that was ACKed and ended by BYE, or an INVITE ended by 487.
    expect(ua.counters.byes + ua.counters.cancelled, JSON.stringify(ua.counters)).toBe(100);
    expect(ua.counters.confirmed).toBe(ua.counters.byes);
    expect(ua.counters.cancelled).toBeGreaterThan(0);
    expect(ua.counters.byes).toBeGreaterThan(0);
    expectNothingStuck(ua);
  }, 70_000);
});
