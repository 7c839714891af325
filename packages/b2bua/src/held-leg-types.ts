/**
 * What a {@link HeldLeg} asks of the application and tells it: the offers
 * its peer makes (RFC 3264 §8, in a re-INVITE or an UPDATE), the replies
 * the application gives, the events of the leg, and the outcome of a
 * re-INVITE it sends.
 */
import type { Clock, DialogTerminationCause, SipRequest, SipResponse } from '@sipbreakout/sip-core';
import type { Leg } from './leg.js';

/** The media type a session description travels as, when nothing else is said. */
export const SDP_CONTENT_TYPE = 'application/sdp';

/**
 * A session description: the body and its media type (`application/sdp`
 * when left out).
 */
export interface SessionDescription {
  readonly sdp: Uint8Array;
  readonly contentType?: string;
}

/**
 * An offer the peer of a held leg made in a re-INVITE or an UPDATE (RFC
 * 3264 §8), or a re-INVITE without a body, that asks for one (RFC 3261
 * §14.2): then `sdp` is undefined, the application's reply is the offer
 * (sent in the 2xx) and the peer's answer comes in the ACK (the leg's
 * `answer` event).
 */
export interface ReceivedOffer {
  readonly method: 'INVITE' | 'UPDATE';
  /** The offer; undefined when the re-INVITE asks the application for one. */
  readonly sdp: Uint8Array | undefined;
  /** The offer's media type, as received. */
  readonly contentType: string | undefined;
  /** The request as received. */
  readonly request: SipRequest;
}

/**
 * How the application replies to a {@link ReceivedOffer}: with a session
 * description (the answer, or the offer a body-less re-INVITE asked for),
 * sent in a 200 with `headers`, or with a status of 300–699 that rejects it
 * and leaves the session as it was (RFC 3261 §14.2: 488 for a description
 * it cannot take, 500 when it failed).
 */
export type OfferReply =
  | (SessionDescription & { readonly headers?: ReadonlyArray<readonly [string, string]> })
  | { readonly reject: number; readonly reason?: string };

/**
 * Replies to the offers of a held leg's peer. It may take its time (a
 * media relay's round trip). A thrown error or a rejected promise rejects
 * the offer with the error's `status` (300–699), else 500.
 */
export type OfferHandler = (offer: ReceivedOffer) => OfferReply | PromiseLike<OfferReply>;

/** What a {@link HeldLeg} tells the application. */
export type HeldLegEvent =
  /**
   * The ACK of a 2xx whose body was the application's offer (the initial
   * INVITE or a re-INVITE came without one): `sdp` is the peer's answer
   * (RFC 3264 §5, RFC 3261 §13.2.1); undefined when the ACK carried none,
   * which leaves the session without an answer (the application may end it).
   */
  | { readonly kind: 'answer'; readonly sdp: Uint8Array | undefined; readonly ack: SipRequest }
  /** An INFO request without `Info-Package` (RFC 6086 §2: legacy INFO), answered 200. */
  | { readonly kind: 'info'; readonly request: SipRequest }
  /** The dialog ended: the peer's BYE (`RemoteBye`), ours (`LocalBye`), an ACK that never came, a 481 or 408. */
  | { readonly kind: 'ended'; readonly cause: DialogTerminationCause };

/** Options of a {@link HeldLeg}. */
export interface HeldLegOptions {
  /** The clock of the glare back-off (RFC 3261 §14.1): the dialog layer's. */
  readonly clock: Clock;
  /** Replies to the peer's offers; without one a re-INVITE or UPDATE with a body gets 488. */
  readonly onOffer?: OfferHandler;
  /** Hears the leg's events. */
  readonly onEvent?: (event: HeldLegEvent) => void;
  /**
   * The Session-ID UUID (RFC 7989) of the side the application speaks for
   * on this leg (its device). Default: the one the dialog already writes,
   * else a new one.
   */
  readonly sessionUuid?: string;
  /**
   * The CSeq number of an INVITE the leg answered with the application's
   * offer (its 2xx sent, its ACK to come with the answer): the ACK is told
   * as an `answer` event.
   */
  readonly awaitingAnswer?: number;
  /** How many times a re-INVITE met by 491 is sent again after the §14.1 delay. Default 3. */
  readonly glareRetries?: number;
  /**
   * Timer C of the re-INVITEs the leg sends (RFC 3261 §16.6 step 11), ms:
   * without a final response in time the re-INVITE is cancelled and taken
   * as a 408 that leaves the dialog up. Default: none.
   */
  readonly timerC?: number;
  /** A random number in [0, 1) for the glare delay; default `Math.random`. */
  readonly random?: () => number;
}

/** Options of {@link HeldLeg.reinvite}. */
export interface ReinviteOptions {
  /** Header fields to add to the re-INVITE. */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  /** Timer C of this re-INVITE, ms; default the leg's. */
  readonly timerC?: number;
}

/**
 * How a re-INVITE of a held leg ended: answered (a 2xx, ACKed, with the
 * peer's answer), or rejected with `status` (a final non-2xx, a 408 for a
 * timeout or Timer C, 491 when glare outlasted the retries, 481 when the
 * dialog is gone). A rejected re-INVITE leaves the session as it was (RFC
 * 3261 §14.1) unless the status ended the dialog (481, 408 from the
 * transaction: then the leg tells `ended`).
 */
export type ReinviteResult =
  | { readonly kind: 'answered'; readonly sdp: Uint8Array | undefined; readonly response: SipResponse }
  | { readonly kind: 'rejected'; readonly status: number; readonly response: SipResponse | undefined };

/**
 * The outcome of {@link HeldLeg.release}: the leg, free to be paired again,
 * or why not: `busy` while an offer/answer exchange is in progress on it,
 * `ended` once its dialog is over or it was released already.
 */
export type HeldLegRelease =
  | { readonly released: true; readonly leg: Leg }
  | { readonly released: false; readonly reason: 'busy' | 'ended' };
