/**
 * What TCP (and TLS, through the same base) does with connections
 * (RFC 3261 §18.3, RFC 5626 §4.4.1, RFC 5923): idle close and the
 * messageTimeout bound on a manual clock, CRLF keep-alives answered, the
 * connection limit, why each connection closed, and responses sent back
 * over the connection their request came on. Real sockets on loopback.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { isTransportError } from '../../src/transport/transport-error.js';
import { TcpTransport } from '../../src/transport/tcp-transport.js';
import type { TransportEvent } from '../../src/transport/transport.js';
import { freePort, waitFor } from '@sipbreakout/test-peers';
import { TestUa } from '../interop/support/test-ua.js';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

interface RawClient {
  readonly socket: net.Socket;
  readonly received: () => string;
  readonly closed: () => boolean;
}

function connect(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let data = '';
    let closed = false;
    socket.on('data', (d: Buffer) => (data += d.toString('latin1')));
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => data, closed: () => closed }));
    socket.once('error', reject);
    closers.push(() => {
      socket.destroy();
    });
  });
}

async function listening(
  options: ConstructorParameters<typeof TcpTransport>[0] = {},
): Promise<{ transport: TcpTransport; events: TransportEvent[] }> {
  const transport = new TcpTransport({ port: 0, ...options });
  const events: TransportEvent[] = [];
  transport.setReceiver((e) => events.push(e));
  await transport.listen();
  closers.push(() => transport.close());
  return { transport, events };
}

/** The reasons of the `closed` connection events, in order. */
const closes = (events: readonly TransportEvent[]): string[] =>
  events.flatMap((e) => (e.kind === 'connection' && e.state === 'closed' ? [e.reason] : []));

