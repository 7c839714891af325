/**
 * SIP over WebSocket (RFC 7118) against a real `ws` client and server.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { SipRequest } from '../../src/message.js';
import { CertificateAuthority, type PemPair } from '../../src/pki/index.js';
import { isTransportError } from '../../src/transport/transport-error.js';
import { WsTransport } from '../../src/transport/ws-transport.js';
import { waitFor } from '@sipbreakout/test-peers';
import { TestUa } from '../interop/support/test-ua.js';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function uasOver(transport: WsTransport): Promise<TestUa> {
  const ua = new TestUa([transport]);
  await ua.listen();
  closers.push(() => ua.close());
  return ua;
}

function openClient(port: number, protocols: string[]): Promise<{ ws: WebSocket; messages: string[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, protocols);
    const messages: string[] = [];
    ws.on('message', (data: Buffer) => messages.push(data.toString('utf8')));
    ws.once('open', () => resolve({ ws, messages }));
    ws.once('error', reject);
    closers.push(() => ws.terminate());
  });
}

const optionsOver = (via: string, extra = 'Content-Length: 0\r\n'): string =>
  `OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WS ${via};branch=z9hG4bK-ws1\r\nFrom: <sip:a@example.test>;tag=1\r\nTo: <sip:bob@example.test>\r\nCall-ID: ws-1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n${extra}\r\n`;

describe('WsTransport (RFC 7118)', () => {
  it('refuses a WebSocket handshake that does not offer the "sip" subprotocol (§4.1)', async () => {
    const ua = await uasOver(new WsTransport({ port: 0 }));
    const port = ua.transport.transports[0]!.local.port;
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`, ['chat']);
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('open', () => resolve(101));
      ws.once('error', () => undefined);
    });
    expect(status).toBe(400);
    const accepted = await openClient(port, ['sip']);
    expect(accepted.ws.protocol).toBe('sip');
  });

  it('takes one SIP message per WebSocket message, Content-Length optional, and answers over the same connection (§5.1, §5.3)', async () => {
    const ua = await uasOver(new WsTransport({ port: 0 }));
    const port = ua.transport.transports[0]!.local.port;
    const { ws, messages } = await openClient(port, ['sip']);
    // A browser's Via host is an invented .invalid name (§5.2): only the connection leads back.
    ws.send(optionsOver('df7jal23ls0d.invalid', ''));
    await waitFor(() => messages.length > 0);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^SIP\/2\.0 200 OK\r\n/);
    expect(messages[0]).toContain('Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK-ws1;received=127.0.0.1');
  });

  it('answers a request that does not parse with a 400 over the connection, which stays open', async () => {
    const ua = await uasOver(new WsTransport({ port: 0 }));
    const { ws, messages } = await openClient(ua.transport.transports[0]!.local.port, ['sip']);
    ws.send(optionsOver('x.invalid', 'Content-Length: 0\r\nCSeq: 2 OPTIONS\r\n'));
    await waitFor(() => messages.length > 0);
    expect(messages[0]).toMatch(/^SIP\/2\.0 400 /);
    ws.send(optionsOver('x.invalid'));
    await waitFor(() => messages.length > 1);
    expect(messages[1]).toMatch(/^SIP\/2\.0 200 OK/);
    expect(ua.transport.counters.parseErrors).toBe(1);
  });

  it('places a call from our WS client to our WS server: Via transport WS, one connection both ways', async () => {
    const server = new WsTransport({ port: 0 });
    const uas = await uasOver(server);
    const client = new WsTransport({ port: 0 });
    const uac = await uasOver(client);
    const result = await uac.call({ protocol: 'WS', host: '127.0.0.1', port: server.local.port });
    expect(result).toEqual({ status: 200, byeStatus: 200 });
    expect(uas.counters).toMatchObject({ invites: 1, byes: 1 });
    expect(server.connectionCount).toBe(1);
    expect(client.connectionCount).toBe(1);
    let invite: SipRequest | undefined;
    const second = await uac.call(
      { protocol: 'WS', host: '127.0.0.1', port: server.local.port },
      { onInvite: (i) => (invite = i) },
    );
    expect(second.status).toBe(200);
    expect(invite?.headers.get('Via')).toMatch(/^SIP\/2\.0\/WS 127\.0\.0\.1:\d+;branch=z9hG4bK/);
    expect(server.connectionCount).toBe(1);
  });

  it('refuses to use a server that does not accept the "sip" subprotocol (TRANSPORT_ERR_CONNECT)', async () => {
    // `ws` picks the first offered subprotocol by default: this server picks none.
    const plain = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => false });
    closers.push(() => new Promise<void>((r) => plain.close(() => r())));
    await new Promise((r) => plain.once('listening', r));
    const port = (plain.address() as { port: number }).port;
    const client = new WsTransport({ port: 0 });
    await client.listen();
    closers.push(() => client.close());
    const error = await client
      .send(Buffer.from(optionsOver('x.invalid')), { protocol: 'WS', host: '127.0.0.1', port })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isTransportError(error, 'TRANSPORT_ERR_CONNECT'), String(error)).toBe(true);
  });

  describe('WSS', () => {
    let ca: CertificateAuthority;
    let pair: PemPair;
    beforeAll(async () => {
      ca = await CertificateAuthority.create();
      pair = await ca.issue({ commonName: 'ws.example.test', dnsNames: ['ws.example.test'] });
    });

    it('places a call over WSS, the client verifying the server against the CA and the name asked for', async () => {
      const server = new WsTransport({ port: 0, tls: { ca: ca.cert, cert: pair.cert, key: pair.key } });
      const uas = await uasOver(server);
      const uac = await uasOver(new WsTransport({ port: 0, tls: { ca: ca.cert, cert: pair.cert, key: pair.key } }));
      const result = await uac.call({
        protocol: 'WSS',
        host: '127.0.0.1',
        port: server.local.port,
        serverName: 'ws.example.test',
      });
      expect(result).toEqual({ status: 200, byeStatus: 200 });
      expect(uas.counters.invites).toBe(1);
      expect(server.protocol).toBe('WSS');
      const wrongName = new WsTransport({ port: 0, tls: { ca: ca.cert } });
      await wrongName.listen();
      closers.push(() => wrongName.close());
      const error = await wrongName
        .send(Buffer.from(optionsOver('x.invalid')), {
          protocol: 'WSS',
          host: '127.0.0.1',
          port: server.local.port,
          serverName: 'other.example.test',
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(isTransportError(error, 'TRANSPORT_ERR_CONNECT')).toBe(true);
    });
  });
});
