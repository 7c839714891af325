import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { SipRequest, parseMessage, parseUri } from '../../src/index.js';
import { MemoryNetwork } from '../../src/transport/memory-network.js';
import { TransportLayer } from '../../src/transport/transport-layer.js';
import { TestUa } from '../interop/support/test-ua.js';

function options(size = 0): SipRequest {
  const uri = parseUri('sip:bob@10.0.0.2');
  if (!uri.ok) throw new Error('uri');
  return new SipRequest({
    method: 'OPTIONS',
    uri: uri.uri,
    headers: [
      ['Via', 'SIP/2.0/UDP placeholder;branch=z9hG4bK-t1;rport'],
      ['From', '<sip:a@x>;tag=1'],
      ['To', '<sip:b@x>'],
      ['Call-ID', 'c'],
      ['CSeq', '1 OPTIONS'],
      ['Max-Forwards', '70'],
      ['X-Pad', 'x'.repeat(size)],
    ],
  });
}

describe('TransportLayer (RFC 3261 §18, RFC 3581)', () => {
  it('stamps Via sent-by on a request, and switches a request over 1300 bytes from UDP to TCP (§18.1.1)', () => {
    const net = new MemoryNetwork({ clock: new ManualClock() });
    const layer = new TransportLayer({
      transports: [
        net.createTransport({ host: '127.0.0.1', port: 5060 }),
        net.createTransport({ host: '127.0.0.1', port: 5060, protocol: 'TCP' }),
      ],
    });
    const small = options();
    expect(layer.prepareRequest(small, { protocol: 'UDP', host: '127.0.0.1', port: 5070 }).protocol).toBe('UDP');
    expect(small.via[0]).toMatchObject({ transport: 'UDP', host: '127.0.0.1', port: 5060, branch: 'z9hG4bK-t1' });
    const large = options(1400);
    expect(layer.prepareRequest(large, { protocol: 'UDP', host: '127.0.0.1', port: 5070 }).protocol).toBe('TCP');
    expect(large.via[0]?.transport).toBe('TCP');
  });

  it('adds received and rport to a request whose Via asks for rport, and routes the response there (§18.2.1, RFC 3581 §4)', async () => {
    const clock = new ManualClock();
    const net = new MemoryNetwork({ clock });
    const uas = new TestUa([net.createTransport({ host: '127.0.0.1', port: 5060 })], clock);
    const client = net.createTransport({ host: '127.0.0.9', port: 40000 });
    const got: string[] = [];
    client.setReceiver((e) => {
      if (e.kind === 'message') got.push(e.message.headers.get('Via') ?? '');
    });
    await uas.listen();
    await client.listen();
    const text =
      'OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5080;branch=z9hG4bK-r;rport\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n';
    await client.send(Buffer.from(text), { protocol: 'UDP', host: '127.0.0.1', port: 5060 });
    clock.advance(1);
    expect(got).toEqual(['SIP/2.0/UDP 192.0.2.1:5080;branch=z9hG4bK-r;rport=40000;received=127.0.0.9']);
  });

  it('answers a request that does not parse with a 400 carrying the reason, and drops what cannot be answered (§8.2.6, §21.4.1)', async () => {
    const clock = new ManualClock();
    const net = new MemoryNetwork({ clock });
    const uas = new TestUa([net.createTransport({ host: '127.0.0.1', port: 5060 })], clock);
    const client = net.createTransport({ host: '127.0.0.9', port: 40000 });
    const got: string[] = [];
    client.setReceiver((e) => {
      if (e.kind === 'message' && e.message.kind === 'response') got.push(`${e.message.status} ${e.message.reason}`);
    });
    await uas.listen();
    await client.listen();
    const bad =
      'OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.9:40000;branch=z9hG4bK-b\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n';
    await client.send(Buffer.from(bad), { protocol: 'UDP', host: '127.0.0.1', port: 5060 });
    for (let i = 0; i < 50; i++)
      await client.send(Buffer.from('\u0000garbage ' + i), { protocol: 'UDP', host: '127.0.0.1', port: 5060 });
    clock.advance(1);
    expect(got.length).toBe(1);
    expect(got[0]).toMatch(/^400 Bad Request \(/);
    expect(uas.transport.counters.parseErrors).toBe(51);
    expect(uas.transport.counters.answered).toBe(1);
  });

  it('completes calls over an in-memory network that drops 30% and duplicates 10% of datagrams, on a manual clock', async () => {
    const clock = new ManualClock();
    const net = new MemoryNetwork({
      clock,
      seed: 7,
      conditions: { dropRate: 0.3, duplicateRate: 0.1, delay: 5, jitter: 20 },
    });
    const uas = new TestUa([net.createTransport({ host: '127.0.0.1', port: 5060 })], clock);
    const uac = new TestUa([net.createTransport({ host: '127.0.0.2', port: 5060 })], clock);
    await uas.listen();
    await uac.listen();
    const calls = Array.from({ length: 20 }, () => uac.call({ protocol: 'UDP', host: '127.0.0.1', port: 5060 }));
    for (let i = 0; i < 200; i++) {
      clock.advance(500);
      await Promise.resolve();
    }
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.byeStatus === 200).length).toBe(20);
    expect(net.stats.dropped).toBeGreaterThan(0);
    expect(net.stats.duplicated).toBeGreaterThan(0);
    expect(parseMessage).toBeDefined();
  });
});
