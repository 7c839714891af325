import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { matchesSipDomain, readCertificateIdentity, verifySipDomain } from '../../src/tls/sip-domain-identity.js';
import { CertificateAuthority, type PemPair } from '../../src/pki/index.js';
import { isTlsError } from '../../src/tls/tls-error.js';
import { TlsTransport } from '../../src/transport/tls-transport.js';
import type { TransportEvent } from '../../src/transport/transport.js';

const OPTIONS =
  'OPTIONS sip:x@sip.example.test SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK-1\r\nFrom: <sip:a@example.test>;tag=1\r\nTo: <sip:x@sip.example.test>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n';

let ca: CertificateAuthority;
let otherCa: CertificateAuthority;
let server: PemPair;
let wildcard: PemPair;
let client: PemPair;
const open: TlsTransport[] = [];

beforeAll(async () => {
  ca = await CertificateAuthority.create();
  otherCa = await CertificateAuthority.create({ commonName: 'another CA' });
  server = await ca.issue({
    commonName: 'sip.example.test',
    uris: ['sip:sip.example.test'],
    dnsNames: ['sip.example.test'],
  });
  wildcard = await ca.issue({ commonName: 'wild', dnsNames: ['*.example.test'] });
  client = await ca.issue({ commonName: 'client', uris: ['sip:client.example.test'] });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

async function listen(
  pair: PemPair,
  extra: Partial<ConstructorParameters<typeof TlsTransport>[0]> = {},
): Promise<{ transport: TlsTransport; events: TransportEvent[] }> {
  const transport = new TlsTransport({ port: 0, ca: ca.cert, cert: pair.cert, key: pair.key, ...extra });
  const events: TransportEvent[] = [];
  transport.setReceiver((e) => events.push(e));
  await transport.listen();
  open.push(transport);
  return { transport, events };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('RFC 5922 SIP domain identity', () => {
  it('reads subjectAltName URIs and DNS names with node:crypto', () => {
    const id = readCertificateIdentity(server.cert);
    expect(id.uris).toEqual(['sip:sip.example.test']);
    expect(id.dnsNames).toEqual(['sip.example.test']);
  });

  it.each([
    { names: { uris: ['sip:example.test'], dnsNames: [] }, domain: 'example.test', ok: true },
    { names: { uris: ['sip:EXAMPLE.test'], dnsNames: [] }, domain: 'example.TEST', ok: true },
    { names: { uris: ['sip:alice@example.test'], dnsNames: [] }, domain: 'example.test', ok: false },
    { names: { uris: ['sips:example.test'], dnsNames: [] }, domain: 'example.test', ok: false },
    { names: { uris: [], dnsNames: ['example.test'] }, domain: 'example.test', ok: true },
    { names: { uris: [], dnsNames: ['other.test'] }, domain: 'example.test', ok: false },
    { names: { uris: [], dnsNames: ['*.example.test'] }, domain: 'sip.example.test', ok: false },
  ])('matches $names.uris $names.dnsNames against $domain → $ok (§7.1, §7.2)', ({ names, domain, ok }) => {
    expect(matchesSipDomain({ ...names, commonName: undefined }, domain)).toBe(ok);
  });

  it.each([
    { domain: 'sip.example.test', ok: true },
    { domain: 'example.test', ok: false },
    { domain: 'a.b.example.test', ok: false },
  ])('with allowWildcard, *.example.test matches exactly one leading label: $domain → $ok', ({ domain, ok }) => {
    expect(
      matchesSipDomain({ uris: [], dnsNames: ['*.example.test'], commonName: undefined }, domain, {
        allowWildcard: true,
      }),
    ).toBe(ok);
  });

  it('uses the CN only when there is no subjectAltName (§7.1)', () => {
    expect(matchesSipDomain({ uris: [], dnsNames: [], commonName: 'example.test' }, 'example.test')).toBe(true);
    expect(matchesSipDomain({ uris: [], dnsNames: ['x.test'], commonName: 'example.test' }, 'example.test')).toBe(
      false,
    );
  });

  it('verifySipDomain throws TLS_ERR_IDENTITY_MISMATCH', () => {
    let caught: unknown;
    try {
      verifySipDomain(server.cert, 'other.test');
    } catch (e) {
      caught = e;
    }
    expect(isTlsError(caught, 'TLS_ERR_IDENTITY_MISMATCH')).toBe(true);
  });
});

describe('TlsTransport', () => {
  it('connects when the chain verifies and the certificate names the SIP domain, sending SNI', async () => {
    const { transport: srv, events } = await listen(server);
    const cli = new TlsTransport({ port: 0, ca: ca.cert, clock: new ManualClock() });
    open.push(cli);
    await cli.listen();
    await cli.send(Buffer.from(OPTIONS), {
      protocol: 'TLS',
      host: '127.0.0.1',
      port: srv.local.port,
      serverName: 'sip.example.test',
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(events.some((e) => e.kind === 'message')).toBe(true);
  });

  it('refuses a server whose certificate names a different domain with TLS_ERR_IDENTITY_MISMATCH', async () => {
    const { transport: srv } = await listen(server);
    const cli = new TlsTransport({ port: 0, ca: ca.cert });
    open.push(cli);
    await cli.listen();
    const e = await rejection(
      cli.send(Buffer.from(OPTIONS), {
        protocol: 'TLS',
        host: '127.0.0.1',
        port: srv.local.port,
        serverName: 'other.example.test',
      }),
    );
    expect(isTlsError(e, 'TLS_ERR_IDENTITY_MISMATCH'), String(e)).toBe(true);
  });

  it('refuses a chain from a CA it was not given with TLS_ERR_CHAIN', async () => {
    const { transport: srv } = await listen(server);
    const cli = new TlsTransport({ port: 0, ca: otherCa.cert });
    open.push(cli);
    await cli.listen();
    const e = await rejection(
      cli.send(Buffer.from(OPTIONS), {
        protocol: 'TLS',
        host: '127.0.0.1',
        port: srv.local.port,
        serverName: 'sip.example.test',
      }),
    );
    expect(isTlsError(e, 'TLS_ERR_CHAIN'), String(e)).toBe(true);
  });

  it('accepts a wildcard certificate only when allowWildcard is set', async () => {
    const { transport: srv } = await listen(wildcard);
    const strict = new TlsTransport({ port: 0, ca: ca.cert });
    const lax = new TlsTransport({ port: 0, ca: ca.cert, allowWildcard: true });
    open.push(strict, lax);
    await strict.listen();
    await lax.listen();
    const dest = { protocol: 'TLS' as const, host: '127.0.0.1', port: srv.local.port, serverName: 'sip.example.test' };
    expect(isTlsError(await rejection(strict.send(Buffer.from(OPTIONS), dest)), 'TLS_ERR_IDENTITY_MISMATCH')).toBe(
      true,
    );
    expect(await rejection(lax.send(Buffer.from(OPTIONS), dest))).toBeUndefined();
  });

  it('with mutual TLS, exposes the verified client identity on the message source, and refuses clients without a certificate', async () => {
    const { transport: srv, events } = await listen(server, { requireClientCertificate: true });
    const cli = new TlsTransport({ port: 0, ca: ca.cert, cert: client.cert, key: client.key });
    open.push(cli);
    await cli.listen();
    await cli.send(Buffer.from(OPTIONS), {
      protocol: 'TLS',
      host: '127.0.0.1',
      port: srv.local.port,
      serverName: 'sip.example.test',
    });
    await new Promise((r) => setTimeout(r, 100));
    const message = events.find((e) => e.kind === 'message');
    expect(message?.kind === 'message' && message.source.tlsPeer?.uris).toEqual(['sip:client.example.test']);

    const anonymous = new TlsTransport({ port: 0, ca: ca.cert });
    open.push(anonymous);
    await anonymous.listen();
    const before = events.filter((e) => e.kind === 'message').length;
    await rejection(
      anonymous.send(Buffer.from(OPTIONS), {
        protocol: 'TLS',
        host: '127.0.0.1',
        port: srv.local.port,
        serverName: 'sip.example.test',
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(events.filter((e) => e.kind === 'message').length).toBe(before);
  });
});
