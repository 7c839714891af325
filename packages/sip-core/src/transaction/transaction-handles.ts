/**
 * The transaction user's view of the transaction layer: the handles of
 * client and server transactions, their typed events, and the callbacks the
 * user implements.
 */
import type { SipRequest, SipResponse } from '../message.js';
import type { Destination, MessageSource } from '../transport/transport.js';
import type { TransactionError } from './transaction-error.js';

/** What a client transaction tells its user. */
export type ClientTransactionEvent =
  | { readonly kind: 'response'; readonly response: SipResponse }
  /** Timer B or F fired (RFC 3261 §17.1.1.2, §17.1.2.2): act as on a 408. */
  | { readonly kind: 'timeout'; readonly error: TransactionError }
  /** The transport could not send (RFC 3261 §17.1.4): act as on a 503. */
  | { readonly kind: 'transportError'; readonly error: TransactionError }
  | { readonly kind: 'terminated' };

/** What a server transaction tells its user. */
export type ServerTransactionEvent =
  /** Timer H fired: the final response was never ACKed (RFC 3261 §17.2.1). */
  | { readonly kind: 'timeout'; readonly error: TransactionError }
  | { readonly kind: 'transportError'; readonly error: TransactionError }
  | { readonly kind: 'terminated' };

/** A client transaction as its user sees it. */
export interface ClientTransaction {
  /** The request as sent (its top Via stamped by the transport layer). */
  readonly request: SipRequest;
  readonly branch: string;
  /** The destination actually used (§18.1.1 may have switched UDP to TCP). */
  readonly destination: Destination;
  /** The RFC's name of the current state. */
  readonly state: string;
  /** Replaces who hears the transaction's events (first set by `sendRequest`). */
  onEvent(listener: (event: ClientTransactionEvent) => void): void;
}

/** A server transaction as its user sees it. */
export interface ServerTransaction {
  readonly request: SipRequest;
  readonly source: MessageSource;
  /** The RFC's name of the current state. */
  readonly state: string;
  /** For a CANCEL: the INVITE server transaction it matches (RFC 3261 §9.2), if any. */
  readonly cancels: ServerTransaction | undefined;
  /** Sends a response through the transaction (provisional, final, or — in Accepted — a 2xx retransmission). */
  respond(response: SipResponse): void;
  /** Sets who hears about timeouts, transport errors and termination. */
  onEvent(listener: (event: ServerTransactionEvent) => void): void;
}

/** The transaction user (RFC 3261 §17): what the transaction layer hands up. */
export interface TransactionUser {
  /** A new request (not an ACK, not a retransmission), with the server transaction created for it. */
  onRequest(request: SipRequest, transaction: ServerTransaction): void;
  /** An ACK that matched no server transaction (the ACK of a 2xx, §17.2.3), or one seen in Accepted (RFC 6026 §8.7). */
  onAck(ack: SipRequest, source: MessageSource): void;
  /** A response that matched no client transaction (§17.1.3): a 2xx retransmission after Timer M, or a stray. */
  onStrayResponse?(response: SipResponse, source: MessageSource): void;
}
