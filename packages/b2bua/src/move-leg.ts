/**
 * Third-party call control (RFC 3725) on answered legs: a party's call
 * moved from one device to another without the party hanging up. The
 * party's leg stays; its session is changed by a re-INVITE (RFC 3261
 * §14.1), whose failure leaves it as it was (so the call stays where it
 * was), and the other device's leg is ended or made.
 *
 * - {@link moveToLocal}: from a paired leg (a phone) to the application's
 *   own device: the pair is released, the party re-INVITEd with the
 *   device's offer, the phone's leg ended, the party's leg held.
 * - {@link moveToNewLeg}: from the application's device to a new SIP leg,
 *   after RFC 3725 flow I: the new leg is INVITEd without an offer, its
 *   offer (in its 2xx) goes to the party in a re-INVITE, and the party's
 *   answer to the new leg in the ACK; then the two legs are paired.
 * - {@link pairHeldLegs}: two held legs joined.
 */
import { DialogError, type Clock, type DialogLayer, type SipResponse } from '@sipbreakout/sip-core';
import { HeldLeg } from './held-leg.js';
import type { HeldLegOptions, OfferHandler, ReinviteOptions, SessionDescription } from './held-leg-types.js';
import type { Leg } from './leg.js';
import { LegPair, type PairOptions } from './leg-pair.js';
import { statusOfHookError } from './relay-message.js';
import { rejectingAnswer } from './rejecting-answer.js';
import { type StartLegOptions, startLeg } from './start-leg.js';

/** While a leg moves, the offers of either peer wait: 491, try again (RFC 3261 §14.1). */
const PENDING: OfferHandler = () => ({ reject: 491, reason: 'Request Pending' });

/** Options of {@link moveToLocal}. */
export interface MoveToLocalOptions {
  /** The dialog layer's clock (the held legs' glare back-off). */
  readonly clock: Clock;
  /** The leg that stays (the remote party's); the pair's other leg is ended. */
  readonly keep: Leg;
  /** The offer of the application's device, sent to `keep` in a re-INVITE. */
  readonly offer: SessionDescription;
  readonly reinvite?: ReinviteOptions;
  /** The options of the leg held once moved (its offer handler, its events). */
  readonly held?: Omit<HeldLegOptions, 'clock'>;
  /** The options of the pair made again when the re-INVITE fails (hooks, `onEnd`). */
  readonly pair?: PairOptions;
}

/**
 * How {@link moveToLocal} ended: moved (`held` is the party's leg, `sdp`
 * its answer), refused by the pair (`busy`: something was crossing;
 * `ended`: over, or the party hung up as it answered: the other leg is
 * ended too), or `rejected` by the party (`status`): the two legs are
 * paired again in `pair`, or, when one ended meanwhile, the other was
 * ended too and `pair` is undefined.
 */
export type MoveToLocalResult =
  | {
      readonly moved: true;
      readonly held: HeldLeg;
      readonly sdp: Uint8Array | undefined;
      readonly response: SipResponse;
    }
  | { readonly moved: false; readonly reason: 'busy' | 'ended' }
  | { readonly moved: false; readonly reason: 'rejected'; readonly status: number; readonly pair: LegPair | undefined };

/** Moves the call of `options.keep`'s party from the pair's other leg to the application's device (see the file's comment). */
export async function moveToLocal(pair: LegPair, options: MoveToLocalOptions): Promise<MoveToLocalResult> {
  const keep = options.keep;
  if (keep !== pair.a && keep !== pair.b)
    throw new DialogError('DIALOG_ERR_INVALID_STATE', 'the leg is not in the pair');
  const released = pair.release();
  if (!released.released) return { moved: false, reason: released.reason };
  const other = keep === pair.a ? pair.b : pair.a;
  // Both legs are held while the party is re-INVITEd; their events reach the application only once it holds the party's.
  const kept = new HeldLeg(keep, { ...options.held, clock: options.clock, onOffer: PENDING, onEvent: undefined });
  const left = new HeldLeg(other, { clock: options.clock, onOffer: PENDING });
  const result = await kept.reinvite(options.offer, options.reinvite ?? {});
  if (result.kind === 'answered') {
    void left.hangUp();
    // The party hung up just after answering: nothing is left to hold.
    if (kept.state !== 'Held') return { moved: false, reason: 'ended' };
    kept.onOffer(options.held?.onOffer);
    kept.onEvent(options.held?.onEvent);
    return { moved: true, held: kept, sdp: result.sdp, response: result.response };
  }
  // §14.1: the party's session is as it was: the two legs are joined again, unless one of them ended meanwhile.
  return {
    moved: false,
    reason: 'rejected',
    status: result.status,
    pair: rejoin(pair.a === keep ? [kept, left] : [left, kept], options.pair),
  };
}

/** Joins two held legs again, or ends the one left when the other ended. */
function rejoin(legs: readonly [HeldLeg, HeldLeg], options: PairOptions | undefined): LegPair | undefined {
  const [a, b] = legs;
  const joined = pairHeldLegs(a, b, options);
  if (joined.paired) return joined.pair;
  void a.hangUp();
  void b.hangUp();
  return undefined;
}

/**
 * How {@link pairHeldLegs} ended: the pair, or why not (`busy`: an offer
 * and answer are being exchanged on one of them; `ended`: one is over or
 * not held). When refused, both legs stay held as they were.
 */
export type PairHeldResult =
  | { readonly paired: true; readonly pair: LegPair }
  | { readonly paired: false; readonly reason: 'busy' | 'ended' };

