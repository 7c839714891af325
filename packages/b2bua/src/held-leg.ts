/**
 * A leg held by the application: the user agent of one SIP dialog whose
 * other end is not another SIP leg but the application itself (a device it
 * serves, a media server, a prompt). It answers the peer's in-dialog
 * requests (RFC 3261 §12.2.2): BYE ends it (§15.1.2), a re-INVITE or an
 * UPDATE (RFC 3311) with an offer goes to the application, whose answer is
 * sent in the 2xx (RFC 3264 §8) or whose status rejects it and leaves the
 * session as it was (§14.2); a re-INVITE without a body asks the
 * application for an offer, sent in the 2xx, and the answer comes in the
 * ACK (§13.2.1, §14.2). It sends re-INVITEs with a new offer (§14.1), and
 * when one meets a 491 (both sides re-INVITEd at once) it sends it again
 * after the random wait §14.1 sets. INFO (RFC 6086) and OPTIONS get 200.
 */
import {
  DIALOG_ALLOW,
  DialogError,
  NULL_SESSION_UUID,
  createSessionUuid,
  isDialogError,
  type Dialog,
  type IncomingRequest,
  type SipResponse,
} from '@sipbreakout/sip-core';
import { glareDelay } from './glare-delay.js';
import {
  type HeldLegEvent,
  type HeldLegOptions,
  type HeldLegRelease,
  type OfferHandler,
  type OfferReply,
  type ReinviteOptions,
  type ReinviteResult,
  SDP_CONTENT_TYPE,
  type SessionDescription,
} from './held-leg-types.js';
import type { Leg } from './leg.js';
import { isPromiseLike, statusOfHookError } from './relay-message.js';

/** Where a held leg stands: held by the application, handed back (to be paired), or over. */
export type HeldLegStateName = 'Held' | 'Released' | 'Ended';

/** A final status the application may reject an offer with (300–699), else 500. */
function rejectionStatus(status: number): number {
  return Number.isInteger(status) && status >= 300 && status <= 699 ? status : 500;
}

/** The dialog of a leg, which a held leg needs. */
function dialogOf(leg: Leg): Dialog {
  const d = leg.dialog;
  if (d === undefined) throw new DialogError('DIALOG_ERR_INVALID_STATE', `leg ${leg.name} has no dialog`);
  return d;
}

/** One SIP dialog answered by the application (see the file's comment). */
export class HeldLeg {
  /** The leg: its INVITE and dialog, its peer's Session-ID UUID. */
  readonly leg: Leg;
  readonly #dialog: Dialog;
  readonly #options: HeldLegOptions;
  #state: HeldLegStateName = 'Held';
  #onOffer: OfferHandler | undefined;
  #listener: ((event: HeldLegEvent) => void) | undefined;
  /** The UUID of the side the application speaks for (RFC 7989). */
  readonly sessionUuid: string;
  /** Our re-INVITE is in progress: its offer is outstanding (RFC 3311 §5.2). */
  #localOffer = false;
  /** The peer's request whose offer the application is answering. */
  #remoteOffer: IncomingRequest | undefined;
  /** The CSeq of an INVITE whose 2xx carried our offer: its ACK carries the answer. */
  #awaitingAnswer: number | undefined;

