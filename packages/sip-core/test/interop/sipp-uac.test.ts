/**
 * Our UAC calling SIPp as UAS over UDP and TCP, with and without SIPp's
 * packet loss. SIPp must be installed: without it these tests fail.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TcpTransport } from '../../src/transport/tcp-transport.js';
import { UdpTransport } from '../../src/transport/udp-transport.js';
import { placeCalls } from './support/place-calls.js';
import { requireSipp, runSipp, sippPorts, sippScenario, withTimewait } from '@sipbreakout/test-peers';
import { TestUa } from './support/test-ua.js';

const scenario = sippScenario;

let ua: TestUa | undefined;
afterEach(async () => {
  await ua?.close();
  ua = undefined;
});

async function usAgainstSippUas(
  protocol: 'UDP' | 'TCP',
  calls: number,
  rate: number,
  extra: string[] = [],
  sippScenario = scenario('uas-ack-optional.xml'),
) {
  ua = new TestUa([protocol === 'UDP' ? new UdpTransport({ port: 0 }) : new TcpTransport({ port: 0 })]);
  await ua.listen();
  const p = await sippPorts();
  const sipp = runSipp(
    [
      '-sf',
      sippScenario,
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
      '-timeout',
      '45s',
      '-timeout_error',
      ...extra,
    ],
    55,
  );
  // SIPp binds within milliseconds; give it a moment before the first INVITE.
  await new Promise((r) => setTimeout(r, 500));
  const u = ua;
  const results = await Promise.race([
    placeCalls(u, { protocol, host: '127.0.0.1', port: p.sip }, calls, rate, 50),
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`calls stuck: ${JSON.stringify({ c: u.counters, s: u.transactions.stateCounts() })}`)),
        50_000,
      ),
    ),
  ]);
  const result = await sipp;
  return { result, results, ua };
}

describe('interop: our UAC against SIPp as UAS', () => {
  beforeAll(() => requireSipp());

  it.each(['UDP', 'TCP'] as const)(
    'completes 300 calls at 100 calls/s over %s',
    async (protocol) => {
      const { result, results, ua } = await usAgainstSippUas(protocol, 300, 100);
      expect(results.filter((r) => r.status === 200 && r.byeStatus === 200).length, JSON.stringify(ua.counters)).toBe(
        300,
      );
      expect(result.timedOut, result.output.slice(-2000)).toBe(false);
      expect(result.exitCode, result.output.slice(-2000)).toBe(0);
      expect(result.successful).toBe(300);
      expect(ua.transactions.stateCounts()['InviteClient/Calling'] ?? 0).toBe(0);
    },
    70_000,
  );

  // When SIPp loses both its 180 and its 200 (1 call in 100), our INVITE retransmission reaches it after
  // its 200: the scenario absorbs it (SIPp 3.6.1 alone aborts the call, see uas-ack-optional.xml). When it
  // loses its 200 to our BYE, our BYE retransmissions (0.5, 1.5, 3.5, 7.5, 11.5, 15.5 s) need it to keep the
  // call past its built-in 4 s: 16 s leaves a call lost about once in 200,000.
  it('completes every call over UDP with 10% of packets lost by SIPp (-lost 10), through our retransmissions', async () => {
    const { result, results, ua } = await usAgainstSippUas(
      'UDP',
      100,
      20,
      ['-lost', '10'],
      withTimewait(scenario('uas-ack-optional.xml'), 16_000),
    );
    expect(
      results.filter((r) => r.status === 200 && r.byeStatus === 200).length,
      JSON.stringify({
        c: ua.counters,
        bad: results.filter((r) => r.byeStatus !== 200),
        sipp: result.output.slice(-2500),
      }),
    ).toBe(100);
    expect(result.timedOut, result.output.slice(-2000)).toBe(false);
    expect(result.exitCode, result.output.slice(-2000)).toBe(0);
    expect(result.successful).toBe(100);
  }, 70_000);
});
