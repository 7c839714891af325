/**
 * SIP over WebSocket (RFC 7118) with `ws`: the `sip` subprotocol is required
 * both ways (§4.1: a handshake without it is refused), one SIP message per
 * WebSocket message (§5.1), Via transport `WS` or `WSS` (§5.2), and
 * responses sent back over the connection their request came on (§5.3,
 * RFC 3261 §18.2.2). With `tls` options the server speaks WSS over
 * `https`, and the client verifies the server against the given CAs.
 */
import http from 'node:http';
import https from 'node:https';
import { isUtf8 } from 'node:buffer';
import { isIP } from 'node:net';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { SystemClock } from '../clock.js';
import { resolveLimits } from '../limits.js';
import type { ParseLimits } from '../limits.js';
import { parseMessage } from '../parse-message.js';
import {
  type Connection,
  ConnectionTable,
  type ConnectionLimits,
  DEFAULT_CONNECTION_LIMITS,
} from './connection-table.js';
import { TransportError } from './transport-error.js';
import type { Clock } from '../clock.js';
import type {
  ConnectionCloseReason,
  Destination,
  HostPort,
  MessageSource,
  Transport,
  TransportReceiver,
} from './transport.js';

/** The WebSocket subprotocol of RFC 7118 §4.1 (IANA registered). */
export const SIP_WEBSOCKET_PROTOCOL = 'sip';

/** Options of {@link WsTransport}. */
export interface WsTransportOptions {
  /** Address to bind. Default 127.0.0.1. */
  readonly host?: string;
  /** Port to bind; 0 picks one. Default 80 (WS) or 443 (WSS). */
  readonly port?: number;
  /** What to write in Via sent-by; default the bound address. */
  readonly sentBy?: HostPort;
  /** The HTTP path of the server, and of the URL dialled. Default `/`. */
  readonly path?: string;
  /** WSS: our certificate and key (PEM) to listen, and the CAs that servers we dial must verify against. */
  readonly tls?: { readonly cert?: string; readonly key?: string; readonly ca: string | readonly string[] };
  readonly clock?: Clock;
  readonly limits?: Partial<ConnectionLimits>;
  /** `maxMessageSize` also bounds each WebSocket message (`ws` maxPayload). */
  readonly parseLimits?: Partial<ParseLimits>;
  /** How long to wait for a connection to open (ms). Default 5,000. */
  readonly connectTimeout?: number;
}

class WsConnection implements Connection {
  /** Why this side closed the connection; undefined while it did not (then the peer did). */
  closeReason: ConnectionCloseReason | undefined;

  constructor(
    readonly id: string,
    readonly socket: WebSocket,
    readonly remote: HostPort,
    readonly local: HostPort,
    readonly outbound: boolean,
  ) {}

  readonly tlsPeer = undefined;

  write(bytes: Uint8Array): Promise<void> {
    if (this.socket.readyState !== WebSocket.OPEN) return Promise.reject(new TransportError('TRANSPORT_ERR_CLOSED'));
    // RFC 7118 §5.1: UTF-8 messages go in text frames, others (a binary body) in binary frames.
    const binary = !isUtf8(bytes);
    return new Promise((resolve, reject) => {
      this.socket.send(bytes, { binary }, (error) =>
        error ? reject(new TransportError('TRANSPORT_ERR_SEND', error.message, { cause: error })) : resolve(),
      );
    });
  }

  close(reason: ConnectionCloseReason = 'local'): void {
    this.closeReason ??= reason;
    this.socket.close(1000);
  }
}

/** The WebSocket transport (RFC 7118); `WSS` when constructed with `tls`. */
export class WsTransport implements Transport {
  readonly protocol: 'WS' | 'WSS';
  readonly reliable = true;
  readonly #options: WsTransportOptions;
  readonly #table: ConnectionTable;
  readonly #limits: ParseLimits;
  readonly #pending = new Map<string, Promise<Connection>>();
  #http: http.Server | https.Server | undefined;
  #wss: WebSocketServer | undefined;
  #local: HostPort;
  #receiver: TransportReceiver | undefined;
  #nextId = 1;