  /** Holds `leg`, whose dialog exists; takes over the dialog's events. */
  constructor(leg: Leg, options: HeldLegOptions) {
    this.leg = leg;
    this.#dialog = dialogOf(leg);
    this.#options = options;
    this.#onOffer = options.onOffer;
    this.#listener = options.onEvent;
    this.#awaitingAnswer = options.awaitingAnswer;
    this.sessionUuid = options.sessionUuid ?? this.#dialog.sessionId?.local ?? createSessionUuid();
    this.#stamp();
    if (this.#dialog.terminated) this.#state = 'Ended';
    else this.#listen();
  }

  /** Where the leg stands. */
  get state(): HeldLegStateName {
    return this.#state;
  }

  /** The leg's dialog. */
  get dialog(): Dialog {
    return this.#dialog;
  }

  /** Who replies to the peer's offers (see {@link OfferHandler}). */
  get offerHandler(): OfferHandler | undefined {
    return this.#onOffer;
  }

  /** Sets who replies to the peer's offers (see {@link OfferHandler}). */
  onOffer(handler: OfferHandler | undefined): void {
    this.#onOffer = handler;
  }

  /** Who hears the leg's events. */
  get eventListener(): ((event: HeldLegEvent) => void) | undefined {
    return this.#listener;
  }

  /** True while an offer and answer are exchanged on the leg (its re-INVITE, or the peer's offer being answered). */
  get busy(): boolean {
    return this.#localOffer || this.#remoteOffer !== undefined || this.#awaitingAnswer !== undefined;
  }

  /** Sets who hears the leg's events. */
  onEvent(listener: ((event: HeldLegEvent) => void) | undefined): void {
    this.#listener = listener;
  }

  /**
   * Sends a re-INVITE with `offer` (RFC 3261 §14.1) and resolves with the
   * peer's answer, or the status that rejected it (the session then stays
   * as it was). A 491, or an INVITE of either side still in progress, is
   * glare: the re-INVITE goes again after §14.1's random wait, up to
   * `glareRetries` times. The 2xx is ACKed.
   */
  async reinvite(offer: SessionDescription, options: ReinviteOptions = {}): Promise<ReinviteResult> {
    const retries = this.#options.glareRetries ?? 3;
    const timerC = options.timerC ?? this.#options.timerC;
    for (let attempt = 0; ; attempt++) {
      if (this.#state !== 'Held') return { kind: 'rejected', status: 481, response: undefined };
      let response: SipResponse | undefined;
      // An offer of the peer still unanswered, or ours waiting for its ACK, holds ours back as a pending INVITE would (§14.1).
      if (this.#remoteOffer === undefined && this.#awaitingAnswer === undefined) {
        try {
          this.#localOffer = true;
          response = await this.#dialog.request('INVITE', {
            headers: [['Content-Type', offer.contentType ?? SDP_CONTENT_TYPE], ...(options.headers ?? [])],
            body: offer.sdp,
            ...(timerC === undefined ? {} : { timerC }),
          });
        } catch (error) {
          if (!isDialogError(error, 'DIALOG_ERR_REQUEST_PENDING'))
            return { kind: 'rejected', status: 481, response: undefined };
        } finally {
          this.#localOffer = false;
        }
      }
      if (response !== undefined && response.status !== 491) {
        if (response.status >= 200 && response.status < 300)
          return { kind: 'answered', sdp: response.body.length > 0 ? response.body : undefined, response };
        return { kind: 'rejected', status: response.status, response };
      }
      if (attempt >= retries) return { kind: 'rejected', status: 491, response };
      await this.#wait(glareDelay(this.#dialog.state.role === 'UAC', this.#options.random));
    }
  }

