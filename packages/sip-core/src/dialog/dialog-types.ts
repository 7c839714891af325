/**
 * What a dialog asks of its owner and tells its user (RFC 3261 §12–§15):
 * the context a `Dialog` runs in, its events, and the options of the
 * requests and responses sent within it.
 */
import type { Clock } from '../clock.js';
import type { SipRequest, SipResponse } from '../message.js';
import type { TransactionLayer } from '../transaction/transaction-layer.js';
import type { TimerValues } from '../transaction/timers.js';
import type { Destination, TransportProtocol } from '../transport/transport.js';
import type { Uri } from '../uri.js';
import type { DialogId } from './dialog-state.js';
import type { IncomingRequest } from './incoming-request.js';

/** What a dialog needs from the layer that owns it. */
export interface DialogContext {
  readonly clock: Clock;
  readonly timers: TimerValues;
  readonly transactions: TransactionLayer;
  /** The destination of a next-hop URI (RFC 3263 in general; the URI's host and port by default). */
  resolve(uri: Uri): Destination;
  /** Our Contact header value for a transport. */
  contactFor(protocol: TransportProtocol): string;
  /** Forget the dialog (it is terminated and its retransmissions are over); the layer drops it only if it is the one it holds under that id. */
  forget(dialog: { readonly id: DialogId }): void;
}

/** Why a dialog ended. */
export type DialogTerminationCause =
  /** The peer sent BYE (§15.1.2). */
  | 'RemoteBye'
  /** We sent BYE (§15.1.1). */
  | 'LocalBye'
  /** The 2xx we sent was never ACKed (§13.3.1.4); a BYE was sent. */
  | 'AckTimeout'
  /** The INVITE got a non-2xx final response, or was cancelled (§12.3). */
  | 'Rejected'
  /** A request within the dialog got 481 or 408 (§12.2.1.2). */
  | 'Gone';

/** What a dialog tells its user. */
export type DialogEvent =
  /** A request within the dialog that the user must answer with {@link IncomingRequest.respond}. */
  | { readonly kind: 'request'; readonly request: IncomingRequest }
  /** The ACK of a 2xx we sent (§13.3.1.4), with its CSeq number and body. */
  | { readonly kind: 'ack'; readonly ack: SipRequest }
  /** The peer ended the dialog; the BYE was answered with 200 (§15.1.2). */
  | { readonly kind: 'bye'; readonly request: SipRequest }
  | { readonly kind: 'confirmed' }
  | { readonly kind: 'terminated'; readonly cause: DialogTerminationCause };

/** Options of `Dialog.request`. */
export interface DialogRequestOptions {
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly body?: Uint8Array;
  /** For a re-INVITE: do not ACK the 2xx; the user calls `Dialog.ack` (an end-to-end ACK, or one with an answer). */
  readonly deferAck?: boolean;
  /**
   * Called with the final response as soon as it arrives, before the
   * promise settles (a B2BUA relays it in the same turn of the clock).
   */
  readonly onFinal?: (response: SipResponse) => void;
  /** Called with each provisional response. */
  readonly onProvisional?: (response: SipResponse) => void;
  /** Max-Forwards of the request; default 70 (§8.1.1.6). A B2BUA passes the other leg's value minus one. */
  readonly maxForwards?: number;
  /** Called with the request as built, before it is sent (the caller's last chance to rewrite it). */
  readonly onRequest?: (request: SipRequest) => void;
  /**
   * For a re-INVITE: Timer C (RFC 3261 §16.6 step 11), ms. Without a final
   * response this long after the request or its last provisional response,
   * it is cancelled and resolves as a 408; the dialog stays up. Default:
   * none (a UA waits as long as its user does).
   */
  readonly timerC?: number;
  /** Called when Timer C fires, just before the 408 that stands for it is told. */
  readonly onTimerC?: () => void;
}
