/**
 * Two answered legs joined (a B2BUA's established call): ACK, BYE,
 * re-INVITE, UPDATE (RFC 3311) and INFO (RFC 6086) received on one leg's
 * dialog are sent on the other's as new requests of that dialog, and the
 * responses come back the same way. Nothing internal crosses: each request
 * is built by the other dialog (§12.2.1.1), only the end-to-end header
 * fields and the body are copied, Max-Forwards one less than received (70
 * when the received one had none, §8.1.1.6): the ACK of a 2xx and the BYE
 * too, so that a loop through other B2BUAs (a TAS sending the call back)
 * runs out of hops. A request received with Max-Forwards 0 goes no further
 * (RFC 3261 §16.3 step 3 for a proxy, the same here): 483, and an ACK,
 * which has no response, is dropped; a BYE still ends the call (its
 * sender counts the session as over once it is sent, §15.1.1), the other
 * leg then ended by a BYE of the B2BUA's own. When the call
 * ends, every request still waiting for the other leg is answered 487
 * (§15.1.2): none is left without a final response. Everything sent on a
 * leg carries the session's Session-ID (RFC 7989 §7), and a relayed
 * re-INVITE runs Timer C (RFC 3261 §16.6 step 11).
 */
import {
  DialogError,
  isDialogError,
  type Dialog,
  type DialogTerminationCause,
  type IncomingRequest,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '@sipbreakout/sip-core';
import type { Leg } from './leg.js';
import { type RelayedContent, afterHook, nextMaxForwards, relayedContent, statusOfHookError } from './relay-message.js';
import { onPairedLeg } from './session-id-policy.js';

/** Hooks that rewrite what crosses from one leg to the other. */
export interface RelayHooks {
  /** A request about to be sent on `to` (ACK, BYE, re-INVITE, UPDATE, INFO…): rewrite headers or SDP. */
  readonly relayRequest?: (
    content: RelayedContent,
    context: { readonly request: SipRequest; readonly from: Leg; readonly to: Leg },
  ) => void;
  /** A response about to be sent on `to`: rewrite its reason, headers or SDP. */
  readonly relayResponse?: (
    content: RelayedContent,
    context: { readonly response: SipResponse; readonly from: Leg; readonly to: Leg },
  ) => void;
  /**
   * A request within a dialog (re-INVITE, UPDATE, INFO, PRACK, the
   * end-to-end ACK; in the early dialog too) or a response to one, about to
   * be sent on `to`, after `relayRequest` or `relayResponse`, when
   * rewriting it takes time (an SDP offer or answer through a media
   * relay): it waits for the promise. `request` is the request as received
   * from its sender (for a response, the one it answers). A promise that
   * rejects: a request is not relayed and its sender gets the error's
   * `status` (a number 300–699 it carries, else 500); a response is
   * replaced by that status (a 2xx of a re-INVITE is still ACKed on its
   * leg, without a body); an ACK goes as it stands.
   */
  readonly relayInDialog?: (
    content: RelayedContent,
    context: {
      readonly message: SipRequest | SipResponse;
      readonly request: SipRequest;
      readonly from: Leg;
      readonly to: Leg;
    },
  ) => void | PromiseLike<void>;
  /**
   * A request received with Max-Forwards 0 on `from`, not relayed to `to`
   * (RFC 3261 §16.3 step 3): `refused` (answered 483), `dropped` (an ACK,
   * which has no response), or `ended` (a BYE: the call still ends, the
   * other leg's BYE is the B2BUA's own). For logs and counters.
   */
  readonly tooManyHops?: (
    request: SipRequest,
    context: { readonly from: Leg; readonly to: Leg; readonly action: TooManyHopsAction },
  ) => void;
}

/** What became of a request received with Max-Forwards 0 (see {@link RelayHooks.tooManyHops}). */
export type TooManyHopsAction = 'refused' | 'dropped' | 'ended';

/** The reason phrase of the 483 a request received with Max-Forwards 0 gets (RFC 3261 §21.4.22). */
export const TOO_MANY_HOPS_REASON = 'Too Many Hops';

/** Why a paired call ended, and which leg ended it. */
export interface PairEnd {
  readonly by: Leg;
  readonly cause: DialogTerminationCause;
}

/** Options of {@link LegPair}. */
export interface PairOptions extends RelayHooks {
  /**
   * ACKs still to relay: the CSeq number of an INVITE answered on a leg's
   * dialog (the ACK expected there) → the CSeq of the INVITE on the other
   * leg (whose 2xx waits for that ACK). The initial INVITEs go here.
   */
  readonly pendingAcks?: ReadonlyArray<{ readonly on: Leg; readonly seq: number; readonly otherSeq: number }>;
  /** Called once when either leg ends the call. */
  readonly onEnd?: (end: PairEnd) => void;
  /** Called once when {@link LegPair.release} let the two legs go. */
  readonly onRelease?: () => void;
  /**
   * Timer C of a relayed re-INVITE (RFC 3261 §16.6 step 11), ms: without a
   * final response that long after it was relayed or after its last
   * provisional response, it is cancelled on the leg it went to, and the
   * requester gets 500 (not 408, which would end its dialog, §12.2.1.2): a
   * failed re-INVITE leaves the session as it was (§14.1) and the call
   * goes on. Default: none.
   */
  readonly timerC?: number;
}

/** The reason phrase of the 500 a requester gets when its relayed re-INVITE met Timer C. */
export const TIMER_C_REASON = 'No Final Response (Timer C)';

function dialogOf(leg: Leg): Dialog {
  const d = leg.dialog;
  if (d === undefined) throw new DialogError('DIALOG_ERR_INVALID_STATE', `leg ${leg.name} has no dialog`);
  return d;
}

/** Where a pair stands: relaying, its legs let go with their dialogs up, or over. */
export type LegPairStateName = 'Paired' | 'Released' | 'Ended';

/**
 * The outcome of {@link LegPair.release}: the two legs, their dialogs up
 * and no longer relayed, or why not: `busy` while a request received on one
 * leg waits for the other's answer, or a 2xx relayed between them waits for
 * its ACK (RFC 3261 §13.2.2.4: that ACK must still cross); `ended` once the
 * pair is over or released already.
 */
export type PairRelease =
  | { readonly released: true; readonly a: Leg; readonly b: Leg }
  | { readonly released: false; readonly reason: 'busy' | 'ended' };

/** Two joined legs: {@link LegPair.hangUp} ends both, {@link LegPair.release} lets them go. */
export class LegPair {
  /** One leg (in a `B2buaCall`, the caller's). */
  readonly a: Leg;
  /** The other leg (in a `B2buaCall`, the one that answered). */
  readonly b: Leg;
  readonly #options: PairOptions;
  /** Per leg, the ACKs still to relay (see {@link PairOptions.pendingAcks}). */
  readonly #acks: Map<Leg, Map<number, number>>;
  /** Requests received on either leg, relayed, and not yet answered. */
  readonly #relaying = new Set<IncomingRequest>();
  #ended = false;
  #released = false;

  /**
   * Joins two legs whose dialogs exist (both answered, or about to be: the
   * incoming one's 2xx waiting for its ACK). Takes over both dialogs' events.
   */
  constructor(a: Leg, b: Leg, options: PairOptions = {}) {
    this.a = a;
    this.b = b;
    this.#options = options;
    this.#acks = new Map([
      [a, new Map()],
      [b, new Map()],
    ]);
    for (const p of options.pendingAcks ?? []) this.#acks.get(p.on)?.set(p.seq, p.otherSeq);
    this.#stamp();
    this.#listen(a, b);
    this.#listen(b, a);
  }

  /** Where the pair stands. */
  get state(): LegPairStateName {
    return this.#released ? 'Released' : this.#ended ? 'Ended' : 'Paired';
  }

  /**
   * Lets the two legs go without ending either dialog: from now on nothing
   * received on one is relayed to the other, and a request on either is
   * answered by whoever holds the leg next (a `HeldLeg`, or a new
   * pair). Refused (`busy`) while something is still crossing.
   */
  release(): PairRelease {
    if (this.#ended || this.#released) return { released: false, reason: 'ended' };
    if (this.#relaying.size > 0) return { released: false, reason: 'busy' };
    for (const waiting of this.#acks.values()) if (waiting.size > 0) return { released: false, reason: 'busy' };
    this.#released = true;
    for (const leg of [this.a, this.b]) dialogOf(leg).onEvent(undefined);
    this.#options.onRelease?.();
    return { released: true, a: this.a, b: this.b };
  }

  /** Ends both dialogs with BYE (§15.1.1). */
  hangUp(): void {
    if (this.#ended || this.#released) return;
    this.#ended = true;
    for (const leg of [this.a, this.b]) {
      const d = dialogOf(leg);
      if (!d.terminated) void d.bye().catch(() => undefined);
    }
    this.#answerRelaying();
  }

  /**
   * RFC 7989 §7: what is sent on a leg speaks for the other leg's endpoint
   * (its UUID, or one assigned to stand for it) to this leg's (its UUID
   * once known, else the null UUID).
   */
  #stamp(): void {
    for (const [leg, other] of [
      [this.a, this.b],
      [this.b, this.a],
    ] as const) {
      const d = leg.dialog;
      if (d !== undefined) d.sessionId = onPairedLeg(leg, other);
    }
  }

  /** A message came from `leg`: its Session-ID may name its endpoint anew (RFC 7989 §6). */
  #received(leg: Leg, message: SipMessage): void {
    if (leg.learnSessionUuid(message)) this.#stamp();
  }

  /** §15.1.2: once the call ends, a request still waiting for the other leg's answer gets 487. */
  #answerRelaying(): void {
    for (const incoming of [...this.#relaying]) if (!incoming.answered) incoming.respond(487);
    this.#relaying.clear();
  }

  /** `by` ended the call (with `bye`, the BYE it sent): the other leg is ended too. */
  #end(by: Leg, cause: DialogTerminationCause, bye?: SipRequest): void {
    if (this.#ended) return;
    this.#ended = true;
    const other = by === this.a ? this.b : this.a;
    const otherDialog = dialogOf(other);
    // An INVITE 2xx of the other leg still waiting for our ACK is ACKed first, so its UAS stops retransmitting.
    for (const [, otherSeq] of this.#acks.get(by) ?? [])
      if (!otherDialog.hasAcked(otherSeq) && otherDialog.state.role === 'UAC') otherDialog.ack(otherSeq);
    // The peer's BYE goes on with one hop less; at 0 hops left the other leg still gets a BYE, ours (70).
    const exhausted = bye !== undefined && bye.maxForwards === 0;
    if (exhausted) this.#options.tooManyHops?.(bye, { from: by, to: other, action: 'ended' });
    const maxForwards = bye === undefined || exhausted ? undefined : nextMaxForwards(bye);
    if (!otherDialog.terminated)
      void otherDialog.bye(maxForwards === undefined ? {} : { maxForwards }).catch(() => undefined);
    this.#answerRelaying();
    this.#options.onEnd?.({ by, cause });
  }

  #relayRequest(from: Leg, to: Leg, incoming: IncomingRequest): void {
    const options = this.#options;
    const request = incoming.request;
    this.#received(from, request);
    if (request.maxForwards === 0) {
      // §16.3 step 3: no hop left to reach the other leg.
      incoming.respond(483, { reason: TOO_MANY_HOPS_REASON });
      options.tooManyHops?.(request, { from, to, action: 'refused' });
      return;
    }
    const target = dialogOf(to);
    const content = relayedContent(request);
    options.relayRequest?.(content, { request, from, to });
    this.#relaying.add(incoming);
    afterHook(
      () => options.relayInDialog?.(content, { message: request, request, from, to }),
      () => this.#send(from, to, incoming, target, content),
      (error) => {
        // The rewrite failed: the request goes no further, its sender gets the error's status.
        this.#relaying.delete(incoming);
        if (!incoming.answered) incoming.respond(statusOfHookError(error));
      },
    );
  }

  /** Sends the request of `incoming` (rewritten as `content`) on `target`, and its final response back. */
  #send(from: Leg, to: Leg, incoming: IncomingRequest, target: Dialog, content: RelayedContent): void {
    const options = this.#options;
    const relaying = this.#relaying;
    const request = incoming.request;
    if (incoming.answered) {
      // Answered 487 while its hook ran: the call ended (§15.1.2).
      relaying.delete(incoming);
      return;
    }
    const otherSeq = (target.state.localSeq ?? 0) + 1;
    const isInvite = request.method === 'INVITE';
    let timedOut = false;
    const deliver = (response: SipResponse, back: RelayedContent): void => {
      relaying.delete(incoming);
      const success = response.status >= 200 && response.status < 300;
      if (incoming.answered) {
        // Answered 487 when the call ended (§15.1.2); a 2xx to the relayed re-INVITE still gets its ACK (§13.2.2.4): nobody else will send it.
        if (isInvite && success) target.ack(otherSeq);
        return;
      }
      if (isInvite && success) this.#acks.get(from)?.set(request.cseq.seq, otherSeq);
      incoming.respond(response.status, {
        headers: back.headers,
        ...(back.reason === undefined ? {} : { reason: back.reason }),
        ...(back.body === undefined ? {} : { body: back.body }),
      });
    };
    const onFinal = (response: SipResponse): void => {
      this.#received(to, response);
      if (timedOut && !incoming.answered) {
        // Timer C: the other leg's re-INVITE was cancelled; the requester's session stays as it was (§14.1).
        relaying.delete(incoming);
        incoming.respond(500, { reason: TIMER_C_REASON });
        return;
      }
      const back = relayedContent(response);
      if (!incoming.answered) options.relayResponse?.(back, { response, from: to, to: from });
      afterHook(
        () =>
          incoming.answered
            ? undefined
            : options.relayInDialog?.(back, { message: response, request, from: to, to: from }),
        () => deliver(response, back),
        (error) => {
          relaying.delete(incoming);
          // The answer cannot be relayed: the other leg's 2xx still gets its ACK (§13.2.2.4), the requester the error's status.
          if (isInvite && response.status >= 200 && response.status < 300) target.ack(otherSeq);
          if (!incoming.answered) incoming.respond(statusOfHookError(error));
        },
      );
    };
    try {
      void target.request(request.method, {
        headers: content.headers,
        ...(content.body === undefined ? {} : { body: content.body }),
        maxForwards: nextMaxForwards(request),
        // The ACK of a re-INVITE's 2xx is relayed end to end: it may carry the answer.
        deferAck: isInvite,
        ...(isInvite && options.timerC !== undefined
          ? { timerC: options.timerC, onTimerC: () => (timedOut = true) }
          : {}),
        onFinal,
      });
    } catch (e) {
      relaying.delete(incoming);
      // §14.1: the other leg has an INVITE pending: 491; a dialog gone: 481.
      incoming.respond(
        isDialogError(e, 'DIALOG_ERR_REQUEST_PENDING') ? 491 : isDialogError(e, 'DIALOG_ERR_TERMINATED') ? 481 : 500,
      );
    }
  }

  #relayAck(from: Leg, to: Leg, ack: SipRequest): void {
    const options = this.#options;
    const waiting = this.#acks.get(from);
    const otherSeq = waiting?.get(ack.cseq.seq);
    if (otherSeq === undefined) return;
    waiting?.delete(ack.cseq.seq);
    this.#received(from, ack);
    if (ack.maxForwards === 0) {
      // No hop left and no response to refuse it with: dropped; the other leg's UAS, never ACKed, ends its dialog (§13.3.1.4).
      options.tooManyHops?.(ack, { from, to, action: 'dropped' });
      return;
    }
    const maxForwards = nextMaxForwards(ack);
    const content = relayedContent(ack);
    options.relayRequest?.(content, { request: ack, from, to });
    // §13.2.2.4: the other leg's ACK, end to end, with the body of this one (the answer in a late offer); as it stands when its rewrite failed.
    const sendAck = (): void =>
      void dialogOf(to).ack(otherSeq, {
        headers: content.headers,
        ...(content.body === undefined ? {} : { body: content.body }),
        maxForwards,
      });
    afterHook(() => options.relayInDialog?.(content, { message: ack, request: ack, from, to }), sendAck, sendAck);
  }

  #listen(leg: Leg, other: Leg): void {
    dialogOf(leg).onEvent((event) => {
      switch (event.kind) {
        case 'request':
          this.#relayRequest(leg, other, event.request);
          return;
        case 'ack':
          this.#relayAck(leg, other, event.ack);
          return;
        case 'bye':
          this.#end(leg, 'RemoteBye', event.request);
          return;
        case 'terminated':
          if (event.cause !== 'LocalBye') this.#end(leg, event.cause);
          return;
        case 'confirmed':
          return;
      }
    });
  }
}
