/**
 * sip-core's TLS transport, with inbound TLS failures reported: a
 * handshake that fails (no client certificate when one is required, a
 * chain that does not verify, a client speaking something else, one not
 * done in time or past the limit on handshakes under way: sip-core's
 * `TLS_ERR_HANDSHAKE_TIMEOUT`, `TLS_ERR_HANDSHAKE_LIMIT`) and a client
 * certificate that was presented but did not verify.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import { TlsTransport, type TlsPeerIdentity, type TlsTransportOptions } from '@sipbreakout/sip-core';

/** Called with the cause of each inbound TLS failure (an OpenSSL or Node error code). */
export type TlsFailureListener = (cause: string) => void;

/** A {@link TlsTransport} that reports inbound TLS failures. */
export class ObservedTlsTransport extends TlsTransport {
  readonly #onFailure: TlsFailureListener;

  constructor(options: TlsTransportOptions, onFailure: TlsFailureListener) {
    super(options);
    this.#onFailure = onFailure;
  }

  protected override createServer(
    accept: (socket: net.Socket, tlsPeer: TlsPeerIdentity | undefined) => void,
  ): net.Server {
    const server = super.createServer(accept) as tls.Server;
    server.on('tlsClientError', (error: Error & { code?: string }) => this.#onFailure(error.code ?? 'HANDSHAKE'));
    server.on('secureConnection', (socket: tls.TLSSocket) => {
      // With certificates requested but not required, an unverified one is accepted without an identity: count it.
      if (!socket.authorized && socket.getPeerCertificate().raw !== undefined) {
        this.#onFailure(String(socket.authorizationError ?? 'UNVERIFIED_CLIENT_CERTIFICATE'));
      }
    });
    return server;
  }
}
