/**
 * RFC 3263 server location for sips: URIs, through Node's dns.promises.Resolver
 * pointed at a real DNS server on loopback (`TestDnsServer` from @sipbreakout/test-peers).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { isDnsError } from '../../src/dns/dns-error.js';
import { NodeDnsLookup } from '../../src/dns/dns-lookup.js';
import { ServerLocator, type ServerTarget } from '../../src/dns/server-locator.js';
import { isNextTargetError, tryTargets } from '../../src/dns/try-targets.js';
import { CertificateAuthority } from '../../src/pki/index.js';
import { TransactionError } from '../../src/transaction/transaction-error.js';
import { TransportError, isTransportError } from '../../src/transport/transport-error.js';
import { TlsTransport } from '../../src/transport/tls-transport.js';
import { freePort } from '@sipbreakout/test-peers';
import { TestDnsServer, type ZoneRecord } from '@sipbreakout/test-peers';

const ZONE: ZoneRecord[] = [
  // example.test: _sips._tcp with two priorities.
  { type: 'SRV', name: '_sips._tcp.example.test', priority: 10, weight: 60, port: 5161, target: 'a.example.test' },
  { type: 'SRV', name: '_sips._tcp.example.test', priority: 10, weight: 40, port: 5162, target: 'b.example.test' },
  { type: 'SRV', name: '_sips._tcp.example.test', priority: 20, weight: 0, port: 5163, target: 'c.example.test' },
  { type: 'A', name: 'a.example.test', address: '127.0.0.11' },
  { type: 'A', name: 'b.example.test', address: '127.0.0.12' },
  { type: 'A', name: 'c.example.test', address: '127.0.0.13' },
  { type: 'AAAA', name: 'c.example.test', address: '::1' },
  { type: 'A', name: 'example.test', address: '127.0.0.10', ttl: 10 },
  // sip-only.test publishes only _sip._tcp.
  { type: 'SRV', name: '_sip._tcp.sip-only.test', priority: 1, weight: 1, port: 5260, target: 'proxy.sip-only.test' },
  { type: 'A', name: 'proxy.sip-only.test', address: '127.0.0.20' },
  { type: 'A', name: 'sip-only.test', address: '127.0.0.21' },
  // a-only.test has no SRV at all.
  { type: 'A', name: 'a-only.test', address: '127.0.0.30', ttl: 5 },
  { type: 'AAAA', name: 'a-only.test', address: '::1', ttl: 5 },
  // no-sips.test says "no such service".
  { type: 'SRV', name: '_sips._tcp.no-sips.test', priority: 0, weight: 0, port: 0, target: '.' },
];

let dns: TestDnsServer;
beforeAll(async () => {
  dns = new TestDnsServer(ZONE);
  await dns.start();
});
afterAll(async () => {
  await dns.stop();
});

function locator(options: { clock?: ManualClock; random?: () => number; srvTtl?: number } = {}): ServerLocator {
  const lookup = new NodeDnsLookup({
    servers: [dns.address],
    timeout: 500,
    tries: 1,
    ...(options.srvTtl === undefined ? {} : { srvTtl: options.srvTtl }),
  });
  return new ServerLocator({
    lookup,
    clock: options.clock ?? new ManualClock(),
    random: options.random ?? (() => 0.5),
  });
}

const where = (targets: readonly ServerTarget[]): string[] => targets.map((t) => `${t.host}:${t.port}`);

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('ServerLocator (RFC 3263 §4 for sips:)', () => {
  it('uses SRV _sips._tcp for a sips: URI without a port: priority order, then weight (§4.2, RFC 2782)', async () => {
    // 0.5 → 50 of 0..100: a (running sum 60) first.
    const first = await locator({ random: () => 0.5 }).locate('sips:alice@example.test');
    expect(where(first)).toEqual(['127.0.0.11:5161', '127.0.0.12:5162', '127.0.0.13:5163', '::1:5163']);
    expect(first.every((t) => t.protocol === 'TLS' && t.serverName === 'example.test' && t.via === 'srv-sips')).toBe(
      true,
    );
    // 0.7 → 70: b (running sum 100) first; priority 20 still last.
    const second = await locator({ random: () => 0.7 }).locate('sips:alice@example.test');
    expect(where(second)).toEqual(['127.0.0.12:5162', '127.0.0.11:5161', '127.0.0.13:5163', '::1:5163']);
  });

  it('falls back from _sips._tcp to _sip._tcp, still over TLS (RFC 5630 §3.1.3)', async () => {
    const targets = await locator().locate('sips:bob@sip-only.test');
    expect(targets).toEqual([
      { protocol: 'TLS', host: '127.0.0.20', port: 5260, serverName: 'sip-only.test', via: 'srv-sip' },
    ]);
    expect(dns.count('SRV', '_sips._tcp.sip-only.test')).toBeGreaterThan(0);
  });

  it('falls back to A/AAAA on port 5061 when there is no SRV record (§4.2)', async () => {
    const targets = await locator().locate('sips:carol@a-only.test');
    expect(where(targets)).toEqual(['127.0.0.30:5061', '::1:5061']);
    expect(targets.every((t) => t.via === 'address' && t.serverName === 'a-only.test')).toBe(true);
  });

  it('with a port, looks up A/AAAA only: no SRV query (§4.2)', async () => {
    const before = dns.count('SRV', '_sips._tcp.example.test');
    const targets = await locator().locate('sips:alice@example.test:5999');
    expect(where(targets)).toEqual(['127.0.0.10:5999']);
    expect(dns.count('SRV', '_sips._tcp.example.test')).toBe(before);
  });

  it('uses an IP address host as is, with its port or 5061, without asking DNS', async () => {
    const asked = dns.questions.length;
    expect(where(await locator().locate('sips:127.0.0.5'))).toEqual(['127.0.0.5:5061']);
    expect(where(await locator().locate('sips:[::1]:5071'))).toEqual(['::1:5071']);
    expect(dns.questions.length).toBe(asked);
  });

  it('resolves an SRV target only when the caller gets that far (targets() is lazy)', async () => {
    const l = locator({ random: () => 0.5 });
    const before = dns.count('A', 'c.example.test');
    for await (const t of l.targets('sips:alice@example.test')) {
      expect(t.host).toBe('127.0.0.11');
      break;
    }
    expect(dns.count('A', 'c.example.test')).toBe(before);
  });

  it('reports typed errors: not found, service not offered ("."), bad URI, server failure', async () => {
    expect(isDnsError(await rejection(locator().locate('sips:nobody@missing.test')), 'DNS_ERR_NOT_FOUND')).toBe(true);
    expect(isDnsError(await rejection(locator().locate('sips:x@no-sips.test')), 'DNS_ERR_SERVICE_UNAVAILABLE')).toBe(
      true,
    );
    expect(isDnsError(await rejection(locator().locate('sip:x@example.test')), 'DNS_ERR_BAD_URI')).toBe(true);
    expect(isDnsError(await rejection(locator().locate('not a uri')), 'DNS_ERR_BAD_URI')).toBe(true);
    dns.failing.add('_sips._tcp.broken.test');
    try {
      expect(isDnsError(await rejection(locator().locate('sips:x@broken.test')), 'DNS_ERR_SERVER_FAILURE')).toBe(true);
    } finally {
      dns.failing.delete('_sips._tcp.broken.test');
    }
  });

  it('caches answers within their TTL and asks again when it runs out (manual clock)', async () => {
    const clock = new ManualClock();
    const l = locator({ clock, srvTtl: 60 });
    const count = (): [number, number, number] => [
      dns.count('SRV', '_sips._tcp.a-only.test'),
      dns.count('A', 'a-only.test'),
      dns.count('AAAA', 'a-only.test'),
    ];
    const start = count();
    await l.locate('sips:a-only.test');
    const once = count();
    expect(once.map((n, i) => n - start[i]!)).toEqual([1, 1, 1]);
    clock.advance(4_000);
    await l.locate('sips:a-only.test');
    expect(count()).toEqual(once);
    // The A/AAAA records live 5 s; the negative SRV answers 30 s.
    clock.advance(1_000);
    await l.locate('sips:a-only.test');
    expect(count().map((n, i) => n - once[i]!)).toEqual([0, 1, 1]);
    clock.advance(30_000);
    await l.locate('sips:a-only.test');
    expect(count().map((n, i) => n - once[i]!)).toEqual([1, 2, 2]);
    expect(l.queries.get('A a-only.test')).toBe(3);
  });

  it('keeps SRV answers for the configured SRV TTL (Node returns none)', async () => {
    const clock = new ManualClock();
    const l = locator({ clock, srvTtl: 60 });
    const before = dns.count('SRV', '_sips._tcp.example.test');
    await l.locate('sips:example.test');
    clock.advance(59_000);
    await l.locate('sips:example.test');
    expect(dns.count('SRV', '_sips._tcp.example.test') - before).toBe(1);
    clock.advance(1_000);
    await l.locate('sips:example.test');
    expect(dns.count('SRV', '_sips._tcp.example.test') - before).toBe(2);
  });
});

describe('tryTargets (RFC 3263 §4.3: next target on transport error, timeout or 503)', () => {
  const opened: TlsTransport[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((t) => t.close()));
  });

  it('fails over from an SRV target that refuses the connection to the next one, over real TLS', async () => {
    const ca = await CertificateAuthority.create();
    const pair = await ca.issue({
      commonName: 'failover.test',
      uris: ['sip:failover.test'],
      dnsNames: ['failover.test'],
    });
    const server = new TlsTransport({ port: 0, ca: ca.cert, cert: pair.cert, key: pair.key });
    const received: string[] = [];
    server.setReceiver((e) => {
      if (e.kind === 'message') received.push(e.message.callId);
    });
    await server.listen();
    const client = new TlsTransport({ port: 0, ca: ca.cert });
    opened.push(server, client);
    const closed = await freePort('tcp');
    dns.records = [
      ...ZONE,
      {
        type: 'SRV',
        name: '_sips._tcp.failover.test',
        priority: 1,
        weight: 0,
        port: closed,
        target: 'down.failover.test',
      },
      {
        type: 'SRV',
        name: '_sips._tcp.failover.test',
        priority: 2,
        weight: 0,
        port: server.local.port,
        target: 'up.failover.test',
      },
      { type: 'A', name: 'down.failover.test', address: '127.0.0.1' },
      { type: 'A', name: 'up.failover.test', address: '127.0.0.1' },
    ];
    try {
      const options =
        'OPTIONS sips:failover.test SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK-f\r\nFrom: <sips:a@failover.test>;tag=1\r\nTo: <sips:failover.test>\r\nCall-ID: failover-1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n';
      const failures: unknown[] = [];
      const used = await tryTargets(
        locator().targets('sips:failover.test'),
        async (t) => {
          await client.send(Buffer.from(options), t);
          return t;
        },
        { onFailure: (_t, e) => failures.push(e) },
      );
      expect(used.port).toBe(server.local.port);
      expect(failures).toHaveLength(1);
      expect(isTransportError(failures[0], 'TRANSPORT_ERR_CONNECT')).toBe(true);
      for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(received).toEqual(['failover-1']);
    } finally {
      dns.records = ZONE;
    }
  });

  it('moves on after a 503 and after a timeout, and stops at any other answer', async () => {
    const targets = await locator({ random: () => 0.5 }).locate('sips:example.test');
    async function* list(): AsyncGenerator<ServerTarget> {
      yield* targets;
    }
    const statuses = [503, 408, 486];
    let i = 0;
    const tried: string[] = [];
    const result = await tryTargets(
      list(),
      async (t) => {
        tried.push(t.host);
        const status = statuses[i++]!;
        if (status === 408) throw new TransactionError('TX_ERR_TIMEOUT', undefined, { timer: 'B' });
        return status;
      },
      { tryNext: (s) => s === 503 },
    );
    expect(result).toBe(486);
    expect(tried).toEqual(['127.0.0.11', '127.0.0.12', '127.0.0.13']);
  });

  it('throws DNS_ERR_TARGETS_EXHAUSTED when every target failed, and rethrows errors that are no reason to move on', async () => {
    const targets = await locator().locate('sips:example.test');
    async function* list(): AsyncGenerator<ServerTarget> {
      yield* targets;
    }
    const exhausted = await rejection(
      tryTargets(list(), () => Promise.reject(new TransportError('TRANSPORT_ERR_CONNECT'))),
    );
    expect(isDnsError(exhausted, 'DNS_ERR_TARGETS_EXHAUSTED')).toBe(true);
    expect(isTransportError((exhausted as Error).cause, 'TRANSPORT_ERR_CONNECT')).toBe(true);
    const other = new Error('bug');
    expect(await rejection(tryTargets(list(), () => Promise.reject(other)))).toBe(other);
    expect(isNextTargetError(new TransactionError('TX_ERR_LIMIT'))).toBe(false);
  });
});