/** Joins two held legs into a {@link LegPair} (their sessions are the application's business: re-INVITE them first). */
export function pairHeldLegs(a: HeldLeg, b: HeldLeg, options: PairOptions = {}): PairHeldResult {
  if (a.state !== 'Held' || b.state !== 'Held') return { paired: false, reason: 'ended' };
  if (a.busy || b.busy) return { paired: false, reason: 'busy' };
  const ra = a.release();
  const rb = b.release();
  if (!ra.released || !rb.released) return { paired: false, reason: 'ended' };
  return { paired: true, pair: new LegPair(ra.leg, rb.leg, options) };
}

/** Options of {@link moveToNewLeg}. */
export interface MoveToNewLegOptions {
  readonly layer: DialogLayer;
  /** The new leg (a phone): INVITEd without an offer. */
  readonly target: Omit<StartLegOptions, 'offer'>;
  /** Rewrites the new leg's offer before it goes to the party (through a media relay); a rejection aborts the move. */
  readonly offerToParty?: (offer: SessionDescription) => SessionDescription | PromiseLike<SessionDescription>;
  /** Rewrites the party's answer before it goes to the new leg in the ACK. */
  readonly answerToNewLeg?: (answer: SessionDescription) => SessionDescription | PromiseLike<SessionDescription>;
  readonly reinvite?: ReinviteOptions;
  /** The options of the pair made (hooks, `onEnd`). */
  readonly pair?: PairOptions;
}

/**
 * How {@link moveToNewLeg} ended: moved (`pair` joins the party's leg, `a`,
 * and the new one, `b`), or not, the party's leg held as it was: the new
 * leg `failed` with `status` (busy, no answer…), its 2xx had no offer
 * (`noOffer`), the party `rejected` the re-INVITE or a rewrite failed
 * (`status`), or the held leg `ended` or was `busy`. When
 * `answerToNewLeg` fails the party has already taken the new leg's media:
 * the application re-INVITEs it with its device's. A new leg that
 * answered but is not used is ACKed with an answer refusing every stream
 * (RFC 3264 §6) and ended with a BYE (RFC 3261 §13.2.2.4).
 */
export type MoveToNewLegResult =
  | { readonly moved: true; readonly pair: LegPair }
  | { readonly moved: false; readonly reason: 'failed' | 'noOffer' | 'rejected'; readonly status: number }
  | { readonly moved: false; readonly reason: 'busy' | 'ended' };

/** Moves the call of `held`'s party to a new SIP leg (see the file's comment). */
export async function moveToNewLeg(held: HeldLeg, options: MoveToNewLegOptions): Promise<MoveToNewLegResult> {
  if (held.state !== 'Held') return { moved: false, reason: 'ended' };
  if (held.busy) return { moved: false, reason: 'busy' };
  const handler = held.offerHandler;
  // The party's offers wait until the move is over (491).
  held.onOffer(PENDING);
  const restore = (result: MoveToNewLegResult): MoveToNewLegResult => {
    if (held.state === 'Held') held.onOffer(handler);
    return result;
  };
  const started = await startLeg(options.layer, options.target);
  if (started.kind === 'failed') return restore({ moved: false, reason: 'failed', status: started.status });
  const abandon = (result: MoveToNewLegResult, offer: Uint8Array | undefined): MoveToNewLegResult => {
    // §13.2.2.4: a 2xx is ACKed even when the call is not wanted, with a valid answer to its offer, then ended.
    started.ack(offer === undefined ? undefined : { sdp: rejectingAnswer(offer) });
    const dialog = started.leg.dialog;
    if (dialog !== undefined && !dialog.terminated) void dialog.bye().catch(() => undefined);
    return restore(result);
  };
  const phoneOffer = started.sdp;
  if (phoneOffer === undefined) return abandon({ moved: false, reason: 'noOffer', status: 488 }, undefined);
  const contentType = started.response.headers.get('Content-Type');
  let offer: SessionDescription = { sdp: phoneOffer, ...(contentType === undefined ? {} : { contentType }) };
  try {
    if (options.offerToParty !== undefined) offer = await options.offerToParty(offer);
  } catch (error) {
    return abandon({ moved: false, reason: 'rejected', status: statusOfHookError(error) }, phoneOffer);
  }
  if (held.state !== 'Held') return abandon({ moved: false, reason: 'ended' }, phoneOffer);
  const reinvite = await held.reinvite(offer, options.reinvite ?? {});
  if (reinvite.kind === 'rejected') {
    const ended = held.state !== 'Held';
    return abandon({ moved: false, reason: ended ? 'ended' : 'rejected', status: reinvite.status }, phoneOffer);
  }
  if (reinvite.sdp === undefined) return abandon({ moved: false, reason: 'rejected', status: 488 }, phoneOffer);
  const answerType = reinvite.response.headers.get('Content-Type');
  let answer: SessionDescription = {
    sdp: reinvite.sdp,
    ...(answerType === undefined ? {} : { contentType: answerType }),
  };
  try {
    if (options.answerToNewLeg !== undefined) answer = await options.answerToNewLeg(answer);
  } catch (error) {
    return abandon({ moved: false, reason: 'rejected', status: statusOfHookError(error) }, phoneOffer);
  }
  started.ack(answer);
  const released = held.release();
  if (!released.released) {
    // The party hung up meanwhile (or is mid-offer): the new leg goes too.
    void started.leg.dialog?.bye().catch(() => undefined);
    if (released.reason === 'busy') void held.hangUp();
    return { moved: false, reason: 'ended' };
  }
  return { moved: true, pair: new LegPair(released.leg, started.leg, options.pair ?? {}) };
}
