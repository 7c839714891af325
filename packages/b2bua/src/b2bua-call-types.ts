/**
 * What a B2BUA call tells its user and what its user hangs on it: the
 * call's states and events, the hooks that rewrite what it sends on each
 * leg, and its options.
 */
import type { DialogLayer, SipRequest, SipResponse } from '@sipbreakout/sip-core';
import type { Leg, LegTarget } from './leg.js';
import type { PairEnd, RelayHooks } from './leg-pair.js';
import type { RelayedContent } from './relay-message.js';

/** Where a B2BUA call stands. */
export type B2buaCallStateName = 'Trying' | 'Answered' | 'Failed' | 'Cancelled' | 'Ended';

/** What a B2BUA call tells its user. */
export type B2buaCallEvent =
  | { readonly kind: 'legStarted'; readonly leg: Leg }
  | { readonly kind: 'legFailed'; readonly leg: Leg; readonly response: SipResponse }
  | { readonly kind: 'answered'; readonly leg: Leg }
  /** Every leg failed: `response` is what the caller got. */
  | { readonly kind: 'failed'; readonly status: number }
  /** The caller cancelled before an answer. */
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'ended'; readonly end: PairEnd };

/** Hooks of a B2BUA call: rewrite what is sent on each leg. */
export interface B2buaHooks extends RelayHooks {
  /** The INVITE of an outgoing leg before it is sent: rewrite its Request-URI, header fields, SDP. */
  readonly outgoingInvite?: (
    request: SipRequest,
    context: { readonly incoming: SipRequest; readonly target: LegTarget },
  ) => void;
  /**
   * While the call is set up, a provisional or final response of an
   * outgoing leg about to be relayed to the caller, after `relayResponse`,
   * when rewriting it takes time (an SDP answer through a media relay): the
   * response waits for the promise, and the later ones wait behind it. A
   * promise that rejects: a provisional response is not relayed; a final
   * non-2xx is relayed as it stands; a 2xx is not: the caller gets the
   * error's `status` (a number 300-699 it carries, else 500), the answered
   * leg an ACK and a BYE, and the call fails.
   */
  readonly relaySetupResponse?: (
    content: RelayedContent,
    context: { readonly response: SipResponse; readonly from: Leg; readonly to: Leg },
  ) => void | PromiseLike<void>;
}

/**
 * What to do when an outgoing leg fails (a final non-2xx) while no leg has
 * answered: `'continue'` lets the call carry on (another leg was or will be
 * started), `'default'` lets the call fail when no leg is left.
 */
export type LegFailurePolicy = (leg: Leg, response: SipResponse) => 'continue' | 'default';

/** Options of `B2buaCall`. */
export interface B2buaCallOptions {
  readonly hooks?: B2buaHooks;
  /**
   * Timer C of the call's outgoing INVITEs and of the re-INVITEs relayed
   * between its legs (RFC 3261 §16.6 step 11), ms. Default: the dialog
   * layer's ({@link DialogLayer.timerC}, 180,000).
   */
  readonly timerC?: number;
}
