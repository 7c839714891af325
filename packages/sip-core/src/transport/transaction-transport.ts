/**
 * The service the transport layer (RFC 3261 §18) gives the transaction layer
 * above it. It is declared here, with the layer that provides it, so that
 * the transport layer never imports the transaction layer: the dependency
 * points down, from transactions to transport.
 */
import type { SipRequest, SipResponse } from '../message.js';
import type { Destination, MessageSource } from './transport.js';

/** What the transaction layer needs from the transport layer below it (RFC 3261 §18). */
export interface TransactionTransport {
  /**
   * Chooses the transport for a request (§18.1.1: over 1300 bytes, not UDP),
   * stamps the top Via's transport and sent-by, and returns the destination
   * to use.
   */
  prepareRequest(request: SipRequest, destination: Destination): Destination;
  sendRequest(request: SipRequest, destination: Destination): Promise<void>;
  /** Sends a response where §18.2.2 says, given where its request came from. */
  sendResponse(response: SipResponse, source: MessageSource): Promise<void>;
}