  /** Ends the dialog with a BYE (§15.1.1); resolves with its response (undefined when the leg was not held). */
  async hangUp(): Promise<SipResponse | undefined> {
    if (this.#state !== 'Held') return undefined;
    // §15.1.2 from our side: the peer's request the application still answers gets 487.
    const pending = this.#remoteOffer;
    if (pending !== undefined && !pending.answered) pending.respond(487);
    this.#remoteOffer = undefined;
    if (this.#dialog.terminated) return undefined;
    return this.#dialog.bye().catch(() => undefined);
  }

  /**
   * Hands the leg back (to pair it with another, {@link LegPair}): the
   * application no longer answers its requests. Refused while an offer
   * and answer are exchanged on it.
   */
  release(): HeldLegRelease {
    if (this.#state !== 'Held') return { released: false, reason: 'ended' };
    if (this.busy) return { released: false, reason: 'busy' };
    this.#state = 'Released';
    this.#dialog.onEvent(undefined);
    this.#listener = undefined;
    this.#onOffer = undefined;
    return { released: true, leg: this.leg };
  }

  /** RFC 7989 §7: what the leg sends speaks for the application's side, to the peer (its UUID once known). */
  #stamp(): void {
    this.#dialog.sessionId = { local: this.sessionUuid, remote: this.leg.sessionUuid ?? NULL_SESSION_UUID };
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => this.#options.clock.setTimer(ms, resolve));
  }

  #tell(event: HeldLegEvent): void {
    this.#listener?.(event);
  }

  #listen(): void {
    this.#dialog.onEvent((event) => {
      switch (event.kind) {
        case 'request':
          if (this.leg.learnSessionUuid(event.request.request)) this.#stamp();
          this.#onRequest(event.request);
          return;
        case 'ack':
          if (event.ack.cseq.seq !== this.#awaitingAnswer) return;
          this.#awaitingAnswer = undefined;
          this.#tell({ kind: 'answer', sdp: event.ack.body.length > 0 ? event.ack.body : undefined, ack: event.ack });
          return;
        case 'terminated': {
          this.#state = 'Ended';
          this.#awaitingAnswer = undefined;
          const listener = this.#listener;
          this.#listener = undefined;
          this.#onOffer = undefined;
          listener?.({ kind: 'ended', cause: event.cause });
          return;
        }
        case 'bye':
        case 'confirmed':
          return;
      }
    });
  }

  #onRequest(incoming: IncomingRequest): void {
    const request = incoming.request;
    switch (request.method) {
      case 'INVITE':
      case 'UPDATE':
        this.#onOfferRequest(incoming, request.method);
        return;
      case 'INFO':
        // RFC 6086 §4.2.2: an Info Package we did not announce gets 469 with the (empty) list of ours; legacy INFO is taken.
        if (request.headers.has('Info-Package')) {
          incoming.respond(469, { reason: 'Bad Info Package', headers: [['Recv-Info', '']] });
          return;
        }
        incoming.respond(200);
        this.#tell({ kind: 'info', request });
        return;
      case 'OPTIONS':
        incoming.respond(200, {
          headers: [
            ['Allow', DIALOG_ALLOW],
            ['Accept', SDP_CONTENT_TYPE],
          ],
        });
        return;
      default:
        incoming.respond(501, { headers: [['Allow', DIALOG_ALLOW]] });
    }
  }

  #onOfferRequest(incoming: IncomingRequest, method: 'INVITE' | 'UPDATE'): void {
    const request = incoming.request;
    const sdp = request.body.length > 0 ? request.body : undefined;
    // RFC 3311 §5.2: an UPDATE without a body refreshes the target only (the dialog did that).
    if (method === 'UPDATE' && sdp === undefined) {
      incoming.respond(200);
      return;
    }
    // RFC 3311 §5.2 (and §14.2 of RFC 3261 for an INVITE): our offer is outstanding: 491; the peer's earlier one is: 500.
    if (this.#localOffer || this.#awaitingAnswer !== undefined) {
      incoming.respond(491, { reason: 'Request Pending' });
      return;
    }
    if (this.#remoteOffer !== undefined) {
      incoming.respond(500, { headers: [['Retry-After', String(Math.floor(Math.random() * 10))]] });
      return;
    }
    const handler = this.#onOffer;
    if (handler === undefined) {
      incoming.respond(488, { reason: 'Not Acceptable Here' });
      return;
    }
    this.#remoteOffer = incoming;
    const settle = (reply: OfferReply): void => {
      if (this.#remoteOffer === incoming) this.#remoteOffer = undefined;
      if (incoming.answered) return;
      if ('reject' in reply) {
        incoming.respond(rejectionStatus(reply.reject), reply.reason === undefined ? {} : { reason: reply.reason });
        return;
      }
      // A re-INVITE without an offer: ours goes in the 2xx, the answer comes in the ACK (§13.2.1).
      if (method === 'INVITE' && sdp === undefined) this.#awaitingAnswer = request.cseq.seq;
      incoming.respond(200, {
        headers: [['Content-Type', reply.contentType ?? SDP_CONTENT_TYPE], ...(reply.headers ?? [])],
        body: reply.sdp,
      });
    };
    const failed = (error: unknown): void => settle({ reject: statusOfHookError(error) });
    try {
      const reply = handler({ method, sdp, contentType: request.headers.get('Content-Type'), request });
      if (isPromiseLike<OfferReply>(reply)) Promise.resolve(reply).then(settle, failed);
      else settle(reply);
    } catch (error) {
      failed(error);
    }
  }
}
