/**
 * What the TLS server does with peers that never finish their handshake:
 * a deadline counted from accept (a manual clock; trickled bytes do not
 * move it), a cap on handshakes under way, and the socket closed whenever
 * a handshake fails, each failure reported as `tlsClientError` with its
 * code. Real sockets on loopback; the identity checks are in
 * `test/tls/tls-identity.test.ts`.
 */
import net from 'node:net';
import type tls from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { CertificateAuthority, type PemPair } from '../../src/pki/index.js';
import { TlsTransport, type TlsTransportOptions } from '../../src/transport/tls-transport.js';
import type { TlsPeerIdentity } from '../../src/transport/transport.js';
import { waitFor } from '@sipbreakout/test-peers';

/** A {@link TlsTransport} that records the code of each `tlsClientError`, as an operator's subclass would count them. */
class RecordingTlsTransport extends TlsTransport {
  readonly failures: string[] = [];

  protected override createServer(
    accept: (socket: net.Socket, tlsPeer: TlsPeerIdentity | undefined) => void,
  ): net.Server {
    const server = super.createServer(accept) as tls.Server;
    server.on('tlsClientError', (error: Error & { code?: string }) => this.failures.push(error.code ?? 'none'));
    return server;
  }
}

let ca: CertificateAuthority;
let server: PemPair;
const closers: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  ca = await CertificateAuthority.create();
  server = await ca.issue({
    commonName: 'sip.example.test',
    uris: ['sip:sip.example.test'],
    dnsNames: ['sip.example.test'],
  });
});

afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function listen(extra: Partial<TlsTransportOptions> = {}): Promise<RecordingTlsTransport> {
  const transport = new RecordingTlsTransport({ port: 0, ca: ca.cert, cert: server.cert, key: server.key, ...extra });
  await transport.listen();
  closers.push(() => transport.close());
  return transport;
}

interface RawClient {
  readonly socket: net.Socket;
  readonly closed: () => boolean;
}

function connect(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, closed: () => closed }));
    socket.once('error', reject);
    closers.push(() => {
      socket.destroy();
    });
  });
}

/** The first bytes of a ClientHello: a TLS handshake record header announcing 512 bytes, then a few of them. */
const PARTIAL_CLIENT_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);

describe('TlsTransport: handshakes of accepted connections', () => {
  it('closes a connection whose handshake has not finished handshakeTimeout after accept, with TLS_ERR_HANDSHAKE_TIMEOUT', async () => {
    const clock = new ManualClock();
    const transport = await listen({ clock, handshakeLimits: { handshakeTimeout: 1000 } });
    const silent = await connect(transport.local.port);
    const trickling = await connect(transport.local.port);
    expect(await waitFor(() => transport.handshakeCount === 2)).toBe(true);
    trickling.socket.write(PARTIAL_CLIENT_HELLO.subarray(0, 5));
    for (const at of [5, 7, 9]) {
      clock.advance(300);
      // A byte now and then: not enough to move a deadline counted from accept.
      trickling.socket.write(PARTIAL_CLIENT_HELLO.subarray(at, at + 2));
      await waitFor(() => false, 20);
    }
    expect(silent.closed() || trickling.closed()).toBe(false);
    clock.advance(100);
    expect(await waitFor(() => silent.closed() && trickling.closed())).toBe(true);
    expect(transport.failures).toEqual(['TLS_ERR_HANDSHAKE_TIMEOUT', 'TLS_ERR_HANDSHAKE_TIMEOUT']);
    expect(transport.handshakeCount).toBe(0);
    expect(transport.connectionCount).toBe(0);
  });

  it('closes a connection as it is accepted while maxHandshakes are under way, with TLS_ERR_HANDSHAKE_LIMIT, and takes one again once a slot frees', async () => {
    const transport = await listen({ handshakeLimits: { maxHandshakes: 2 } });
    const first = await connect(transport.local.port);
    const second = await connect(transport.local.port);
    expect(await waitFor(() => transport.handshakeCount === 2)).toBe(true);
    const third = await connect(transport.local.port);
    expect(await waitFor(() => third.closed())).toBe(true);
    expect(transport.failures).toEqual(['TLS_ERR_HANDSHAKE_LIMIT']);
    expect(first.closed() || second.closed()).toBe(false);
    first.socket.destroy();
    expect(await waitFor(() => transport.handshakeCount === 1)).toBe(true);
    const fourth = await connect(transport.local.port);
    expect(await waitFor(() => transport.handshakeCount === 2)).toBe(true);
    expect(fourth.closed()).toBe(false);
  });

  it('closes a connection whose handshake failed (plaintext on the TLS port), and a finished handshake frees its slot', async () => {
    const transport = await listen({ handshakeLimits: { maxHandshakes: 1 } });
    const plaintext = await connect(transport.local.port);
    plaintext.socket.write('OPTIONS sip:x@sip.example.test SIP/2.0\r\n\r\n');
    expect(await waitFor(() => plaintext.closed())).toBe(true);
    expect(transport.failures).toHaveLength(1);
    expect(transport.failures[0]).toMatch(/^ERR_SSL_/);
    expect(transport.handshakeCount).toBe(0);
    const client = new TlsTransport({ port: 0, ca: ca.cert });
    closers.push(() => client.close());
    await client.send(Buffer.from('\r\n\r\n'), {
      protocol: 'TLS',
      host: '127.0.0.1',
      port: transport.local.port,
      serverName: 'sip.example.test',
    });
    expect(await waitFor(() => transport.connectionCount === 1)).toBe(true);
    expect(transport.handshakeCount).toBe(0);
  });

  it('closes the connections still in their handshake when it closes', async () => {
    const transport = await listen();
    const pending = await connect(transport.local.port);
    expect(await waitFor(() => transport.handshakeCount === 1)).toBe(true);
    await transport.close();
    expect(await waitFor(() => pending.closed())).toBe(true);
    expect(transport.handshakeCount).toBe(0);
  });
});
