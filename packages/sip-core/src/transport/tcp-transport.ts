/**
 * SIP over TCP (RFC 3261 §18.3).
 */
import net from 'node:net';
import { TransportError } from './transport-error.js';
import { SocketStreamTransport, type StreamTransportOptions } from './socket-stream-transport.js';
import type { Destination, TlsPeerIdentity } from './transport.js';

/** Options of {@link TcpTransport}. */
export interface TcpTransportOptions extends StreamTransportOptions {
  /** How long to wait for a connection to open (ms). Default 5,000. */
  readonly connectTimeout?: number;
}

/** TCP transport: connections opened on demand and reused, both ways. */
export class TcpTransport extends SocketStreamTransport {
  readonly protocol = 'TCP' as const;
  readonly #connectTimeout: number;

  constructor(options: TcpTransportOptions = {}) {
    super(options, 5060);
    this.#connectTimeout = options.connectTimeout ?? 5000;
  }

  protected createServer(accept: (socket: net.Socket, tlsPeer: TlsPeerIdentity | undefined) => void): net.Server {
    return net.createServer((socket) => accept(socket, undefined));
  }

  protected dial(destination: Destination): Promise<{ socket: net.Socket; tlsPeer: TlsPeerIdentity | undefined }> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: destination.host, port: destination.port, timeout: this.#connectTimeout });
      const fail = (error: Error): void => {
        socket.destroy();
        reject(
          new TransportError('TRANSPORT_ERR_CONNECT', `${destination.host}:${destination.port}: ${error.message}`, {
            cause: error,
          }),
        );
      };
      socket.once('error', fail);
      socket.once('timeout', () => fail(new TransportError('TRANSPORT_ERR_CONNECT_TIMEOUT', 'connect timeout')));
      socket.once('connect', () => {
        socket.off('error', fail);
        socket.setTimeout(0);
        resolve({ socket, tlsPeer: undefined });
      });
    });
  }
}
