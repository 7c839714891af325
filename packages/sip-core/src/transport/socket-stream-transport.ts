/**
 * What TCP and TLS share (RFC 3261 §18.3): a listening server, outgoing
 * connections opened on demand and reused, a {@link StreamFramer} per
 * connection, CRLF keep-alives answered (RFC 5626 §4.4.1), RFC 5923 aliases,
 * idle close, a bound on how long a message may take to arrive, and a
 * connection limit.
 */
import type net from 'node:net';
import { SystemClock, type Clock, type ClockTimer } from '../clock.js';
import type { ParseLimits } from '../limits.js';
import { StreamFramer } from '../stream-framer.js';
import {
  type Connection,
  ConnectionTable,
  type ConnectionLimits,
  DEFAULT_CONNECTION_LIMITS,
} from './connection-table.js';
import { TransportError } from './transport-error.js';
import type {
  ConnectionCloseReason,
  Destination,
  HostPort,
  MessageSource,
  TlsPeerIdentity,
  Transport,
  TransportReceiver,
} from './transport.js';

/** Options every stream transport takes. */
export interface StreamTransportOptions {
  /** Address to bind. Default 127.0.0.1. */
  readonly host?: string;
  /** Port to bind; 0 picks one. Default 5060 (TCP) or 5061 (TLS). */
  readonly port?: number;
  /** What to write in Via sent-by; default the bound address. */
  readonly sentBy?: HostPort;
  /** The clock of idle and message timers. Default the system clock. */
  readonly clock?: Clock;
  readonly limits?: Partial<ConnectionLimits>;
  /** Limits of each connection's framer: `maxMessageSize` bounds its buffer. */
  readonly parseLimits?: Partial<ParseLimits>;
}

const CRLF = Buffer.from('\r\n', 'latin1');

class SocketConnection implements Connection {
  /** Why this side closed the connection; undefined while it did not (then the peer did). */
  closeReason: ConnectionCloseReason | undefined;

  constructor(
    readonly id: string,
    readonly socket: net.Socket,
    readonly remote: HostPort,
    readonly local: HostPort,
    readonly outbound: boolean,
    readonly tlsPeer: TlsPeerIdentity | undefined,
  ) {}

  write(bytes: Uint8Array): Promise<void> {
    if (this.socket.destroyed || !this.socket.writable)
      return Promise.reject(new TransportError('TRANSPORT_ERR_CLOSED'));
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (error) =>
        error ? reject(new TransportError('TRANSPORT_ERR_SEND', error.message, { cause: error })) : resolve(),
      );
    });
  }

  close(reason: ConnectionCloseReason = 'local'): void {
    this.closeReason ??= reason;
    this.socket.end();
    this.socket.destroySoon();
  }
}

/** The base of {@link TcpTransport} and {@link TlsTransport}. */
export abstract class SocketStreamTransport implements Transport {
  abstract readonly protocol: 'TCP' | 'TLS';
  readonly reliable = true;
  readonly #options: StreamTransportOptions;
  readonly #clock: Clock;
  readonly #limits: ConnectionLimits;
  readonly #table: ConnectionTable;
  readonly #pending = new Map<string, Promise<Connection>>();
  #server: net.Server | undefined;
  #local: HostPort;
  #receiver: TransportReceiver | undefined;
  #nextId = 1;