const options = (via: string, callId = 'c-1'): string =>
  `OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP ${via};branch=z9hG4bK-${callId}\r\nFrom: <sip:a@example.test>;tag=1\r\nTo: <sip:bob@example.test>\r\nCall-ID: ${callId}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;

describe('stream transports: connections (RFC 3261 §18.3)', () => {
  it('closes a connection after idleTimeout without traffic, and traffic postpones it (manual clock)', async () => {
    const clock = new ManualClock();
    const { transport, events } = await listening({ clock, limits: { idleTimeout: 1000 } });
    const client = await connect(transport.local.port);
    expect(await waitFor(() => transport.connectionCount === 1)).toBe(true);
    clock.advance(600);
    client.socket.write(options('127.0.0.1:5999'));
    // The message read at t=600 touches the connection.
    expect(await waitFor(() => events.some((e) => e.kind === 'message'))).toBe(true);
    clock.advance(600);
    expect(transport.connectionCount).toBe(1);
    expect(client.closed()).toBe(false);
    clock.advance(400);
    expect(transport.connectionCount).toBe(0);
    expect(await waitFor(() => client.closed())).toBe(true);
    expect(await waitFor(() => closes(events).length === 1)).toBe(true);
    expect(closes(events)).toEqual(['idle-timeout']);
  });

  it('closes an accepted connection that brings no message or keep-alive within messageTimeout, and keeps one that did', async () => {
    const clock = new ManualClock();
    const { transport, events } = await listening({ clock, limits: { messageTimeout: 1000 } });
    const silent = await connect(transport.local.port);
    const pinging = await connect(transport.local.port);
    expect(await waitFor(() => transport.connectionCount === 2)).toBe(true);
    pinging.socket.write('\r\n\r\n');
    expect(await waitFor(() => pinging.received() === '\r\n')).toBe(true);
    clock.advance(999);
    expect(transport.connectionCount).toBe(2);
    clock.advance(1);
    expect(await waitFor(() => silent.closed())).toBe(true);
    expect(await waitFor(() => closes(events).length === 1)).toBe(true);
    expect(closes(events)).toEqual(['message-timeout']);
    expect(pinging.closed()).toBe(false);
    clock.advance(5000);
    expect(pinging.closed()).toBe(false);
    expect(transport.connectionCount).toBe(1);
  });

  it('closes a connection whose message is not complete messageTimeout after its first byte, however slowly the rest trickles in', async () => {
    const clock = new ManualClock();
    const { transport, events } = await listening({ clock, limits: { messageTimeout: 1000 } });
    const client = await connect(transport.local.port);
    const half = options('127.0.0.1:5999', 'slow').slice(0, 60);
    // One write: the whole message (which stops the first-message clock) and the start of the next one.
    client.socket.write(options('127.0.0.1:5999', 'first') + half.slice(0, 30));
    expect(await waitFor(() => events.some((e) => e.kind === 'message'))).toBe(true);
    for (const at of [10, 20, 30]) {
      clock.advance(300);
      client.socket.write(half.slice(at, at + 10));
      // Let the trickle be read: it must not move the deadline.
      await waitFor(() => false, 20);
    }
    expect(client.closed()).toBe(false);
    clock.advance(99);
    expect(client.closed()).toBe(false);
    clock.advance(1);
    expect(await waitFor(() => client.closed())).toBe(true);
    expect(await waitFor(() => closes(events).length === 1)).toBe(true);
    expect(closes(events)).toEqual(['message-timeout']);
  });

  it('gives an outgoing connection no first-message deadline: the peer owes nothing until asked', async () => {
    const clock = new ManualClock();
    const { transport: server, events } = await listening();
    const { transport: client } = await listening({ clock, limits: { messageTimeout: 1000 } });
    await client.send(Buffer.from(options(`127.0.0.1:${client.local.port}`, 'out')), {
      protocol: 'TCP',
      host: '127.0.0.1',
      port: server.local.port,
    });
    expect(await waitFor(() => events.some((e) => e.kind === 'message'))).toBe(true);
    clock.advance(10_000);
    expect(client.connectionCount).toBe(1);
    expect(server.connectionCount).toBe(1);
  });

  it('says why each connection closed: bad input it cannot frame, the peer, or its own shutdown', async () => {
    const { transport, events } = await listening();
    const garbage = await connect(transport.local.port);
    garbage.socket.write('NOT SIP\r\n\r\n');
    expect(await waitFor(() => garbage.closed())).toBe(true);
    expect(events.find((e) => e.kind === 'parseError')).toMatchObject({
      fatal: true,
      error: { code: 'SIP_ERR_MISSING_CONTENT_LENGTH' },
    });
    const leaving = await connect(transport.local.port);
    expect(await waitFor(() => transport.connectionCount === 1)).toBe(true);
    leaving.socket.end();
    expect(await waitFor(() => closes(events).length === 2)).toBe(true);
    const staying = await connect(transport.local.port);
    expect(await waitFor(() => transport.connectionCount === 1)).toBe(true);
    await transport.close();
    expect(await waitFor(() => staying.closed() && closes(events).length === 3)).toBe(true);
    expect(closes(events)).toEqual(['bad-input', 'remote', 'local']);
  });

  it('answers a CRLF CRLF keep-alive ping with a single CRLF pong (RFC 5626 §4.4.1)', async () => {
    const { transport, events } = await listening();
    const client = await connect(transport.local.port);
    client.socket.write('\r\n\r\n');
    expect(await waitFor(() => client.received() === '\r\n')).toBe(true);
    // The ping is no message, and the connection stays usable.
    client.socket.write(options('127.0.0.1:5999'));
    expect(await waitFor(() => events.some((e) => e.kind === 'message'))).toBe(true);
    expect(client.received()).toBe('\r\n');
  });

  it('refuses connections over maxConnections, inbound (closed at once) and outbound (TRANSPORT_ERR_CONNECTION_LIMIT)', async () => {
    const { transport, events } = await listening({ limits: { maxConnections: 2 } });
    const a = await connect(transport.local.port);
    const b = await connect(transport.local.port);
    expect(await waitFor(() => transport.connectionCount === 2)).toBe(true);
    const c = await connect(transport.local.port);
    expect(await waitFor(() => c.closed())).toBe(true);
    expect(a.closed() || b.closed()).toBe(false);
    expect(transport.connectionCount).toBe(2);
    // Refused, never open: reported apart from the connections that opened and closed.
    expect(
      events.filter((e) => e.kind === 'connection').map((e) => `${e.state}${e.state === 'open' ? '' : ` ${e.reason}`}`),
    ).toEqual(['open', 'open', 'refused connection-limit']);
    const { transport: other } = await listening();
    const error = await transport
      .send(Buffer.from(options('127.0.0.1:1')), { protocol: 'TCP', host: '127.0.0.1', port: other.local.port })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isTransportError(error, 'TRANSPORT_ERR_CONNECTION_LIMIT')).toBe(true);
    a.socket.destroy();
    expect(await waitFor(() => transport.connectionCount === 1)).toBe(true);
    await transport.send(Buffer.from(options('127.0.0.1:1')), {
      protocol: 'TCP',
      host: '127.0.0.1',
      port: other.local.port,
    });
    expect(transport.connectionCount).toBe(2);
  });

  it('sends a response back over the connection its request came on, not to the Via sent-by (§18.2.2)', async () => {
    const ua = new TestUa([new TcpTransport({ port: 0 })]);
    await ua.listen();
    closers.push(() => ua.close());
    const tcp = ua.transport.transports[0] as TcpTransport;
    // Nothing listens at the sent-by: only the open connection leads back.
    const nowhere = await freePort('tcp');
    const client = await connect(tcp.local.port);
    client.socket.write(options(`127.0.0.1:${nowhere}`, 'reuse-1'));
    expect(await waitFor(() => client.received().includes('SIP/2.0 200 OK'))).toBe(true);
    client.socket.write(options(`127.0.0.1:${nowhere}`, 'reuse-2'));
    expect(await waitFor(() => (client.received().match(/SIP\/2\.0 200 OK/g) ?? []).length === 2)).toBe(true);
    expect(client.received()).toContain('Call-ID: reuse-2');
    expect(tcp.connectionCount).toBe(1);
  });

  it('opens one outgoing connection to an address and reuses it for later requests', async () => {
    const { transport: server, events } = await listening();
    const { transport: client } = await listening();
    const destination = { protocol: 'TCP' as const, host: '127.0.0.1', port: server.local.port };
    await Promise.all(
      [1, 2, 3].map((i) =>
        client.send(Buffer.from(options(`127.0.0.1:${client.local.port}`, `out-${i}`)), destination),
      ),
    );
    expect(await waitFor(() => events.filter((e) => e.kind === 'message').length === 3)).toBe(true);
    expect(client.connectionCount).toBe(1);
    expect(server.connectionCount).toBe(1);
    expect(events.filter((e) => e.kind === 'connection' && e.state === 'open')).toHaveLength(1);
  });
});
