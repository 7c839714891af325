/**
 * Bad input does not stop good calls (RFC 3261 §8.2.6, §18): SIPp places
 * calls to our UAS over UDP while another socket floods the same port with
 * random bytes, damaged SIP messages and answerable bad requests. Every call
 * completes, the process stays up, and the counters show what was refused.
 * SIPp must be installed: without it this test fails.
 */
import { createSocket } from 'node:dgram';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { arbitraryMutatedBytes } from '../../src/testing/index.js';
import { UdpTransport } from '../../src/transport/udp-transport.js';
import { requireSipp, runSipp, sippPorts, sippScenario } from '@sipbreakout/test-peers';
import { TestUa } from './support/test-ua.js';

const scenario = sippScenario;

/** A request that does not parse but can be answered: its CSeq method differs from the request's. */
function answerableBadRequest(i: number): Buffer {
  return Buffer.from(
    `OPTIONS sip:flood@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKflood${i}\r\n` +
      `From: <sip:flood@127.0.0.1>;tag=f${i}\r\nTo: <sip:us@127.0.0.1>\r\nCall-ID: flood-${i}\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`,
  );
}

let ua: TestUa | undefined;
afterEach(async () => {
  await ua?.close();
  ua = undefined;
});

describe('interop: good calls through a flood of bad input', () => {
  beforeAll(() => requireSipp());

  it('completes 200 SIPp calls over UDP while 6,000 malformed datagrams hit the same port', async () => {
    ua = new TestUa([new UdpTransport({ port: 0 })]);
    await ua.listen();
    const port = ua.transport.transports[0]!.local.port;
    const p = await sippPorts();

    const damaged = fc.sample(arbitraryMutatedBytes(), { numRuns: 2000, seed: 7 });
    const flood = createSocket('udp4');
    let sent = 0;
    // 6,000 datagrams over about 3 s, in bursts, bounded in count and time.
    const floodDone = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        for (let k = 0; k < 60 && sent < 6000; k++, sent++) {
          const kind = sent % 3;
          const payload =
            kind === 0
              ? Buffer.from(Array.from({ length: 1 + (sent % 700) }, (_, j) => (sent * 31 + j * 17) & 0xff))
              : kind === 1
                ? Buffer.from(damaged[sent % damaged.length]!)
                : answerableBadRequest(sent);
          flood.send(payload, port, '127.0.0.1');
        }
        if (sent >= 6000) {
          clearInterval(timer);
          resolve();
        }
      }, 30);
    });

    const result = await runSipp(
      [
        '-sf',
        scenario('uac-txn.xml'),
        `127.0.0.1:${port}`,
        '-t',
        'u1',
        '-i',
        '127.0.0.1',
        '-p',
        String(p.sip),
        '-cp',
        String(p.control),
        '-mp',
        String(p.media),
        '-m',
        '200',
        '-r',
        '50',
        '-timeout',
        '45s',
        '-timeout_error',
      ],
      55,
    );
    await floodDone;
    flood.close();

    expect(result.timedOut, result.output.slice(-2000)).toBe(false);
    expect(result.exitCode, result.output.slice(-2000)).toBe(0);
    expect(result.successful).toBe(200);
    expect(result.failed).toBe(0);
    // Some damaged messages are still valid requests (a BYE among them), so the UA may count more than SIPp's.
    expect(ua.counters.byes).toBeGreaterThanOrEqual(200);
    // What the transport layer refused: at least every answerable bad request, each answered with a 400.
    const counters = ua.transport.counters;
    expect(counters.parseErrors).toBeGreaterThanOrEqual(2000);
    expect(counters.answered).toBeGreaterThanOrEqual(2000);
  }, 70_000);
});