  constructor(options: StreamTransportOptions, defaultPort: number) {
    this.#options = options;
    this.#local = { host: options.host ?? '127.0.0.1', port: options.port ?? defaultPort };
    this.#clock = options.clock ?? new SystemClock();
    this.#limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.limits };
    this.#table = new ConnectionTable(this.#clock, this.#limits);
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

  /** Creates the listening server; `accept` is called with each connected (and, for TLS, verified) socket. */
  protected abstract createServer(
    accept: (socket: net.Socket, tlsPeer: TlsPeerIdentity | undefined) => void,
  ): net.Server;

  /** Opens a connection to `destination` (TLS: handshake and identity check included). */
  protected abstract dial(
    destination: Destination,
  ): Promise<{ socket: net.Socket; tlsPeer: TlsPeerIdentity | undefined }>;

  /** The key under which an outgoing connection to `destination` is reused. */
  protected keyOf(destination: Destination): string {
    return `${destination.host}:${destination.port}`;
  }

  listen(): Promise<void> {
    const server = this.createServer((socket, tlsPeer) => {
      const remote = { host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
      if (this.#table.full) {
        socket.destroy();
        this.#receiver?.({
          kind: 'connection',
          state: 'refused',
          reason: 'connection-limit',
          source: { protocol: this.protocol, ...remote, local: this.#local },
        });
        return;
      }
      this.#attach(socket, remote, false, tlsPeer, [`${remote.host}:${remote.port}`]);
    });
    this.#server = server;
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
    connection ??= this.#table.find(this.keyOf(destination)) ?? (await this.#connect(destination));
    this.#table.touch(connection.id);
    await connection.write(bytes);
  }

  hasConnection(connectionId: string): boolean {
    return this.#table.get(connectionId) !== undefined;
  }

  async close(): Promise<void> {
    this.#table.closeAll();
    const server = this.#server;
    this.#server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #connect(destination: Destination): Promise<Connection> {
    const key = this.keyOf(destination);
    const pending = this.#pending.get(key);
    if (pending !== undefined) return pending;
    if (this.#table.full) return Promise.reject(new TransportError('TRANSPORT_ERR_CONNECTION_LIMIT'));
    const opening = this.dial(destination).then(({ socket, tlsPeer }) =>
      this.#attach(socket, { host: destination.host, port: destination.port }, true, tlsPeer, [key]),
    );
    this.#pending.set(key, opening);
    const forget = (): void => {
      this.#pending.delete(key);
    };
    opening.then(forget, forget);
    return opening;
  }

  #attach(
    socket: net.Socket,
    remote: HostPort,
    outbound: boolean,
    tlsPeer: TlsPeerIdentity | undefined,
    keys: string[],
  ): Connection {
    const id = `${this.protocol.toLowerCase()}-${this.#nextId++}`;
    const local = { host: socket.localAddress ?? this.#local.host, port: socket.localPort ?? this.#local.port };
    const connection = new SocketConnection(id, socket, remote, local, outbound, tlsPeer);
    this.#table.add(connection, keys);
    socket.setNoDelay(true);
    const framer = new StreamFramer({
      ...(this.#options.parseLimits === undefined ? {} : { limits: this.#options.parseLimits }),
      keepAliveRole: outbound ? 'client' : 'server',
    });
    const source: MessageSource = {
      protocol: this.protocol,
      host: remote.host,
      port: remote.port,
      local: this.#local,
      connectionId: id,
      ...(tlsPeer === undefined ? {} : { tlsPeer }),
    };
    // The messageTimeout bound: an accepted connection owes a first message (or keep-alive) within it of
    // opening, and any message begun must end within it of its first byte, however slowly the rest trickles.
    let messageTimer: ClockTimer | undefined;
    const armMessageTimer = (): void => {
      if (this.#limits.messageTimeout <= 0) return;
      messageTimer = this.#clock.setTimer(this.#limits.messageTimeout, () => {
        messageTimer = undefined;
        connection.close('message-timeout');
      });
    };
    if (!outbound) armMessageTimer();
    socket.on('data', (chunk: Buffer) => {
      this.#table.touch(id);
      let completed = false;
      for (const event of framer.push(chunk)) {
        // A message (even a malformed one whose end was known) or a keep-alive ends what was pending.
        if (event.kind !== 'error' || !event.fatal) completed = true;
        switch (event.kind) {
          case 'message': {
            const message = event.message;
            // RFC 5923 §5: a request whose top Via has `alias` names this connection by its sent-by.
            if (message.kind === 'request') {
              const top = message.via[0];
              if (top?.params.has('alias') === true)
                this.#table.alias(id, `${top.host}:${top.port ?? (this.protocol === 'TLS' ? 5061 : 5060)}`);
            }
            this.#receiver?.({ kind: 'message', message, source });
            break;
          }
          case 'ping':
            // RFC 5626 §4.4.1: answer a double-CRLF ping with a single CRLF pong.
            socket.write(CRLF);
            break;
          case 'pong':
            break;
          case 'error':
            this.#receiver?.({ kind: 'parseError', error: event.error, source, fatal: event.fatal });
            if (event.fatal) connection.close('bad-input');
            break;
        }
      }
      if (completed) {
        messageTimer?.cancel();
        messageTimer = undefined;
      }
      // Bytes of a message not yet complete: its clock starts now, unless it already runs.
      if (framer.buffered > 0 && messageTimer === undefined && !framer.failed) armMessageTimer();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      messageTimer?.cancel();
      messageTimer = undefined;
      this.#table.remove(id);
      this.#receiver?.({ kind: 'connection', state: 'closed', reason: connection.closeReason ?? 'remote', source });
    });
    this.#receiver?.({ kind: 'connection', state: 'open', source });
    return connection;
  }
}
