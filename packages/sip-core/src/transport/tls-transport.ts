/**
 * SIP over TLS (RFC 3261 §26.3.1) with the identity checks of RFC 5922:
 * the client verifies the chain against the configured CAs and that the
 * certificate names the SIP domain it meant to reach, sends SNI, and can
 * present a certificate; the server can require one and exposes the
 * verified client identity on every message's source. The server bounds
 * what a peer that never completes its handshake can hold: each handshake
 * has a deadline, and only so many may be under way at once.
 */
import { isIP } from 'node:net';
import type net from 'node:net';
import tls from 'node:tls';
import { SystemClock, type Clock, type ClockTimer } from '../clock.js';
import { readCertificateIdentity, type SipDomainMatchOptions, verifySipDomain } from '../tls/sip-domain-identity.js';
import { TlsError, isTlsError } from '../tls/tls-error.js';
import { TransportError, isTransportError } from './transport-error.js';
import { SocketStreamTransport, type StreamTransportOptions } from './socket-stream-transport.js';
import type { Destination, TlsPeerIdentity } from './transport.js';

/** Options of {@link TlsTransport}. */
export interface TlsTransportOptions extends StreamTransportOptions, SipDomainMatchOptions {
  /** PEM CA certificates that peer chains must verify against (client and server side). */
  readonly ca: string | readonly string[];
  /** Our certificate chain (PEM): required to listen, and presented as client certificate (mutual TLS). */
  readonly cert?: string;
  /** The private key of `cert` (PEM). */
  readonly key?: string;
  /** Ask clients for a certificate; a verified one is exposed as `source.tlsPeer`. Default false. */
  readonly requestClientCertificate?: boolean;
  /** Refuse clients without a certificate that verifies. Default false. */
  readonly requireClientCertificate?: boolean;
  /** How long to wait for the connection and handshake (ms). Default 5,000. */
  readonly connectTimeout?: number;
  /** Bounds on inbound handshakes; any not given take {@link DEFAULT_HANDSHAKE_LIMITS}. */
  readonly handshakeLimits?: Partial<HandshakeLimits>;
}

/** Bounds on the handshakes of accepted connections, which are not yet anyone's SIP connection. */
export interface HandshakeLimits {
  /**
   * An accepted connection whose handshake has not finished this long
   * after it was accepted is closed, however slowly its bytes trickle in
   * (ms); the server reports it as a `tlsClientError` with code
   * `TLS_ERR_HANDSHAKE_TIMEOUT`. Default 10,000. 0: no deadline of ours,
   * only Node's (120 s without a byte).
   */
  readonly handshakeTimeout: number;
  /**
   * Most accepted connections in their handshake at once: one more is
   * closed as it is accepted (`tlsClientError` with code
   * `TLS_ERR_HANDSHAKE_LIMIT`), so peers that never finish cannot take
   * every socket. Default 1,000.
   */
  readonly maxHandshakes: number;
}

/** The defaults of {@link HandshakeLimits}. */
export const DEFAULT_HANDSHAKE_LIMITS: HandshakeLimits = Object.freeze({
  handshakeTimeout: 10_000,
  maxHandshakes: 1_000,
});

/** OpenSSL verification codes that mean the chain did not verify. */
const CHAIN_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

/** TLS transport. */
export class TlsTransport extends SocketStreamTransport {
  readonly protocol = 'TLS' as const;
  readonly #options: TlsTransportOptions;
  readonly #clock: Clock;
  readonly #handshakeLimits: HandshakeLimits;
  /** Accepted connections still in their handshake, by remote address (unique among open connections). */
  readonly #handshaking = new Map<string, { readonly raw: net.Socket; readonly deadline: ClockTimer | undefined }>();

  constructor(options: TlsTransportOptions) {
    super(options, 5061);
    this.#options = options;
    this.#clock = options.clock ?? new SystemClock();
    this.#handshakeLimits = { ...DEFAULT_HANDSHAKE_LIMITS, ...options.handshakeLimits };
  }

  /** How many accepted connections are still in their handshake. */
  get handshakeCount(): number {
    return this.#handshaking.size;
  }

  /** Closes the connections still in their handshake too, then what the base closes. */
  override async close(): Promise<void> {
    for (const { raw, deadline } of this.#handshaking.values()) {
      deadline?.cancel();
      raw.destroy();
    }
    this.#handshaking.clear();
    await super.close();
  }

  protected override keyOf(destination: Destination): string {
    // A connection is reused only for the SIP domain it was verified for.
    return `${destination.host}:${destination.port}#${(destination.serverName ?? destination.host).toLowerCase()}`;
  }

