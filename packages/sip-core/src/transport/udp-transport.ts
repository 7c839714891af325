/**
 * SIP over UDP (RFC 3261 §18) on one `dgram` socket, with explicit receive
 * and send buffer sizes: under load the receive buffer decides how many
 * datagrams survive a burst.
 */
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { ParseLimits } from '../limits.js';
import { parseMessage } from '../parse-message.js';
import { TransportError } from './transport-error.js';
import type { Destination, HostPort, MessageSource, Transport, TransportReceiver } from './transport.js';

/** Options of {@link UdpTransport}. */
export interface UdpTransportOptions {
  /** Address to bind. Default 127.0.0.1. */
  readonly host?: string;
  /** Port to bind; 0 picks one. Default 5060. */
  readonly port?: number;
  /** What to write in Via sent-by; default the bound address. */
  readonly sentBy?: HostPort;
  /** SO_RCVBUF in bytes. Default 4 MiB (the kernel caps it at net.core.rmem_max). */
  readonly recvBufferSize?: number;
  /** SO_SNDBUF in bytes. Default 4 MiB. */
  readonly sendBufferSize?: number;
  readonly limits?: Partial<ParseLimits>;
}

/** The largest UDP payload over IPv4. */
const MAX_DATAGRAM = 65507;

/** UDP transport. */
export class UdpTransport implements Transport {
  readonly protocol = 'UDP' as const;
  readonly reliable = false;
  readonly #options: UdpTransportOptions;
  #socket: dgram.Socket | undefined;
  #local: HostPort;
  #receiver: TransportReceiver | undefined;

  constructor(options: UdpTransportOptions = {}) {
    this.#options = options;
    this.#local = { host: options.host ?? '127.0.0.1', port: options.port ?? 5060 };
  }

  get local(): HostPort {
    return this.#local;
  }

  get sentBy(): HostPort {
    return this.#options.sentBy ?? this.#local;
  }

  setReceiver(receiver: TransportReceiver): void {
    this.#receiver = receiver;
  }

  listen(): Promise<void> {
    const host = this.#local.host;
    const socket = dgram.createSocket({
      type: isIPv6(host) ? 'udp6' : 'udp4',
      recvBufferSize: this.#options.recvBufferSize ?? 4 * 1024 * 1024,
      sendBufferSize: this.#options.sendBufferSize ?? 4 * 1024 * 1024,
    });
    this.#socket = socket;
    socket.on('message', (bytes, rinfo) => this.#onDatagram(bytes, rinfo));
    // A datagram socket error (an ICMP unreachable on some systems) must not stop the process.
    socket.on('error', () => undefined);
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.#local.port, host, () => {
        socket.off('error', reject);
        const address = socket.address();
        this.#local = { host: address.address, port: address.port };
        resolve();
      });
    });
  }

  send(bytes: Uint8Array, destination: Destination): Promise<void> {
    const socket = this.#socket;
    if (socket === undefined) return Promise.reject(new TransportError('TRANSPORT_ERR_NOT_LISTENING'));
    if (bytes.length > MAX_DATAGRAM)
      return Promise.reject(
        new TransportError('TRANSPORT_ERR_MESSAGE_TOO_LARGE', `${bytes.length} bytes do not fit a UDP datagram`),
      );
    return new Promise((resolve, reject) => {
      socket.send(bytes, destination.port, destination.host, (error) => {
        if (error) reject(new TransportError('TRANSPORT_ERR_SEND', error.message, { cause: error }));
        else resolve();
      });
    });
  }

  hasConnection(): boolean {
    return false;
  }

  close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket === undefined) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }

  #onDatagram(bytes: Buffer, rinfo: dgram.RemoteInfo): void {
    const source: MessageSource = { protocol: 'UDP', host: rinfo.address, port: rinfo.port, local: this.#local };
    // RFC 5626 §4.4.2 keep-alives over UDP are STUN; a bare CRLF is ignored (RFC 3261 §7.5).
    if (bytes.length <= 4 && bytes.every((b) => b === 13 || b === 10)) return;
    const parsed = parseMessage(bytes, {
      ...(this.#options.limits === undefined ? {} : { limits: this.#options.limits }),
    });
    if (parsed.ok) this.#receiver?.({ kind: 'message', message: parsed.message, source });
    else this.#receiver?.({ kind: 'parseError', error: parsed.error, source, fatal: false });
  }
}