  constructor(options: WsTransportOptions = {}) {
    this.#options = options;
    this.protocol = options.tls === undefined ? 'WS' : 'WSS';
    this.#local = { host: options.host ?? '127.0.0.1', port: options.port ?? (this.protocol === 'WS' ? 80 : 443) };
    this.#table = new ConnectionTable(options.clock ?? new SystemClock(), {
      ...DEFAULT_CONNECTION_LIMITS,
      ...options.limits,
    });
    this.#limits = resolveLimits(options.parseLimits);
  }

  get local(): HostPort {
    return this.#local;
  }

  get sentBy(): HostPort {
    return this.#options.sentBy ?? this.#local;
  }

  /** How many connections are open. */
  get connectionCount(): number {
    return this.#table.size;
  }

  setReceiver(receiver: TransportReceiver): void {
    this.#receiver = receiver;
  }

  listen(): Promise<void> {
    const tls = this.#options.tls;
    const server =
      tls === undefined
        ? http.createServer()
        : https.createServer({
            ...(tls.cert === undefined ? {} : { cert: tls.cert }),
            ...(tls.key === undefined ? {} : { key: tls.key }),
          });
    // A plain HTTP request that is no upgrade gets 426 (RFC 6455 §4.2.2 leaves the page to us).
    server.on('request', (_req, res) => {
      res.writeHead(426, { Connection: 'close', Upgrade: 'websocket' }).end();
    });
    const wss = new WebSocketServer({
      server,
      path: this.#options.path ?? '/',
      maxPayload: this.#limits.maxMessageSize,
      // RFC 7118 §4.1: the client MUST ask for `sip`, and a server MUST refuse a handshake without it.
      verifyClient: (info, done) => {
        const offered = String(info.req.headers['sec-websocket-protocol'] ?? '')
          .split(',')
          .map((p) => p.trim().toLowerCase());
        if (!offered.includes(SIP_WEBSOCKET_PROTOCOL))
          done(false, 400, 'SIP WebSocket subprotocol "sip" required (RFC 7118 §4.1)');
        else if (this.#table.full) done(false, 503, 'Too many connections');
        else done(true);
      },
      handleProtocols: (protocols) => (protocols.has(SIP_WEBSOCKET_PROTOCOL) ? SIP_WEBSOCKET_PROTOCOL : false),
    });
    wss.on('connection', (socket, req) => {
      const remote = { host: req.socket.remoteAddress ?? '', port: req.socket.remotePort ?? 0 };
      const local = {
        host: req.socket.localAddress ?? this.#local.host,
        port: req.socket.localPort ?? this.#local.port,
      };
      this.#attach(socket, remote, local, false, [`${remote.host}:${remote.port}`]);
    });
    wss.on('error', () => undefined);
    this.#http = server;
    this.#wss = wss;
    server.on('error', () => undefined);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#local.port, this.#local.host, () => {
        server.off('error', reject);
        const address = server.address();
        if (address !== null && typeof address === 'object')
          this.#local = { host: address.address, port: address.port };
        resolve();
      });
    });
  }

  async send(bytes: Uint8Array, destination: Destination): Promise<void> {
    let connection = destination.connectionId === undefined ? undefined : this.#table.get(destination.connectionId);
    connection ??= this.#table.find(`${destination.host}:${destination.port}`) ?? (await this.#connect(destination));
    this.#table.touch(connection.id);
    await connection.write(bytes);
  }

  hasConnection(connectionId: string): boolean {
    return this.#table.get(connectionId) !== undefined;
  }

  async close(): Promise<void> {
    this.#table.closeAll();
    const wss = this.#wss;
    const server = this.#http;
    this.#wss = undefined;
    this.#http = undefined;
    if (wss !== undefined) {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
    if (server !== undefined) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  #connect(destination: Destination): Promise<Connection> {
    const key = `${destination.host}:${destination.port}`;
    const pending = this.#pending.get(key);
    if (pending !== undefined) return pending;
    if (this.#table.full) return Promise.reject(new TransportError('TRANSPORT_ERR_CONNECTION_LIMIT'));
    const tls = this.#options.tls;
    const host = isIP(destination.host) === 6 ? `[${destination.host}]` : destination.host;
    const url = `${tls === undefined ? 'ws' : 'wss'}://${host}:${destination.port}${this.#options.path ?? '/'}`;
    const serverName = destination.serverName ?? destination.host;
    const opening = new Promise<Connection>((resolve, reject) => {
      const socket = new WebSocket(url, [SIP_WEBSOCKET_PROTOCOL], {
        handshakeTimeout: this.#options.connectTimeout ?? 5000,
        maxPayload: this.#limits.maxMessageSize,
        ...(tls === undefined
          ? {}
          : {
              ca: typeof tls.ca === 'string' ? [tls.ca] : [...tls.ca],
              ...(isIP(serverName) === 0 ? { servername: serverName } : {}),
              rejectUnauthorized: true,
            }),
      });
      const fail = (error: Error): void => {
        socket.terminate();
        reject(new TransportError('TRANSPORT_ERR_CONNECT', `${url}: ${error.message}`, { cause: error }));
      };
      let local: HostPort = { host: this.#local.host, port: 0 };
      socket.once('upgrade', (response) => {
        local = { host: response.socket.localAddress ?? local.host, port: response.socket.localPort ?? 0 };
      });
      socket.once('error', fail);
      socket.once('open', () => {
        socket.off('error', fail);
        // RFC 7118 §4.1: a server that did not accept `sip` is not a SIP WebSocket server.
        if (socket.protocol !== SIP_WEBSOCKET_PROTOCOL) {
          fail(new TransportError('TRANSPORT_ERR_SUBPROTOCOL', 'the server did not accept the "sip" subprotocol'));
          return;
        }
        resolve(this.#attach(socket, { host: destination.host, port: destination.port }, local, true, [key]));
      });
    });
    this.#pending.set(key, opening);
    const forget = (): void => {
      this.#pending.delete(key);
    };
    opening.then(forget, forget);
    return opening;
  }

  #attach(socket: WebSocket, remote: HostPort, local: HostPort, outbound: boolean, keys: string[]): Connection {
    const id = `${this.protocol.toLowerCase()}-${this.#nextId++}`;
    const connection = new WsConnection(id, socket, remote, local, outbound);
    this.#table.add(connection, keys);
    const source: MessageSource = {
      protocol: this.protocol,
      host: remote.host,
      port: remote.port,
      local: this.#local,
      connectionId: id,
    };
    socket.on('message', (data: RawData) => {
      this.#table.touch(id);
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      // A whitespace-only message is a keep-alive, not a SIP message (RFC 3261 §7.5 ignores leading CRLFs).
      if (bytes.every((b) => b === 13 || b === 10 || b === 32)) return;
      // RFC 7118 §5.1: the WebSocket message is the frame, as a datagram is on UDP, so
      // Content-Length may be absent and is checked when present.
      const parsed = parseMessage(bytes, { limits: this.#limits });
      if (parsed.ok) this.#receiver?.({ kind: 'message', message: parsed.message, source });
      else this.#receiver?.({ kind: 'parseError', error: parsed.error, source, fatal: false });
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.#table.remove(id);
      this.#receiver?.({ kind: 'connection', state: 'closed', reason: connection.closeReason ?? 'remote', source });
    });
    this.#receiver?.({ kind: 'connection', state: 'open', source });
    return connection;
  }
}