  protected createServer(accept: (socket: net.Socket, tlsPeer: TlsPeerIdentity | undefined) => void): net.Server {
    const o = this.#options;
    const server = tls.createServer({
      ca: toList(o.ca),
      ...(o.cert === undefined ? {} : { cert: o.cert }),
      ...(o.key === undefined ? {} : { key: o.key }),
      requestCert: o.requestClientCertificate === true || o.requireClientCertificate === true,
      rejectUnauthorized: o.requireClientCertificate === true,
    });
    const handshaking = this.#handshaking;
    const finished = (key: string, raw?: net.Socket): void => {
      const entry = handshaking.get(key);
      if (entry === undefined || (raw !== undefined && entry.raw !== raw)) return;
      entry.deadline?.cancel();
      handshaking.delete(key);
    };
    const { handshakeTimeout, maxHandshakes } = this.#handshakeLimits;
    // Node emits the raw socket here, after wrapping it for TLS: destroying it with an error ends the
    // handshake with that error, which reaches `tlsClientError` like any other failed handshake.
    server.on('connection', (raw: net.Socket) => {
      raw.on('error', () => undefined);
      if (handshaking.size >= maxHandshakes) {
        raw.destroy(new TlsError('TLS_ERR_HANDSHAKE_LIMIT'));
        return;
      }
      const key = `${raw.remoteAddress}:${raw.remotePort}`;
      const deadline =
        handshakeTimeout > 0
          ? this.#clock.setTimer(handshakeTimeout, () => raw.destroy(new TlsError('TLS_ERR_HANDSHAKE_TIMEOUT')))
          : undefined;
      handshaking.set(key, { raw, deadline });
      raw.once('close', () => finished(key, raw));
    });
    server.on('secureConnection', (socket) => {
      finished(`${socket.remoteAddress}:${socket.remotePort}`);
      let peer: TlsPeerIdentity | undefined;
      if (socket.authorized) {
        const raw = socket.getPeerCertificate().raw;
        if (raw !== undefined) {
          try {
            peer = readCertificateIdentity(raw);
          } catch {
            peer = undefined;
          }
        }
      }
      accept(socket, peer);
    });
    // Node reports a failed handshake (its own 120 s timeout included) but leaves the socket open: close it.
    server.on('tlsClientError', (_error, socket) => socket.destroy());
    return server;
  }

  protected dial(destination: Destination): Promise<{ socket: net.Socket; tlsPeer: TlsPeerIdentity | undefined }> {
    const o = this.#options;
    const domain = destination.serverName ?? destination.host;
    let verified: TlsPeerIdentity | undefined;
    return new Promise((resolve, reject) => {
      const socket = tls.connect({
        host: destination.host,
        port: destination.port,
        // RFC 5922 §7.2 / RFC 6066 §3: SNI carries the SIP domain (never an IP literal).
        ...(isIP(domain) === 0 ? { servername: domain } : {}),
        ca: toList(o.ca),
        ...(o.cert === undefined ? {} : { cert: o.cert }),
        ...(o.key === undefined ? {} : { key: o.key }),
        rejectUnauthorized: true,
        timeout: o.connectTimeout ?? 5000,
        checkServerIdentity: (_host, cert) => {
          try {
            verified = verifySipDomain(cert.raw, domain, o);
            return undefined;
          } catch (e) {
            return e instanceof Error ? e : new TlsError('TLS_ERR_IDENTITY_MISMATCH');
          }
        },
      });
      const fail = (error: Error & { code?: string }): void => {
        socket.destroy();
        if (isTlsError(error)) reject(error);
        else if (error.code !== undefined && CHAIN_ERRORS.has(error.code))
          reject(new TlsError('TLS_ERR_CHAIN', `${domain}: ${error.message}`, { cause: error }));
        else if (error.code === 'ECONNREFUSED' || isTransportError(error, 'TRANSPORT_ERR_CONNECT_TIMEOUT'))
          reject(
            new TransportError('TRANSPORT_ERR_CONNECT', `${destination.host}:${destination.port}: ${error.message}`, {
              cause: error,
            }),
          );
        else reject(new TlsError('TLS_ERR_HANDSHAKE', `${domain}: ${error.message}`, { cause: error }));
      };
      socket.once('error', fail);
      socket.once('timeout', () => fail(new TransportError('TRANSPORT_ERR_CONNECT_TIMEOUT', 'connect timeout')));
      socket.once('secureConnect', () => {
        socket.off('error', fail);
        socket.setTimeout(0);
        resolve({ socket, tlsPeer: verified });
      });
    });
  }
}

function toList(ca: string | readonly string[]): string[] {
  return typeof ca === 'string' ? [ca] : [...ca];
}
