/**
 * What a B2BUA call tells its user and what its user hangs on it: the
 * call's states and events, the hooks that rewrite what it sends on each
 * leg, and its options.
 */
import type { DialogLayer, SipRequest, SipResponse } from '@sipbreakout/sip-core';
import type { HeldLeg } from './held-leg.js';
import type { HeldLegOptions, SessionDescription } from './held-leg-types.js';
import type { Leg, LegTarget } from './leg.js';
import type { PairEnd, RelayHooks } from './leg-pair.js';
import type { RelayedContent } from './relay-message.js';

/**
 * Where a B2BUA call stands. `Released`: the application took the call's
 * legs over, by answering the caller itself ({@link B2buaCall.answerLocally})
 * or by releasing the answered pair ({@link LegPair.release}); the call
 * tells nothing more.
 */
export type B2buaCallStateName = 'Trying' | 'Answered' | 'Failed' | 'Cancelled' | 'Ended' | 'Released';

/** What a B2BUA call tells its user. */
export type B2buaCallEvent =
  | { readonly kind: 'legStarted'; readonly leg: Leg }
  | { readonly kind: 'legFailed'; readonly leg: Leg; readonly response: SipResponse }
  | { readonly kind: 'answered'; readonly leg: Leg }
  /** Every leg failed: `response` is what the caller got. */
  | { readonly kind: 'failed'; readonly status: number }
  /** The caller cancelled before an answer. */
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'ended'; readonly end: PairEnd }
  /** The application answered the caller itself: its leg is `held`, the outgoing legs were cancelled. */
  | { readonly kind: 'answeredLocally'; readonly held: HeldLeg }
  /** The answered pair was released ({@link LegPair.release}): the application holds the two legs. */
  | { readonly kind: 'released'; readonly a: Leg; readonly b: Leg };

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

/**
 * The application's own answer to the caller ({@link B2buaCall.answerLocally}):
 * its session description (the answer to the caller's offer, or the offer
 * when the INVITE had none: the answer then comes in the ACK, told as the
 * held leg's `answer` event), header fields for the 2xx, and the options of
 * the {@link HeldLeg} the caller's leg becomes (its clock is the call's).
 */
export interface LocalAnswer extends SessionDescription {
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly held?: Omit<HeldLegOptions, 'clock' | 'awaitingAnswer'>;
}

/**
 * The outcome of {@link B2buaCall.answerLocally}: the caller's leg, held
 * by the application, or why not: `answeredElsewhere` when an outgoing leg
 * answered first, `over` when the call failed, was cancelled or ended.
 */
export type LocalAnswerResult =
  | { readonly answered: true; readonly held: HeldLeg }
  | { readonly answered: false; readonly reason: 'answeredElsewhere' | 'over' };
