/**
 * The one interface every transport implements (UDP, TCP, TLS, WebSocket,
 * in-memory), and the addresses that travel with messages (RFC 3261 §18).
 */
import type { SipParseError } from '../errors.js';
import type { SipMessage } from '../message.js';

/** Transport protocols, as written in a Via (RFC 3261 §20.42, RFC 7118 §5.1). */
export type TransportProtocol = 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS';

/** True for the transports RFC 3261 §17 calls reliable (no retransmit timers). */
export function isReliableProtocol(protocol: TransportProtocol): boolean {
  return protocol !== 'UDP';
}

/** The RFC 3261 §19.1.2 / RFC 7118 default port of a transport. */
export function defaultPort(protocol: TransportProtocol): number {
  switch (protocol) {
    case 'UDP':
    case 'TCP':
      return 5060;
    case 'TLS':
      return 5061;
    case 'WS':
      return 80;
    case 'WSS':
      return 443;
  }
}

/** A host (IP address or name; IPv6 without brackets) and a port. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Where a message is to be sent. */
export interface Destination extends HostPort {
  readonly protocol: TransportProtocol;
  /**
   * TLS: the SIP domain the peer's certificate must name (RFC 5922 §7.2),
   * also sent as SNI. Defaults to `host`.
   */
  readonly serverName?: string;
  /** Send over this connection when it is still open (RFC 3261 §18.2.2). */
  readonly connectionId?: string;
}

/** The verified identity of a TLS peer (RFC 5922 §7.1): the names its certificate holds. */
export interface TlsPeerIdentity {
  /** subjectAltName URIs (`sip:example.com`). */
  readonly uris: readonly string[];
  /** subjectAltName DNS names. */
  readonly dnsNames: readonly string[];
  /** Subject common name, which RFC 5922 §7.1 only uses when there is no subjectAltName. */
  readonly commonName: string | undefined;
}

/** Where a received message came from, and over which connection. */
export interface MessageSource extends HostPort {
  readonly protocol: TransportProtocol;
  /** The local address that received it. */
  readonly local: HostPort;
  /** The connection it came over (stream transports). */
  readonly connectionId?: string;
  /** TLS with a client certificate the server verified: who the peer is. */
  readonly tlsPeer?: TlsPeerIdentity;
}

/** Why a stream connection closed. */
export type ConnectionCloseReason =
  /** The peer closed it, or it broke. */
  | 'remote'
  /** No traffic for `idleTimeout`. */
  | 'idle-timeout'
  /** A message (inbound: the first one) not complete within `messageTimeout`. */
  | 'message-timeout'
  /** Bytes that cannot be framed: a fatal parse error. */
  | 'bad-input'
  /** This side closed it: the transport shut down. */
  | 'local';

/** Why an inbound connection was refused as it was accepted. */
export type ConnectionRefusalReason =
  /** `maxConnections` connections were open. */
  'connection-limit';

/** What a transport reports to its receiver. */
export type TransportEvent =
  | { readonly kind: 'message'; readonly message: SipMessage; readonly source: MessageSource }
  /**
   * Bytes that did not parse. `fatal` (stream transports): the connection
   * can't be read further and is closed after the receiver returns.
   */
  | {
      readonly kind: 'parseError';
      readonly error: SipParseError;
      readonly source: MessageSource;
      readonly fatal: boolean;
    }
  /** A connection was opened or accepted. */
  | { readonly kind: 'connection'; readonly state: 'open'; readonly source: MessageSource }
  /** A connection that was open closed, and why. */
  | {
      readonly kind: 'connection';
      readonly state: 'closed';
      readonly reason: ConnectionCloseReason;
      readonly source: MessageSource;
    }
  /** An inbound connection was closed as it was accepted, never open (no `open` event came before). */
  | {
      readonly kind: 'connection';
      readonly state: 'refused';
      readonly reason: ConnectionRefusalReason;
      readonly source: MessageSource;
    };

/** Who a transport hands what it receives to. */
export type TransportReceiver = (event: TransportEvent) => void;

/** One transport: a socket (or a set of connections) that sends and receives SIP messages. */
export interface Transport {
  readonly protocol: TransportProtocol;
  /** RFC 3261 §17: true for TCP, TLS, WS, WSS. */
  readonly reliable: boolean;
  /** The address bound, once {@link Transport.listen} resolved. */
  readonly local: HostPort;
  /** The host and port written in Via sent-by (RFC 3261 §18.1.1); defaults to `local`. */
  readonly sentBy: HostPort;
  /** Sets who receives messages, parse errors and connection events. */
  setReceiver(receiver: TransportReceiver): void;
  /** Binds and starts receiving. */
  listen(): Promise<void>;
  /**
   * Sends one serialized message. Stream transports reuse the connection
   * named by `destination.connectionId`, or one open to the same address,
   * or open one. Rejects with a `TRANSPORT_ERR_…` {@link TransportError}.
   */
  send(bytes: Uint8Array, destination: Destination): Promise<void>;
  /** True when `connectionId` names a connection that is still open. */
  hasConnection(connectionId: string): boolean;
  /** Closes every socket and connection. */
  close(): Promise<void>;
}
